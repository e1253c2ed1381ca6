/**
 * StateStore on Redis (ioredis), for several instances sharing one state: every multi-key change
 * is one Lua script (lua/*.lua, loaded by lua.ts), so claims, commits and outbox moves are atomic across instances.
 * Values are the same JSON strings the SQLite backend stores. Selected by `STATE_STORE=redis://…`.
 */
import type { Redis, RedisOptions } from 'ioredis';
import type { BackupJob, VaultId } from '../../domain/job';
import { systemClock, type Clock } from '../../core/clock';
import { silentLogger, type Logger } from '../../core/logger';
import type { Subscriber, SubscriberInput } from '../../domain/subscriber';
import { closedError, payloadOf, teamOf, threadRange, type StoredPayload } from '../records';
import type {
  JobUpdate,
  OutboxInput,
  OutboxRecord,
  StateStore,
  SubscribeCapKind,
  SubscribeCaps,
  SubscribeResult,
  TrackedJobRecord,
} from '../types';
import { asArray, cmp, flatToObject, ms, toJob, toSub } from './codec';
import { runScript, type ScriptName } from './lua';
import { closeClient, openClient } from './connection';
import { parseRedisUrl } from './redis-url';
import { RedisFeatureMethods } from './feature-methods';
import { toOutboxRecord } from './outbox-rows';

export interface RedisStoreOptions {
  /** `redis://host:port[/db]`, or `rediss://:password@host:port[/db]` (TLS, as Azure Cache for Redis requires). */
  readonly url: string;
  /**
   * Namespace of every key (default `bj:`). Several bots may share one Redis with different
   * prefixes; all instances of one bot must use the same.
   */
  readonly keyPrefix?: string;
  readonly logger?: Logger;
  /** Paces the connection error lines (default the system clock). */
  readonly clock?: Pick<Clock, 'now'>;
  /** How long delivered and given-up notices are kept for inspection (default 7 days). */
  readonly doneTtlSeconds?: number;
  /** Extra ioredis options (tests: retry strategy, timeouts). */
  readonly redis?: Partial<RedisOptions>;
}

export class RedisStore extends RedisFeatureMethods implements StateStore {
  private readonly prefix: string;
  private readonly logger: Logger;
  private readonly doneTtl: number;
  private readonly display: string;
  private readonly redisOptions: RedisOptions;
  private client?: Redis;
  private closed = false;

  constructor(private readonly options: RedisStoreOptions) {
    super(options.keyPrefix ?? 'bj:');
    const parsed = parseRedisUrl(options.url);
    this.redisOptions = { ...parsed.options, lazyConnect: true, ...options.redis };
    this.display = parsed.display;
    this.prefix = options.keyPrefix ?? 'bj:';
    this.logger = (options.logger ?? silentLogger()).child({ component: 'redis-store' });
    this.doneTtl = options.doneTtlSeconds ?? 7 * 24 * 3600;
  }

  async init(): Promise<void> {
    if (this.closed) throw closedError('redis');
    if (this.client) return;
    const client = await openClient(this.redisOptions, this.prefix, this.logger, this.options.clock ?? systemClock);
    this.client = client;
    this.logger.debug({ url: this.display, prefix: this.prefix }, 'state store opened');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    await closeClient(client);
  }

  async ping(): Promise<void> {
    if (this.closed) throw closedError('redis');
    // ioredis queues commands while it reconnects; a readiness probe must say "down" at once instead.
    const status = this.client?.status ?? 'not connected';
    if (status !== 'ready') throw new Error(`redis is ${status}`);
    await this.client!.ping();
  }

  async stats(): Promise<{ activeJobs: number; subscriptions: number; pendingMessages: number }> {
    const [activeJobs, subscriptions, pendingMessages] = asArray(await this.run('bjStats', []));
    return { activeJobs: Number(activeJobs), subscriptions: Number(subscriptions), pendingMessages: Number(pendingMessages) };
  }

  // SubscriptionStore

  async subscribe(
    job: { jobKey: string; vault: VaultId; jobId: string; lastJob?: BackupJob; nextPollAt: number },
    sub: SubscriberInput,
    now: number,
    caps?: SubscribeCaps,
  ): Promise<SubscribeResult> {
    const args: Array<string | number> = [
      job.jobKey,
      JSON.stringify(job.vault),
      job.jobId,
      job.lastJob === undefined ? '' : JSON.stringify(job.lastJob),
      ms(job.nextPollAt),
      sub.conversationId,
      JSON.stringify(sub),
      ms(now),
      teamOf(sub) ?? '',
    ];
    // In the script, so that the check and the insert are atomic across instances.
    if (caps) args.push(...capArgs(caps));
    const [jobCreated, subscriptionCreated, refused] = asArray(await this.run('bjSubscribe', args));
    if (refused) return { jobCreated: false, subscriptionCreated: false, refused: refused as SubscribeCapKind };
    return { jobCreated: jobCreated === 1, subscriptionCreated: subscriptionCreated === 1 };
  }

  async refusedBy(jobKey: string, conversationId: string, pending: boolean, caps: SubscribeCaps): Promise<SubscribeCapKind | undefined> {
    const refused = await this.run('bjRefusedBy', [jobKey, conversationId, pending ? '1' : '0', ...capArgs(caps)]);
    return refused ? (refused as SubscribeCapKind) : undefined;
  }

  async unsubscribe(jobKey: string, conversationId: string): Promise<number> {
    return Number(await this.run('bjUnsubscribe', [jobKey, conversationId]));
  }

