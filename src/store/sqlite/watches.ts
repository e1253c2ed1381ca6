/** WatchStore on SQLite: watches, sweep leases, and the record of what each conversation was told. */
import type Database from 'better-sqlite3';
import type { JsonObject, Subscriber } from '../../domain/subscriber';
import { isWatchQueueKey, watchQueueKey, type WatchInput, type WatchRecord } from '../../domain/watch';
import { teamOf, threadRange, toSubscriber, type StoredPayload } from '../records';
import type { WatchStore } from '../types';
import { enqueue } from './outbox';
import type { Statements } from './statements';
import { onFirstCall, type Sync } from './sync';

interface WatchRow {
  conversation_id: string;
  vault_key: string;
  subscription_id: string;
  resource_group: string;
  vault_name: string;
  mode: 'failures' | 'all';
  conversation_ref: string;
  setter_id: string;
  setter_name: string;
  locale: string | null;
  time_zone: string | null;
  team_id: string | null;
  created_at: number;
}

function toWatch(r: WatchRow): WatchRecord {
  return {
    conversationId: r.conversation_id,
    vault: { subscriptionId: r.subscription_id, resourceGroup: r.resource_group, vaultName: r.vault_name },
    vaultKey: r.vault_key,
    mode: r.mode,
    conversationRef: JSON.parse(r.conversation_ref) as JsonObject,
    setBy: { id: r.setter_id, name: r.setter_name },
    ...(r.locale !== null ? { locale: r.locale } : {}),
    ...(r.time_zone !== null ? { timeZone: r.time_zone } : {}),
    ...(r.team_id !== null ? { teamId: r.team_id } : {}),
    createdAt: r.created_at,
  };
}

export function vaultKeyOfWatch(w: Pick<WatchInput, 'vault'>): string {
  return `${w.vault.subscriptionId}/${w.vault.resourceGroup}/${w.vault.vaultName}`.toLowerCase();
}

/** The watch's statements, prepared on first use (see statements.ts). */
function prepare(db: Database.Database) {
  return {
    get: db.prepare<[string, string], WatchRow>('SELECT * FROM watches WHERE conversation_id = ? AND vault_key = ?'),
    ofConversation: db.prepare<[string], WatchRow>('SELECT * FROM watches WHERE conversation_id = ? ORDER BY vault_key'),
    ofVault: db.prepare<[string], WatchRow>('SELECT * FROM watches WHERE vault_key = ? ORDER BY conversation_id'),
    count: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM watches WHERE conversation_id = ?'),
    vaults: db.prepare<[], { vault_key: string }>('SELECT DISTINCT vault_key FROM watches ORDER BY vault_key'),
    insert: db.prepare(`INSERT INTO watches (conversation_id, vault_key, subscription_id, resource_group, vault_name, mode,
      conversation_ref, setter_id, setter_name, locale, time_zone, team_id, created_at)
      VALUES (@conversationId, @vaultKey, @subscriptionId, @resourceGroup, @vaultName, @mode, @ref, @setterId, @setterName,
      @locale, @timeZone, @teamId, @now)`),
    update: db.prepare(`UPDATE watches SET mode = @mode, conversation_ref = @ref, setter_id = @setterId, setter_name = @setterName,
      locale = @locale, time_zone = @timeZone, team_id = COALESCE(@teamId, team_id)
      WHERE conversation_id = @conversationId AND vault_key = @vaultKey`),
    remove: db.prepare<[string, string]>('DELETE FROM watches WHERE conversation_id = ? AND vault_key = ?'),
    ofConversationAndThreads: db.prepare<{ id: string; from: string; to: string }, { conversation_id: string; vault_key: string }>(
      'SELECT conversation_id, vault_key FROM watches WHERE conversation_id = @id OR (conversation_id >= @from AND conversation_id < @to)',
    ),
    ofTeam: db.prepare<[string], { conversation_id: string; vault_key: string }>(
      'SELECT conversation_id, vault_key FROM watches WHERE team_id = ?',
    ),
    getSweep: db.prepare<[string], { state: string; lease_owner: string | null; lease_until: number | null }>(
      'SELECT state, lease_owner, lease_until FROM watch_sweeps WHERE vault_key = ?',
    ),
    leaseSweep: db.prepare(`INSERT INTO watch_sweeps (vault_key, state, lease_owner, lease_until) VALUES (@vaultKey, '{}', @owner, @until)
      ON CONFLICT (vault_key) DO UPDATE SET lease_owner = @owner, lease_until = @until`),
    commitSweep: db.prepare('UPDATE watch_sweeps SET state = @state, lease_owner = NULL, lease_until = NULL WHERE vault_key = @vaultKey'),
    announced: db.prepare<[string, string, string], { activity_id: string | null }>(
      'SELECT activity_id FROM watch_announced WHERE conversation_id = ? AND job_id = ? AND event = ?',
    ),
    announce: db.prepare('INSERT INTO watch_announced (conversation_id, job_id, event, at) VALUES (?, ?, ?, ?)'),
    setActivity: db.prepare<[string, string, string, string]>(
      'UPDATE watch_announced SET activity_id = ? WHERE conversation_id = ? AND job_id = ? AND event = ?',
    ),
    forget: db.prepare<[number]>('DELETE FROM watch_announced WHERE at < ?'),
    dropQueue: db.prepare<[string, string]>(`DELETE FROM outbox WHERE job_key = ? AND conversation_id = ? AND state = 'pending'`),
  };
}
type WatchStatements = ReturnType<typeof prepare>;

