/**
 * The default StateStore: one SQLite file through better-sqlite3 (synchronous, in-process, no
 * server). Every multi-statement change runs in a BEGIN IMMEDIATE transaction, so two processes
 * on the same file serialise on the write lock instead of failing on a lock upgrade.
 * This class opens and closes the connection; each interface is implemented by its part
 * (subscriptions.ts, jobs.ts, outbox.ts, and watches/digests/settings through feature-methods.ts), built once per connection.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { BackupJob, VaultId } from '../../domain/job';
import { silentLogger, type Logger } from '../../core/logger';
import type { Subscriber, SubscriberInput } from '../../domain/subscriber';
import { closedError } from '../records';
import type {
  JobStore,
  JobUpdate,
  OutboxInput,
  OutboxRecord,
  OutboxStore,
  StateStore,
  SubscribeCapKind,
  SubscribeCaps,
  SubscribeResult,
  SubscriptionStore,
  TrackedJobRecord,
} from '../types';
import { migrate } from './migrations';
import { sqliteJobs } from './jobs';
import { sqliteOutbox } from './outbox';
import { prepareStatements, type Statements } from './statements';
import { sqliteSettings, type SqliteSettings } from './settings';
import { sqliteSubscriptions } from './subscriptions';
import type { Sync } from './sync';
import { sqliteWatches, type SqliteWatches } from './watches';
import { sqliteDigests, type SqliteDigests } from './digests';
import { SqliteFeatureMethods } from './feature-methods';
import { sqliteActionState, type SqliteActionState } from './action-state';
import { sqliteDurations } from './durations';
import type { DurationStatsStore } from '../duration-types';

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

export class SqliteStore extends SqliteFeatureMethods implements StateStore {
  private readonly logger: Logger;
  private conn?: Open;
  private closed = false;

  constructor(private readonly options: SqliteStoreOptions) {
    super();
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
    if (this.conn) return;
    const { path: file, image } = this.options;
    if (image && file !== ':memory:') throw new Error('sqlite state store: an image opens only in memory (path :memory:)');
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const db = new Database(image ?? file);
    try {
      // In memory there is no journal file to fsync and no other connection to wait for: these would do nothing.
      if (file !== ':memory:') {
        db.pragma('journal_mode = WAL');
        db.pragma(`synchronous = ${this.options.synchronous ?? 'NORMAL'}`);
        db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      }
      migrate(db, this.logger);
      const st = prepareStatements(db);
      const watches = sqliteWatches(db, st);
      const digests = sqliteDigests(db, st);
      this.conn = {
        db,
        st,
        subs: sqliteSubscriptions({ db, st }, watches, digests),
        settings: sqliteSettings({ db, st }),
        actionState: sqliteActionState({ db, st }),
        jobs: sqliteJobs({ db, st }),
        outbox: sqliteOutbox({ db, st }, watches, digests),
        watches,
        digests,
        durations: sqliteDurations(db),
      };
    } catch (err) {
      db.close();
      throw err;
    }
    this.logger.debug({ path: file }, 'state store opened');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.conn?.db.close();
    this.conn = undefined;
  }

  /** Path of the database file, for diagnostics. */
  get path(): string {
    return this.options.path;
  }

  /** The open connection (tests check pragmas and query plans). */
  connection(): Database.Database {
    return this.open().db;
  }

  async ping(): Promise<void> {
    // Reads the schema page, so a database file that became unreadable fails here.
    this.open().db.prepare('SELECT count(*) FROM sqlite_master').get();
  }

  async stats(): Promise<{ activeJobs: number; subscriptions: number; pendingMessages: number }> {
    const row = this.open().st.stats.get();
    return { activeJobs: row?.activeJobs ?? 0, subscriptions: row?.subscriptions ?? 0, pendingMessages: row?.pendingMessages ?? 0 };
  }

  // SubscriptionStore (subscriptions.ts)

  async subscribe(
    job: { jobKey: string; vault: VaultId; jobId: string; lastJob?: BackupJob; nextPollAt: number },
    sub: SubscriberInput,
    now: number,
    caps?: SubscribeCaps,
  ): Promise<SubscribeResult> {
    return this.open().subs.subscribe(job, sub, now, caps);
  }

  async refusedBy(jobKey: string, conversationId: string, pending: boolean, caps: SubscribeCaps): Promise<SubscribeCapKind | undefined> {
    return this.open().subs.refusedBy(jobKey, conversationId, pending, caps);
  }

  async unsubscribe(jobKey: string, conversationId: string): Promise<number> {
    return this.open().subs.unsubscribe(jobKey, conversationId);
  }

  async dropConversation(conversationId: string): Promise<number> {
    const open = this.open();
    // Synchronous, one after the other: no other call runs in between.
    const dropped = open.subs.dropConversation(conversationId);
    open.settings.forgetConversation(conversationId);
    open.actionState.forgetConversation(conversationId);
    return dropped;
  }

  async dropTeam(teamId: string): Promise<number> {
    const open = this.open();
    const dropped = open.subs.dropTeam(teamId);
    open.settings.forgetTeam(teamId);
    return dropped;
  }

  async getJob(jobKey: string): Promise<TrackedJobRecord | undefined> {
    return this.open().subs.getJob(jobKey);
  }

  async getSubscribers(jobKey: string): Promise<Subscriber[]> {
    return this.open().subs.getSubscribers(jobKey);
  }

  async listByConversation(conversationId: string): Promise<Array<{ job: TrackedJobRecord; subscriber: Subscriber }>> {
    return this.open().subs.listByConversation(conversationId);
  }

  async setCard(jobKey: string, conversationId: string, activityId: string, digest: string): Promise<void> {
    this.open().subs.setCard(jobKey, conversationId, activityId, digest);
  }

  // JobStore (jobs.ts)

  async claimDueJobs(owner: string, now: number, leaseMs: number, limit: number): Promise<TrackedJobRecord[]> {
    return this.open().jobs.claimDueJobs(owner, now, leaseMs, limit);
  }

  async nextDueAt(): Promise<number | undefined> {
    return this.open().jobs.nextDueAt();
  }

  async commitPoll(owner: string, update: JobUpdate, messages: readonly OutboxInput[]): Promise<boolean> {
    return this.open().jobs.commitPoll(owner, update, messages);
  }

  async releaseJob(owner: string, jobKey: string, nextPollAt?: number): Promise<void> {
    this.open().jobs.releaseJob(owner, jobKey, nextPollAt);
  }

  // OutboxStore (outbox.ts)

  async claimMessages(owner: string, now: number, leaseMs: number, limit: number): Promise<OutboxRecord[]> {
    return this.open().outbox.claimMessages(owner, now, leaseMs, limit);
  }

  async completeMessage(owner: string, id: number, result: { activityId?: string; digest?: string }): Promise<void> {
    this.open().outbox.completeMessage(owner, id, result);
  }

  async retryMessage(owner: string, id: number, notBefore: number, error: string): Promise<void> {
    this.open().outbox.retryMessage(owner, id, notBefore, error);
  }

  async failMessage(owner: string, id: number, error: string): Promise<void> {
    this.open().outbox.failMessage(owner, id, error);
  }

  async nextMessageAt(): Promise<number | undefined> {
    return this.open().outbox.nextMessageAt();
  }

  protected parts(): Open {
    return this.open();
  }

  // DurationStatsStore (durations.ts)
  async recordDurations(...a: Parameters<DurationStatsStore['recordDurations']>): Promise<void> {
    this.open().durations.recordDurations(...a);
  }
  async durationStats(...a: Parameters<DurationStatsStore['durationStats']>): ReturnType<DurationStatsStore['durationStats']> {
    return this.open().durations.durationStats(...a);
  }
  async claimHistoryRead(...a: Parameters<DurationStatsStore['claimHistoryRead']>): Promise<boolean> {
    return this.open().durations.claimHistoryRead(...a);
  }

  private open(): Open {
    if (this.closed) throw closedError('sqlite');
    if (!this.conn) throw new Error('sqlite state store: call init() first');
    return this.conn;
  }
}

/** The open connection, its statements, and the parts built on them. */
interface Open {
  readonly db: Database.Database;
  readonly st: Statements;
  readonly subs: Sync<SubscriptionStore>;
  readonly settings: SqliteSettings;
  readonly actionState: SqliteActionState;
  readonly jobs: Sync<JobStore>;
  readonly outbox: Sync<OutboxStore>;
  readonly watches: SqliteWatches;
  readonly digests: SqliteDigests;
  readonly durations: Sync<DurationStatsStore>;
}
