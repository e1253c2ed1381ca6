/** DigestStore on SQLite: one digest per conversation, claimed when due, sent at most once per local day. */
import type Database from 'better-sqlite3';
import type { DigestInput, DigestRecord } from '../../domain/digest';
import type { Subscriber } from '../../domain/subscriber';
import { DIGEST_QUEUE_KEY } from '../../domain/watch';
import { settingSubscriber, teamOf, threadRange } from '../records';
import type { DigestStore } from '../types';
import { enqueue } from './outbox';
import type { Statements } from './statements';
import { onFirstCall, type Sync } from './sync';

interface DigestRow {
  conversation_id: string;
  input: string;
  team_id: string | null;
  created_at: number;
  next_at: number;
  last_day: string | null;
  lease_owner: string | null;
  lease_until: number | null;
}

function toDigest(r: DigestRow): DigestRecord {
  return { ...(JSON.parse(r.input) as DigestInput), nextAt: r.next_at, createdAt: r.created_at };
}

function prepare(db: Database.Database) {
  return {
    get: db.prepare<[string], DigestRow>('SELECT * FROM digests WHERE conversation_id = ?'),
    insert: db.prepare(`INSERT INTO digests (conversation_id, input, team_id, created_at, next_at)
      VALUES (@conversationId, @input, @teamId, @now, @nextAt)`),
    update: db.prepare(`UPDATE digests SET input = @input, team_id = COALESCE(@teamId, team_id), next_at = @nextAt
      WHERE conversation_id = @conversationId`),
    remove: db.prepare<[string]>('DELETE FROM digests WHERE conversation_id = ?'),
    due: db.prepare<{ now: number; limit: number }, DigestRow>(`SELECT * FROM digests WHERE next_at <= @now
      AND (lease_until IS NULL OR lease_until <= @now) ORDER BY next_at LIMIT @limit`),
    dueOne: db.prepare<{ now: number; id: string }, DigestRow>(`SELECT * FROM digests WHERE conversation_id = @id AND next_at <= @now
      AND (lease_until IS NULL OR lease_until <= @now)`),
    lease: db.prepare('UPDATE digests SET lease_owner = @owner, lease_until = @until WHERE conversation_id = @conversationId'),
    commit: db.prepare(`UPDATE digests SET next_at = @nextAt, last_day = @lastDay, lease_owner = NULL, lease_until = NULL
      WHERE conversation_id = @conversationId`),
    next: db.prepare<[], { at: number | null }>('SELECT min(next_at) AS at FROM digests'),
    ofConversationAndThreads: db.prepare<{ id: string; from: string; to: string }, { conversation_id: string }>(
      'SELECT conversation_id FROM digests WHERE conversation_id = @id OR (conversation_id >= @from AND conversation_id < @to)',
    ),
    ofTeam: db.prepare<[string], { conversation_id: string }>('SELECT conversation_id FROM digests WHERE team_id = ?'),
    dropQueue: db.prepare<[string, string]>(`DELETE FROM outbox WHERE job_key = ? AND conversation_id = ? AND state = 'pending'`),
  };
}

export interface SqliteDigests extends Sync<DigestStore> {
  /** Inside the outbox's claim: the digest a digest message goes to, as its subscriber. */
  subscriberOf(jobKey: string, conversationId: string): Subscriber | undefined;
  dropConversation(conversationId: string): void;
  dropTeam(teamId: string): void;
}

export function sqliteDigests(db: Database.Database, st: Statements): SqliteDigests {
  let prepared: ReturnType<typeof prepare> | undefined;
  const d = (): ReturnType<typeof prepare> => (prepared ??= prepare(db));
  const removeOne = (conversationId: string): boolean => {
    const gone = d().remove.run(conversationId).changes > 0;
    if (gone) d().dropQueue.run(DIGEST_QUEUE_KEY, conversationId);
    return gone;
  };

  const set = onFirstCall(
    () =>
      db.transaction((input: DigestInput, now: number, nextAt: number): 'created' | 'updated' => {
        const params = {
          conversationId: input.conversationId,
          input: JSON.stringify(input),
          teamId: teamOf(input) ?? null,
          now,
          nextAt,
        };
        if (d().get.get(input.conversationId)) {
          d().update.run(params);
          return 'updated';
        }
        d().insert.run(params);
        return 'created';
      }).immediate,
  );

  const claim = onFirstCall(
    () =>
      db.transaction((owner: string, now: number, leaseMs: number, limit: number, only?: string) => {
        const rows = only === undefined ? d().due.all({ now, limit }) : d().dueOne.all({ now, id: only });
        for (const r of rows) d().lease.run({ owner, until: now + leaseMs, conversationId: r.conversation_id });
        return rows.map(toDigest);
      }).immediate,
  );

  const commit = onFirstCall(
    () =>
      db.transaction((owner: string, conversationId: string, result: Parameters<DigestStore['commitDigest']>[2]) => {
        const row = d().get.get(conversationId);
        if (!row || row.lease_owner !== owner) return false;
        // Days compare as text (YYYY-MM-DD): a day already sent, or an earlier one, is not sent again.
        const fresh = row.last_day === null || result.day > row.last_day;
        if (result.message && fresh) enqueue(st, DIGEST_QUEUE_KEY, conversationId, result.message);
        d().commit.run({ conversationId, nextAt: result.nextAt, lastDay: result.message && fresh ? result.day : row.last_day });
        return true;
      }).immediate,
  );

  return {
    setDigest: set,
    removeDigest: (conversationId) => db.transaction(() => removeOne(conversationId)).immediate(),
    getDigest: (conversationId) => {
      const row = d().get.get(conversationId);
      return row && toDigest(row);
    },
    claimDueDigests: (owner, now, leaseMs, limit, only) => (limit <= 0 ? [] : claim(owner, now, leaseMs, limit, only)),
    commitDigest: commit,
    nextDigestAt: () => d().next.get()?.at ?? undefined,
    subscriberOf(jobKey, conversationId) {
      if (jobKey !== DIGEST_QUEUE_KEY) return undefined;
      const row = d().get.get(conversationId);
      if (!row) return undefined;
      return settingSubscriber(jobKey, conversationId, JSON.parse(row.input) as DigestInput, {
        teamId: row.team_id,
        createdAt: row.created_at,
      });
    },
    dropConversation(conversationId) {
      for (const r of d().ofConversationAndThreads.all({ id: conversationId, ...threadRange(conversationId) }))
        removeOne(r.conversation_id);
    },
    dropTeam(teamId) {
      for (const r of d().ofTeam.all(teamId)) removeOne(r.conversation_id);
    },
  };
}