  async dropConversation(conversationId: string): Promise<number> {
    const { from, to } = threadRange(conversationId);
    const dropped = Number(await this.run('bjDropConversation', [conversationId, from, to]));
    await this.settings.forgetConversation(conversationId);
    await this.actionState.forgetConversation(conversationId);
    return dropped;
  }

  async dropTeam(teamId: string): Promise<number> {
    this.redis();
    if (teamId === '') return 0;
    const dropped = Number(await this.run('bjDropTeam', [teamId]));
    await this.settings.forgetTeam(teamId);
    return dropped;
  }

  async getJob(jobKey: string): Promise<TrackedJobRecord | undefined> {
    const h = await this.redis().hgetall(`${this.prefix}job:${jobKey}`);
    return Object.keys(h).length === 0 ? undefined : toJob(jobKey, h);
  }

  async getSubscribers(jobKey: string): Promise<Subscriber[]> {
    const rows = asArray(await this.run('bjSubscribers', [jobKey])).map((r) => asArray(r));
    return rows
      .map(([, input, at, id, digest, team]) => toSub(jobKey, input, at, id ?? null, digest ?? null, team ?? null))
      .sort(bySubscription);
  }

  async listByConversation(conversationId: string): Promise<Array<{ job: TrackedJobRecord; subscriber: Subscriber }>> {
    const rows = asArray(await this.run('bjListByConversation', [conversationId])).map((r) => asArray(r));
    return rows
      .map(([k, job, input, at, id, digest, team]) => {
        const jobKey = String(k);
        return {
          job: toJob(jobKey, flatToObject(asArray(job))),
          subscriber: toSub(jobKey, input, at, id ?? null, digest ?? null, team ?? null),
        };
      })
      .sort((a, b) => a.subscriber.createdAt - b.subscriber.createdAt || cmp(a.job.jobKey, b.job.jobKey));
  }

  async setCard(jobKey: string, conversationId: string, activityId: string, digest: string): Promise<void> {
    await this.run('bjSetCard', [jobKey, conversationId, activityId, digest]);
  }

  // JobStore

  async claimDueJobs(owner: string, now: number, leaseMs: number, limit: number): Promise<TrackedJobRecord[]> {
    this.redis();
    if (limit <= 0) return [];
    const rows = asArray(await this.run('bjClaimJobs', [owner, ms(now), ms(now + leaseMs), Math.floor(limit)]));
    return rows.map((r) => {
      const [k, flat] = asArray(r);
      return toJob(String(k), flatToObject(asArray(flat)));
    });
  }

  async nextDueAt(): Promise<number | undefined> {
    const [, score] = await this.redis().zrange(`${this.prefix}due`, 0, 0, 'WITHSCORES');
    return score === undefined ? undefined : Number(score);
  }

  async commitPoll(owner: string, update: JobUpdate, messages: readonly OutboxInput[]): Promise<boolean> {
    // Serialised before the script runs: a value that cannot be stored rejects with nothing applied.
    const args: Array<string | number> = [
      owner,
      update.jobKey,
      update.lastJob === undefined ? '' : JSON.stringify(update.lastJob),
      ms(update.nextPollAt),
      JSON.stringify(update.schedule),
      update.end ?? '',
      messages.length,
    ];
    for (const m of messages) {
      const payload: StoredPayload = payloadOf(m);
      args.push(m.conversationId, m.kind, JSON.stringify(payload));
    }
    return Number(await this.run('bjCommitPoll', args)) === 1;
  }

  async releaseJob(owner: string, jobKey: string, nextPollAt?: number): Promise<void> {
    await this.run('bjReleaseJob', [owner, jobKey, nextPollAt === undefined ? '' : ms(nextPollAt)]);
  }

  // OutboxStore

  async claimMessages(owner: string, now: number, leaseMs: number, limit: number): Promise<OutboxRecord[]> {
    this.redis();
    if (limit <= 0) return [];
    const rows = asArray(await this.run('bjClaimMessages', [owner, ms(now), ms(now + leaseMs), Math.floor(limit)]));
    return rows.map((row) => toOutboxRecord(row));
  }

  async completeMessage(_owner: string, id: number, result: { activityId?: string; digest?: string }): Promise<void> {
    const a = result.activityId;
    const d = result.digest;
    await this.run('bjCompleteMessage', [
      String(id),
      this.doneTtl,
      a === undefined ? '0' : '1',
      a ?? '',
      d === undefined ? '0' : '1',
      d ?? '',
    ]);
  }

  async retryMessage(owner: string, id: number, notBefore: number, error: string): Promise<void> {
    await this.run('bjRetryMessage', [owner, String(id), ms(notBefore), error]);
  }

  async failMessage(owner: string, id: number, error: string): Promise<void> {
    await this.run('bjFailMessage', [owner, String(id), error, this.doneTtl]);
  }

  async nextMessageAt(): Promise<number | undefined> {
    const [, score] = await this.redis().zrange(`${this.prefix}heads`, 0, 0, 'WITHSCORES');
    return score === undefined ? undefined : Number(score);
  }

  protected redis(): Redis {
    if (this.closed) throw closedError('redis');
    if (!this.client) throw new Error('redis state store: call init() first');
    return this.client;
  }

  protected run(name: ScriptName, args: ReadonlyArray<string | number>): Promise<unknown> {
    return runScript(this.redis(), this.prefix, name, args);
  }
}

function capArgs(caps: SubscribeCaps): string[] {
  return [caps.jobsPerConversation, caps.jobsTotal, caps.pendingPerConversation].map((n) => String(Math.floor(n)));
}

function bySubscription(a: Subscriber, b: Subscriber): number {
  return a.createdAt - b.createdAt || cmp(a.conversationId, b.conversationId);
}