export interface SqliteWatches extends Sync<WatchStore> {
  /** Inside the outbox's claim: the watch a watch message goes to, as its subscriber; undefined when it is gone. */
  subscriberOf(jobKey: string, conversationId: string, payload: StoredPayload): Subscriber | undefined;
  /** Inside the outbox's completion: a delivered `started` card's activity id, for the end to replace it. */
  recordCard(conversationId: string, payload: StoredPayload, activityId: string | undefined): void;
  /** Inside dropConversation / dropTeam transactions. */
  dropConversation(conversationId: string): void;
  dropTeam(teamId: string): void;
}

export function sqliteWatches(db: Database.Database, st: Statements): SqliteWatches {
  let prepared: WatchStatements | undefined;
  const w = (): WatchStatements => (prepared ??= prepare(db));

  const removeOne = (conversationId: string, vaultKey: string): boolean => {
    const gone = w().remove.run(conversationId, vaultKey).changes > 0;
    if (gone) w().dropQueue.run(watchQueueKey(vaultKey), conversationId);
    return gone;
  };

  const setWatch = onFirstCall(
    () =>
      db.transaction((input: WatchInput, now: number, max: number): 'created' | 'updated' | 'capped' => {
        const vaultKey = vaultKeyOfWatch(input);
        const params = {
          conversationId: input.conversationId,
          vaultKey,
          subscriptionId: input.vault.subscriptionId,
          resourceGroup: input.vault.resourceGroup,
          vaultName: input.vault.vaultName,
          mode: input.mode,
          ref: JSON.stringify(input.conversationRef),
          setterId: input.setBy.id,
          setterName: input.setBy.name,
          locale: input.locale ?? null,
          timeZone: input.timeZone ?? null,
          teamId: teamOf(input) ?? null,
          now,
        };
        if (w().get.get(input.conversationId, vaultKey)) {
          w().update.run(params);
          return 'updated';
        }
        if ((w().count.get(input.conversationId)?.n ?? 0) >= max) return 'capped';
        w().insert.run(params);
        return 'created';
      }).immediate,
  );

  const claimSweep = onFirstCall(
    () =>
      db.transaction((owner: string, vaultKey: string, now: number, leaseMs: number) => {
        const row = w().getSweep.get(vaultKey);
        if (row && row.lease_owner !== null && row.lease_owner !== owner && (row.lease_until ?? 0) > now) return undefined;
        w().leaseSweep.run({ vaultKey, owner, until: now + leaseMs });
        return { vaultKey, state: row ? (JSON.parse(row.state) as Record<string, unknown>) : {} };
      }).immediate,
  );

  const commitSweep = onFirstCall(
    () =>
      db.transaction(
        (
          owner: string,
          vaultKey: string,
          state: Readonly<Record<string, unknown>>,
          notices: Parameters<WatchStore['commitWatchSweep']>[3],
          now: number,
          forgetBefore: number,
        ) => {
          const row = w().getSweep.get(vaultKey);
          if (!row || row.lease_owner !== owner) return false;
          w().commitSweep.run({ vaultKey, state: JSON.stringify(state) });
          for (const n of notices) {
            if (!w().get.get(n.conversationId, vaultKey)) continue;
            if (n.announces.some((a) => w().announced.get(n.conversationId, a.jobId.toLowerCase(), a.event))) continue;
            for (const a of n.announces) w().announce.run(n.conversationId, a.jobId.toLowerCase(), a.event, now);
            enqueue(st, watchQueueKey(vaultKey), n.conversationId, n.message);
          }
          w().forget.run(forgetBefore);
          return true;
        },
      ).immediate,
  );

  return {
    setWatch,
    removeWatch: (conversationId, vaultKey) => db.transaction(() => removeOne(conversationId, vaultKey)).immediate(),
    listWatches: (conversationId) => w().ofConversation.all(conversationId).map(toWatch),
    watchesOfVault: (vaultKey) => w().ofVault.all(vaultKey).map(toWatch),
    watchedVaultKeys: () =>
      w()
        .vaults.all()
        .map((r) => r.vault_key),
    claimWatchSweep: claimSweep,
    unannounced: (triples) =>
      triples
        .filter((x) => !w().announced.get(x.conversationId, x.jobId.toLowerCase(), x.event))
        .map((x) => ({ conversationId: x.conversationId, jobId: x.jobId, event: x.event })),
    commitWatchSweep: commitSweep,
    subscriberOf(jobKey, conversationId, payload) {
      if (!isWatchQueueKey(jobKey)) return undefined;
      const row = w().get.get(conversationId, jobKey.slice('watch:'.length));
      if (!row) return undefined;
      let cardActivityId: string | null = null;
      if (payload.kind === 'watchJob' && payload.event === 'ended') {
        cardActivityId = w().announced.get(conversationId, payload.key.jobId.toLowerCase(), 'started')?.activity_id ?? null;
      }
      return toSubscriber({
        jobKey,
        conversationId,
        conversationRef: JSON.parse(row.conversation_ref) as JsonObject,
        requesterId: row.setter_id,
        requesterName: row.setter_name,
        locale: row.locale,
        timeZone: row.time_zone,
        teamId: row.team_id,
        createdAt: row.created_at,
        cardActivityId,
      });
    },
    recordCard(conversationId, payload, activityId) {
      if (payload.kind !== 'watchJob' || payload.event !== 'started' || activityId === undefined) return;
      w().setActivity.run(activityId, conversationId, payload.key.jobId.toLowerCase(), 'started');
    },
    dropConversation(conversationId) {
      for (const r of w().ofConversationAndThreads.all({ id: conversationId, ...threadRange(conversationId) })) {
        removeOne(r.conversation_id, r.vault_key);
      }
    },
    dropTeam(teamId) {
      for (const r of w().ofTeam.all(teamId)) removeOne(r.conversation_id, r.vault_key);
    },
  };
}
