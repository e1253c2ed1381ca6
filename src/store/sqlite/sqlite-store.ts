/**
 * The default StateStore: one SQLite file through better-sqlite3 (synchronous, in-process, no
 * server). Every multi-statement change runs in a BEGIN IMMEDIATE transaction, so two processes
 * on the same file serialise on the write lock instead of failing on a lock upgrade.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { BackupJob, VaultId } from '../../domain/job';
import { silentLogger, type Logger } from '../../core/logger';
import type { EndReason, JsonObject, Subscriber, SubscriberInput } from '../../domain/subscriber';
import { closedError, payloadOf, teamOf, threadRange, toMessage, toSubscriber, type StoredPayload } from '../records';
import type { JobUpdate, OutboxInput, OutboxRecord, StateStore, TrackedJobRecord } from '../types';
import { migrate } from './migrations';
import { prepareStatements, type JobRow, type Statements, type SubRow } from './statements';

export interface SqliteStoreOptions {
  /** File path, or `:memory:` (nothing survives close). The parent directory is created when missing. */
  readonly path: string;
  readonly logger?: Logger;
  /**
   * NORMAL (default): in WAL mode a commit is appended to the WAL without fsync. The write is in
   * the OS page cache as soon as the commit returns, so a killed process (kill -9, OOM, crash)
   * loses nothing; only an OS crash or power cut can drop the last commits, never corrupt the
   * file. Losing a commit then means re-polling a job or re-sending a notice, which the tracker
   * already tolerates. FULL fsyncs every commit (survives power loss) at a cost per commit that
   * matters at thousands of jobs.
   */
  readonly synchronous?: 'NORMAL' | 'FULL';
  /**
   * With path `:memory:`: start from this serialized database (`connection().serialize()`) instead
   * of an empty one; it is migrated like a file. Tests open thousands of stores from one image.
   */
  readonly image?: Buffer;
}

