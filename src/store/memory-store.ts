/**
 * In-process StateStore for unit tests and benchmarks. Same semantics as the SQLite backend (it
 * passes the same conformance suite); nothing survives the process. Values are copied through
 * JSON on the way in and out, so callers can neither mutate the state nor store what a durable
 * backend could not.
 */
import type { BackupJob, VaultId } from '../domain/job';
import type { EndReason, Subscriber, SubscriberInput } from '../domain/subscriber';
import { closedError, inConversation, jsonCopy, payloadOf, teamOf, toMessage, subscriberFromInput, type StoredPayload } from './records';
import type { JobUpdate, OutboxInput, OutboxRecord, StateStore, TrackedJobRecord } from './types';

interface JobRow {
  jobKey: string;
  vault: VaultId;
  jobId: string;
  createdAt: number;
  state: 'active' | 'ended';
  endReason?: EndReason;
  lastJob?: BackupJob;
  nextPollAt: number;
  schedule: Record<string, unknown>;
  leaseOwner?: string;
  leaseUntil?: number;
}

interface SubRow {
  input: SubscriberInput;
  createdAt: number;
  cardActivityId?: string;
  cardDigest?: string;
}

interface MsgRow {
  id: number;
  jobKey: string;
  conversationId: string;
  payload: StoredPayload;
  attempts: number;
  notBefore: number;
  state: 'pending' | 'sent' | 'failed';
  leaseOwner?: string;
  leaseUntil?: number;
  lastError?: string;
}

export class MemoryStore implements StateStore {
  private readonly jobs = new Map<string, JobRow>();
  /** jobKey → conversationId → subscription. */
  private readonly subs = new Map<string, Map<string, SubRow>>();
  /** Insertion order is id order. Only pending, failed and sent non-card messages are kept. */
  private readonly outbox = new Map<number, MsgRow>();
  private nextId = 1;
  private closed = false;

