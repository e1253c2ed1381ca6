/**
 * Sends the daily digests: claims the due ones under a lease, reads their vaults within the read
 * budget, and commits each card with the digest's next time in one store transaction, which keeps
 * it to one per local day and conversation whichever instance sends it. A digest found more than
 * six hours late (the bot was down) is skipped with a log line, not sent.
 */
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import { DIGEST_MAX_LATE_MS, type DigestRecord } from '../domain/digest';
import type { DigestStore } from '../store/types';
import type { ArmGate } from './arm-gate';
import { readDigests } from './digest-read';
import { localDay, nextDigestAt } from './digest-time';
import { BackgroundLoop } from './loop';

const LEASE_MS = 5 * 60_000;

export interface DigesterOptions {
  readonly store: DigestStore;
  readonly gate: ArmGate;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly owner: string;
  readonly onSent?: () => void;
  /** Each digest a round claimed (the Redis deployment makes sure it has its BullMQ scheduler). */
  readonly onClaimed?: (d: DigestRecord) => Promise<void>;
  /** Longest sleep between rounds (default 60 s). */
  readonly idleMs?: number;
  /** Digests claimed per round (default DIGEST_BATCH); a full batch starts the next round at once. */
  readonly batchSize?: number;
}

/** Digests claimed per round by default. */
export const DIGEST_BATCH = 20;

/** What to do with a digest due at `scheduledAt`, seen at `now`. */
export function digestDecision(scheduledAt: number, now: number): 'send' | 'skip' {
  return now - scheduledAt >= DIGEST_MAX_LATE_MS ? 'skip' : 'send';
}

export class Digester {
  private readonly log: Logger;
  private readonly loop: BackgroundLoop;
  private readonly batchSize: number;

  constructor(private readonly o: DigesterOptions) {
    this.log = o.logger.child({ component: 'digester' });
    this.batchSize = o.batchSize ?? DIGEST_BATCH;
    this.loop = new BackgroundLoop({
      clock: o.clock,
      logger: this.log,
      round: async () => (await this.tick()).claimed >= this.batchSize,
      nextAt: () => o.store.nextDigestAt(),
      idleMs: o.idleMs ?? 60_000,
    });
  }

  start(): void {
    this.loop.start();
  }

  wake(): void {
    this.loop.wake();
  }

  async stop(timeoutMs = 10_000): Promise<void> {
    await this.loop.stop(timeoutMs);
  }

  async tick(): Promise<{ claimed: number; sent: number; skipped: number }> {
    const now = this.o.clock.now();
    const due = await this.o.store.claimDueDigests(this.o.owner, now, LEASE_MS, this.batchSize);
    const stats = { claimed: due.length, sent: 0, skipped: 0 };
    for (const d of due) {
      try {
        await this.o.onClaimed?.(d);
        if (await this.send(d, now)) stats.sent++;
        else stats.skipped++;
      } catch (err) {
        // The lease expires and a later round tries again (within the six hours).
        this.log.error({ err, conversationId: d.conversationId }, 'digest failed');
      }
    }
    if (stats.sent > 0) this.o.onSent?.();
    return stats;
  }

  /**
   * One conversation's digest for the occurrence `occurrenceAt` (a BullMQ scheduler's job, Redis):
   * sends the digest the store awaits for that local day or an earlier one, under the same lease
   * and per-day record as `tick`, so a job that runs twice (a stalled worker) or a round of `tick`
   * at the same time still sends one. A job run before its time (promoted, or another instance's
   * clock a little ahead) counts as its occurrence. Throws when Azure or the store failed; the
   * digest keeps its lease and `tick` sends it once that expires.
   */
  async sendDue(conversationId: string, occurrenceAt: number): Promise<'sent' | 'skipped' | 'none' | 'gone'> {
    const now = this.o.clock.now();
    const d = await this.o.store.getDigest(conversationId);
    // Gone: digest off raced the job, or the bot left the conversation (the caller drops the scheduler).
    if (!d) return 'gone';
    // That day's digest already went out (the job ran twice, or a catch-up round sent it).
    if (localDay(d.nextAt, d.timeZone) > localDay(occurrenceAt, d.timeZone)) return 'none';
    const [claimed] = await this.o.store.claimDueDigests(this.o.owner, Math.max(now, d.nextAt), LEASE_MS, 1, conversationId);
    if (!claimed) return 'none';
    const sent = await this.send(claimed, now);
    if (sent) this.o.onSent?.();
    return sent ? 'sent' : 'skipped';
  }

  private async send(d: DigestRecord, now: number): Promise<boolean> {
    const day = localDay(d.nextAt, d.timeZone);
    const nextAt = nextDigestAt(d.at, d.timeZone, Math.max(now, d.nextAt));
    if (digestDecision(d.nextAt, now) === 'skip') {
      this.log.warn(
        { conversationId: d.conversationId, day, dueAt: new Date(d.nextAt).toISOString(), lateMs: now - d.nextAt },
        'daily digest skipped: more than 6 hours late (the bot was not running)',
      );
      await this.o.store.commitDigest(this.o.owner, d.conversationId, { day, nextAt });
      return false;
    }
    const vaults = await readDigests(
      d.vaults,
      async (vault, filter) => {
        const read = await this.o.gate.listJobs(vault, filter);
        if (read.kind === 'ok') return { jobs: read.value };
        return { failed: read.kind === 'failed' ? read.failure.kind : 'throttled' };
      },
      now,
    );
    return this.o.store.commitDigest(this.o.owner, d.conversationId, { day, nextAt, message: { kind: 'digest', vaults, asOf: now } });
  }
}