/** How long a writer waits for another process's write lock before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;

export class SqliteStore implements StateStore {
  private readonly logger: Logger;
  private db?: Database.Database;
  private st?: Statements;
  private closed = false;

  constructor(private readonly options: SqliteStoreOptions) {
    this.logger = options.logger ?? silentLogger();
  }

  async init(): Promise<void> {
    this.initSync();
  }

  /**
   * `init()` in one synchronous step (better-sqlite3 is synchronous), for a caller that cannot
   * await, such as a test harness wiring an in-memory store in a constructor.
   */
  initSync(): void {
    if (this.closed) throw closedError('sqlite');
    if (this.db) return;
    const { path: file, image } = this.options;
    if (image && file !== ':memory:') throw new Error('sqlite state store: an image opens only in memory (path :memory:)');
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const db = new Database(image ?? file);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${this.options.synchronous ?? 'NORMAL'}`);
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      migrate(db, this.logger);
      this.st = prepareStatements(db);
    } catch (err) {
      db.close();
      throw err;
    }
    this.db = db;
    this.logger.debug({ path: file }, 'state store opened');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db?.close();
    this.db = undefined;
    this.st = undefined;
  }

  /** Path of the database file, for diagnostics. */
  get path(): string {
    return this.options.path;
  }

  /** The open connection (tests check pragmas and query plans). */
  connection(): Database.Database {
    return this.open().db;
  }

  async subscribe(
    job: { jobKey: string; vault: VaultId; jobId: string; lastJob?: BackupJob; nextPollAt: number },
    sub: SubscriberInput,
    now: number,
  ): Promise<{ jobCreated: boolean; subscriptionCreated: boolean }> {
    const { db, st } = this.open();
    const jobParams = {
      jobKey: job.jobKey,
      subscriptionId: job.vault.subscriptionId,
      resourceGroup: job.vault.resourceGroup,
      vaultName: job.vault.vaultName,
      jobId: job.jobId,
      lastJob: job.lastJob === undefined ? null : JSON.stringify(job.lastJob),
      nextPollAt: job.nextPollAt,
      now,
    };
    const subParams = {
      jobKey: job.jobKey,
      conversationId: sub.conversationId,
      ref: JSON.stringify(sub.conversationRef),
      requesterId: sub.requester.id,
      requesterName: sub.requester.name,
      locale: sub.locale ?? null,
      timeZone: sub.timeZone ?? null,
      teamId: teamOf(sub) ?? null,
      now,
    };
    return db
      .transaction(() => {
        const existing = st.getJob.get(job.jobKey);
        if (!existing) st.insertJob.run(jobParams);
        else if (existing.state === 'ended') st.reactivateJob.run(jobParams);
        const had = st.getSub.get(job.jobKey, sub.conversationId);
        if (had) st.updateSub.run(subParams);
        else st.insertSub.run(subParams);
        return { jobCreated: !existing || existing.state === 'ended', subscriptionCreated: !had };
      })
      .immediate();
  }

  async unsubscribe(jobKey: string, conversationId: string): Promise<number> {
    const { db } = this.open();
    return db.transaction(() => this.removeSubscription(jobKey, conversationId)).immediate();
  }

  async dropConversation(conversationId: string): Promise<number> {
    const { db, st } = this.open();
    return db
      .transaction(() => {
        const subs = st.subsOfConversationAndThreads.all({ id: conversationId, ...threadRange(conversationId) });
        for (const s of subs) this.removeSubscription(s.job_key, s.conversation_id);
        return subs.length;
      })
      .immediate();
  }

  async dropTeam(teamId: string): Promise<number> {
    const { db, st } = this.open();
    return db
      .transaction(() => {
        const subs = st.subsOfTeam.all(teamId);
        for (const s of subs) this.removeSubscription(s.job_key, s.conversation_id);
        return subs.length;
      })
      .immediate();
  }

  async getJob(jobKey: string): Promise<TrackedJobRecord | undefined> {
    const row = this.open().st.getJob.get(jobKey);
    return row && toJob(row);
  }

  async getSubscribers(jobKey: string): Promise<Subscriber[]> {
    return this.open().st.subsOfJob.all(jobKey).map(toSub);
  }

  async listByConversation(conversationId: string): Promise<Array<{ job: TrackedJobRecord; subscriber: Subscriber }>> {
    const { db, st } = this.open();
    // One read transaction: a consistent view across the per-job lookups.
    return db.transaction(() =>
      st.subsOfConversation.all(conversationId).flatMap((s) => {
        const job = st.getJob.get(s.job_key);
        return job ? [{ job: toJob(job), subscriber: toSub(s) }] : [];
      }),
    )();
  }

  async setCard(jobKey: string, conversationId: string, activityId: string, digest: string): Promise<void> {
    this.open().st.setCard.run({ jobKey, conversationId, activityId, digest });
  }

  async stats(): Promise<{ activeJobs: number; subscriptions: number; pendingMessages: number }> {
    const row = this.open().st.stats.get();
    return { activeJobs: row?.activeJobs ?? 0, subscriptions: row?.subscriptions ?? 0, pendingMessages: row?.pendingMessages ?? 0 };
  }

  async claimDueJobs(owner: string, now: number, leaseMs: number, limit: number): Promise<TrackedJobRecord[]> {
    if (limit <= 0) return [];
    const rows = this.open().st.claimJobs.all({ owner, now, until: now + leaseMs, limit });
    // RETURNING gives no order guarantee.
    return rows.sort((a, b) => a.next_poll_at - b.next_poll_at).map(toJob);
  }

  async nextDueAt(): Promise<number | undefined> {
    return this.open().st.nextDueAt.get()?.at;
  }

  async commitPoll(owner: string, update: JobUpdate, messages: readonly OutboxInput[]): Promise<boolean> {
    const { db, st } = this.open();
    return db
      .transaction(() => {
        const job = st.getJob.get(update.jobKey);
        if (!job || job.lease_owner !== owner) return false;
        st.commitJob.run({
          jobKey: update.jobKey,
          lastJob: update.lastJob === undefined ? null : JSON.stringify(update.lastJob),
          nextPollAt: update.nextPollAt,
          schedule: JSON.stringify(update.schedule),
          end: update.end ?? null,
        });
        // Serialising inside the transaction: a value that cannot be stored rolls everything back.
        for (const m of messages) {
          if (st.getSub.get(update.jobKey, m.conversationId)) this.enqueue(update.jobKey, m.conversationId, payloadOf(m));
        }
        return true;
      })
      .immediate();
  }

  async releaseJob(owner: string, jobKey: string, nextPollAt?: number): Promise<void> {
    this.open().st.releaseJob.run({ owner, jobKey, nextPollAt: nextPollAt ?? null });
  }

  async claimMessages(owner: string, now: number, leaseMs: number, limit: number): Promise<OutboxRecord[]> {
    if (limit <= 0) return [];
    const { db, st } = this.open();
    return db
      .transaction(() => {
        const out: OutboxRecord[] = [];
        for (const { id } of st.dueMessages.all({ now, limit })) {
          const m = st.getMessage.get(id);
          const sub = m && st.getSub.get(m.job_key, m.conversation_id);
          if (!m || !sub) continue;
          st.leaseMessage.run({ owner, until: now + leaseMs, id });
          out.push({
            id,
            jobKey: m.job_key,
            conversationId: m.conversation_id,
            message: toMessage(JSON.parse(m.payload) as StoredPayload, toSub(sub)),
            attempts: m.attempts,
            notBefore: m.not_before,
          });
        }
        return out;
      })
      .immediate();
  }

  async completeMessage(_owner: string, id: number, result: { activityId?: string; digest?: string }): Promise<void> {
    const { db, st } = this.open();
    db.transaction(() => {
      const m = st.getMessage.get(id);
      if (!m || m.state !== 'pending') return;
      if (m.kind !== 'card') {
        st.markSent.run(id);
        return;
      }
      st.setCard.run({
        jobKey: m.job_key,
        conversationId: m.conversation_id,
        activityId: result.activityId ?? null,
        digest: result.digest ?? null,
      });
      // A delivered card is fully described by the subscription's card id and digest.
      st.deleteMessage.run(id);
    }).immediate();
  }

  async retryMessage(owner: string, id: number, notBefore: number, error: string): Promise<void> {
    this.open().st.retryMessage.run({ owner, id, notBefore, error });
  }

  async failMessage(owner: string, id: number, error: string): Promise<void> {
    this.open().st.failMessage.run({ owner, id, error });
  }

  async nextMessageAt(): Promise<number | undefined> {
    return this.open().st.nextMessageAt.get()?.at ?? undefined;
  }

  private open(): { db: Database.Database; st: Statements } {
    if (this.closed) throw closedError('sqlite');
    if (!this.db || !this.st) throw new Error('sqlite state store: call init() first');
    return { db: this.db, st: this.st };
  }

  /** Inside a transaction. */
  private removeSubscription(jobKey: string, conversationId: string): number {
    const st = this.open().st;
    if (st.deleteSub.run(jobKey, conversationId).changes === 0) return -1;
    st.deletePendingOfPair.run(jobKey, conversationId);
    const remaining = st.countSubs.get(jobKey)?.n ?? 0;
    if (remaining === 0) st.deleteJob.run(jobKey);
    return remaining;
  }

  /** Inside a transaction. A card replaces the unclaimed pending cards of its queue (coalescing). */
  private enqueue(jobKey: string, conversationId: string, payload: StoredPayload): void {
    const st = this.open().st;
    let notBefore = 0;
    if (payload.kind === 'card') {
      for (const old of st.replaceableCards.all(jobKey, conversationId)) {
        // Keep a retry's backoff: the conversation was throttled, the newer card waits as long.
        notBefore = Math.max(notBefore, old.not_before);
        st.deleteMessage.run(old.id);
      }
    }
    st.insertMessage.run({ jobKey, conversationId, kind: payload.kind, payload: JSON.stringify(payload), notBefore });
  }
}

function toJob(r: JobRow): TrackedJobRecord {
  return {
    jobKey: r.job_key,
    vault: { subscriptionId: r.subscription_id, resourceGroup: r.resource_group, vaultName: r.vault_name },
    jobId: r.job_id,
    createdAt: r.created_at,
    state: r.state,
    ...(r.end_reason !== null ? { endReason: r.end_reason as EndReason } : {}),
    ...(r.last_job !== null ? { lastJob: JSON.parse(r.last_job) as BackupJob } : {}),
    nextPollAt: r.next_poll_at,
    schedule: JSON.parse(r.schedule) as Record<string, unknown>,
    ...(r.lease_owner !== null ? { leaseOwner: r.lease_owner } : {}),
    ...(r.lease_until !== null ? { leaseUntil: r.lease_until } : {}),
  };
}

function toSub(r: SubRow): Subscriber {
  return toSubscriber({
    jobKey: r.job_key,
    conversationId: r.conversation_id,
    conversationRef: JSON.parse(r.conversation_ref) as JsonObject,
    requesterId: r.requester_id,
    requesterName: r.requester_name,
    locale: r.locale,
    timeZone: r.time_zone,
    teamId: r.team_id,
    createdAt: r.created_at,
    cardActivityId: r.card_activity_id,
    cardDigest: r.card_digest,
  });
}