  async init(): Promise<void> {
    this.check();
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  async subscribe(
    job: { jobKey: string; vault: VaultId; jobId: string; lastJob?: BackupJob; nextPollAt: number },
    sub: SubscriberInput,
    now: number,
  ): Promise<{ jobCreated: boolean; subscriptionCreated: boolean }> {
    this.check();
    const { teamId: _teamId, ...rest } = jsonCopy(sub);
    const team = teamOf(sub);
    const lastJob = job.lastJob === undefined ? undefined : jsonCopy(job.lastJob);
    const existing = this.jobs.get(job.jobKey);
    const jobCreated = !existing || existing.state === 'ended';
    if (jobCreated) {
      this.jobs.set(job.jobKey, {
        jobKey: job.jobKey,
        vault: jsonCopy(job.vault),
        jobId: job.jobId,
        createdAt: now,
        state: 'active',
        ...(lastJob !== undefined ? { lastJob } : {}),
        nextPollAt: job.nextPollAt,
        schedule: {},
      });
    }
    let bySub = this.subs.get(job.jobKey);
    if (!bySub) this.subs.set(job.jobKey, (bySub = new Map()));
    const current = bySub.get(sub.conversationId);
    // Without a team id the stored one stays (see StateStore.subscribe).
    const teamId = team ?? current?.input.teamId;
    const input: SubscriberInput = teamId === undefined ? rest : { ...rest, teamId };
    if (current) current.input = input;
    else bySub.set(sub.conversationId, { input, createdAt: now });
    return { jobCreated, subscriptionCreated: !current };
  }

  async unsubscribe(jobKey: string, conversationId: string): Promise<number> {
    this.check();
    const bySub = this.subs.get(jobKey);
    if (!bySub?.delete(conversationId)) return -1;
    this.dropPending(jobKey, conversationId);
    if (bySub.size === 0) this.forgetJob(jobKey);
    return bySub.size;
  }

  async dropConversation(conversationId: string): Promise<number> {
    this.check();
    return this.dropWhere((id) => inConversation(id, conversationId));
  }

  async dropTeam(teamId: string): Promise<number> {
    this.check();
    return teamId === '' ? 0 : this.dropWhere((_id, row) => row.input.teamId === teamId);
  }

  async getJob(jobKey: string): Promise<TrackedJobRecord | undefined> {
    this.check();
    const row = this.jobs.get(jobKey);
    return row && jsonCopy(row);
  }

  async getSubscribers(jobKey: string): Promise<Subscriber[]> {
    this.check();
    return this.sortedSubscribers(jobKey);
  }

  async listByConversation(conversationId: string): Promise<Array<{ job: TrackedJobRecord; subscriber: Subscriber }>> {
    this.check();
    const out: Array<{ job: TrackedJobRecord; subscriber: Subscriber }> = [];
    for (const [jobKey, bySub] of this.subs) {
      const row = bySub.get(conversationId);
      const job = this.jobs.get(jobKey);
      if (row && job) out.push({ job: jsonCopy(job), subscriber: this.subscriberOf(jobKey, row) });
    }
    return out.sort((a, b) => a.subscriber.createdAt - b.subscriber.createdAt || cmp(a.job.jobKey, b.job.jobKey));
  }

  async setCard(jobKey: string, conversationId: string, activityId: string, digest: string): Promise<void> {
    this.check();
    const row = this.subs.get(jobKey)?.get(conversationId);
    if (!row) return;
    row.cardActivityId = activityId;
    row.cardDigest = digest;
  }

  async stats(): Promise<{ activeJobs: number; subscriptions: number; pendingMessages: number }> {
    this.check();
    let activeJobs = 0;
    let subscriptions = 0;
    for (const job of this.jobs.values()) {
      if (job.state !== 'active') continue;
      activeJobs++;
      subscriptions += this.subs.get(job.jobKey)?.size ?? 0;
    }
    let pendingMessages = 0;
    for (const m of this.outbox.values()) if (m.state === 'pending') pendingMessages++;
    return { activeJobs, subscriptions, pendingMessages };
  }

  async claimDueJobs(owner: string, now: number, leaseMs: number, limit: number): Promise<TrackedJobRecord[]> {
    this.check();
    const due: JobRow[] = [];
    for (const job of this.jobs.values()) {
      if (job.state !== 'active' || job.nextPollAt > now) continue;
      if (job.leaseOwner !== undefined && (job.leaseUntil ?? 0) > now) continue;
      if (!this.subs.get(job.jobKey)?.size) continue;
      due.push(job);
    }
    due.sort((a, b) => a.nextPollAt - b.nextPollAt);
    return due.slice(0, Math.max(0, limit)).map((job) => {
      job.leaseOwner = owner;
      job.leaseUntil = now + leaseMs;
      return jsonCopy(job);
    });
  }

  async nextDueAt(): Promise<number | undefined> {
    this.check();
    let min: number | undefined;
    for (const job of this.jobs.values()) {
      if (job.state === 'active' && (min === undefined || job.nextPollAt < min)) min = job.nextPollAt;
    }
    return min;
  }

  async commitPoll(owner: string, update: JobUpdate, messages: readonly OutboxInput[]): Promise<boolean> {
    this.check();
    const job = this.jobs.get(update.jobKey);
    if (!job || job.leaseOwner !== owner) return false;
    const bySub = this.subs.get(update.jobKey);
    // Copy everything first: a value that cannot be stored must leave the state untouched.
    const lastJob = update.lastJob === undefined ? job.lastJob : jsonCopy(update.lastJob);
    const schedule = jsonCopy(update.schedule) as Record<string, unknown>;
    const accepted = messages
      .filter((m) => bySub?.has(m.conversationId))
      .map((m) => ({ conversationId: m.conversationId, payload: jsonCopy(payloadOf(m)) }));

    if (lastJob !== undefined) job.lastJob = lastJob;
    job.nextPollAt = update.nextPollAt;
    job.schedule = schedule;
    delete job.leaseOwner;
    delete job.leaseUntil;
    if (update.end) {
      job.state = 'ended';
      job.endReason = update.end;
    }
    for (const m of accepted) this.enqueue(update.jobKey, m.conversationId, m.payload);
    return true;
  }

  async releaseJob(owner: string, jobKey: string, nextPollAt?: number): Promise<void> {
    this.check();
    const job = this.jobs.get(jobKey);
    if (!job || job.leaseOwner !== owner) return;
    delete job.leaseOwner;
    delete job.leaseUntil;
    if (nextPollAt !== undefined) job.nextPollAt = nextPollAt;
  }

  async claimMessages(owner: string, now: number, leaseMs: number, limit: number): Promise<OutboxRecord[]> {
    this.check();
    const out: OutboxRecord[] = [];
    for (const m of this.queueHeads()) {
      if (out.length >= limit) break;
      if (m.notBefore > now || (m.leaseOwner !== undefined && (m.leaseUntil ?? 0) > now)) continue;
      const row = this.subs.get(m.jobKey)?.get(m.conversationId);
      if (!row) continue;
      m.leaseOwner = owner;
      m.leaseUntil = now + leaseMs;
      out.push({
        id: m.id,
        jobKey: m.jobKey,
        conversationId: m.conversationId,
        message: toMessage(jsonCopy(m.payload), this.subscriberOf(m.jobKey, row)),
        attempts: m.attempts,
        notBefore: m.notBefore,
      });
    }
    return out;
  }

  async completeMessage(_owner: string, id: number, result: { activityId?: string; digest?: string }): Promise<void> {
    this.check();
    const m = this.outbox.get(id);
    if (!m || m.state !== 'pending') return;
    if (m.payload.kind === 'card') {
      const row = this.subs.get(m.jobKey)?.get(m.conversationId);
      if (row && result.activityId !== undefined) row.cardActivityId = result.activityId;
      if (row && result.digest !== undefined) row.cardDigest = result.digest;
      // A delivered card is fully described by the subscription's card id and digest.
      this.outbox.delete(id);
      return;
    }
    m.state = 'sent';
    delete m.leaseOwner;
    delete m.leaseUntil;
  }

  async retryMessage(owner: string, id: number, notBefore: number, error: string): Promise<void> {
    this.check();
    const m = this.outbox.get(id);
    if (!m || m.state !== 'pending' || m.leaseOwner !== owner) return;
    m.attempts++;
    m.notBefore = notBefore;
    m.lastError = error;
    delete m.leaseOwner;
    delete m.leaseUntil;
  }

  async failMessage(owner: string, id: number, error: string): Promise<void> {
    this.check();
    const m = this.outbox.get(id);
    if (!m || m.state !== 'pending' || m.leaseOwner !== owner) return;
    m.attempts++;
    m.state = 'failed';
    m.lastError = error;
    delete m.leaseOwner;
    delete m.leaseUntil;
  }

  async nextMessageAt(): Promise<number | undefined> {
    this.check();
    let min: number | undefined;
    for (const m of this.queueHeads()) {
      const at = m.leaseOwner !== undefined ? Math.max(m.notBefore, m.leaseUntil ?? 0) : m.notBefore;
      if (min === undefined || at < min) min = at;
    }
    return min;
  }

  private check(): void {
    if (this.closed) throw closedError('memory');
  }

  /** The oldest pending message of each (job, conversation), in id order. */
  private queueHeads(): MsgRow[] {
    const seen = new Set<string>();
    const heads: MsgRow[] = [];
    for (const m of this.outbox.values()) {
      if (m.state !== 'pending') continue;
      const pair = `${m.jobKey}\n${m.conversationId}`;
      if (seen.has(pair)) continue;
      seen.add(pair);
      heads.push(m);
    }
    return heads;
  }

  private enqueue(jobKey: string, conversationId: string, payload: StoredPayload): void {
    let notBefore = 0;
    if (payload.kind === 'card') {
      for (const m of this.outbox.values()) {
        const replaceable = m.state === 'pending' && m.leaseOwner === undefined && m.payload.kind === 'card';
        if (replaceable && m.jobKey === jobKey && m.conversationId === conversationId) {
          // Keep a retry's backoff: the conversation was throttled, the newer card waits as long.
          notBefore = Math.max(notBefore, m.notBefore);
          this.outbox.delete(m.id);
        }
      }
    }
    const id = this.nextId++;
    this.outbox.set(id, { id, jobKey, conversationId, payload, attempts: 0, notBefore, state: 'pending' });
  }

  private dropPending(jobKey: string, conversationId: string): void {
    for (const m of [...this.outbox.values()]) {
      if (m.state === 'pending' && m.jobKey === jobKey && m.conversationId === conversationId) this.outbox.delete(m.id);
    }
  }

  /** Removes the matching subscriptions with their pending messages, forgetting jobs left without any. */
  private dropWhere(match: (conversationId: string, row: SubRow) => boolean): number {
    let dropped = 0;
    for (const [jobKey, bySub] of [...this.subs]) {
      const ids = [...bySub].filter(([id, row]) => match(id, row)).map(([id]) => id);
      for (const id of ids) {
        bySub.delete(id);
        this.dropPending(jobKey, id);
      }
      dropped += ids.length;
      if (ids.length > 0 && bySub.size === 0) this.forgetJob(jobKey);
    }
    return dropped;
  }

  private forgetJob(jobKey: string): void {
    this.jobs.delete(jobKey);
    this.subs.delete(jobKey);
  }

  private sortedSubscribers(jobKey: string): Subscriber[] {
    const bySub = this.subs.get(jobKey);
    if (!bySub) return [];
    return [...bySub.values()]
      .sort((a, b) => a.createdAt - b.createdAt || cmp(a.input.conversationId, b.input.conversationId))
      .map((row) => this.subscriberOf(jobKey, row));
  }

  private subscriberOf(jobKey: string, row: SubRow): Subscriber {
    const i = jsonCopy(row.input);
    return subscriberFromInput(jobKey, i, {
      teamId: i.teamId,
      createdAt: row.createdAt,
      cardActivityId: row.cardActivityId,
      cardDigest: row.cardDigest,
    });
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
