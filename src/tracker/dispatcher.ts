/**
 * Delivers the outbox: claims due messages with a lease, keeps each conversation within Teams'
 * send budget (a message without a slot waits for its slot, it is not dropped), sends through the
 * Notifier, and records the outcome. A message counts as delivered only after the Notifier's ok:
 * the one window for a duplicate is a crash between the connector's 2xx and `completeMessage`.
 */
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { OutboxRecord, OutboxStore, SubscriptionStore } from '../store/types';
import { retryDelay, type BackoffOptions } from '../core/backoff';
import { BackgroundLoop } from './loop';
import type { Notifier } from './ports';
import type { DeliveryResult } from '../domain/subscriber';
import { ConversationRateLimiter, type SendWindow } from './rate-limit';
import { Semaphore } from './semaphore';
import { shownDigest } from './visible';
import { METRICS, telemetry } from '../core/telemetry';

/** Deliveries to Teams (cards and notices) by outcome: sent, retried, given_up. */
function notices(): ReturnType<ReturnType<typeof telemetry>['counter']> {
  return telemetry().counter(METRICS.notices, 'Outbox deliveries (cards and notices) by kind and outcome');
}

/** What the dispatcher needs of the store: the outbox, and dropping a conversation Teams says is gone. */
export type DispatcherStore = OutboxStore & Pick<SubscriptionStore, 'dropConversation'>;

export interface DispatcherOptions {
  readonly store: DispatcherStore;
  readonly notifier: Notifier;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly owner: string;
  /** Lease on claimed messages (default 60 s). */
  readonly leaseMs?: number;
  /** Messages claimed per round (default 200). */
  readonly claimLimit?: number;
  /** Conversations served at once (default 8). */
  readonly concurrency?: number;
  /** Retry backoff without Retry-After (default 1 s base, 5 min cap). */
  readonly backoff?: BackoffOptions;
  /** Attempts before a message is given up (default 100). */
  readonly maxAttempts?: number;
  readonly sendWindows?: readonly SendWindow[];
  /** Longest sleep of the background loop (default 5 s). */
  readonly idleMs?: number;
  readonly random?: () => number;
  readonly onEvent?: (event: DispatchEvent) => void;
}

export type DispatchEvent =
  | { readonly type: 'sent'; readonly at: number; readonly id: number; readonly conversationId: string; readonly kind: string }
  | {
      readonly type: 'retry';
      readonly at: number;
      readonly id: number;
      readonly conversationId: string;
      readonly notBefore: number;
      readonly reason: string;
    }
  | { readonly type: 'failed'; readonly at: number; readonly id: number; readonly conversationId: string; readonly reason: string }
  | { readonly type: 'dropped'; readonly at: number; readonly conversationId: string; readonly subscriptions: number };

export interface DispatchStats {
  readonly claimed: number;
  readonly sent: number;
  /** Put back for later: Teams budget, 429, 5xx. */
  readonly deferred: number;
  readonly failed: number;
  readonly droppedConversations: number;
}

const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1_000, capMs: 5 * 60_000, minMs: 500 };

export class Dispatcher {
  private readonly o: DispatcherOptions;
  private readonly limiter: ConversationRateLimiter;
  private readonly leaseMs: number;
  private readonly log: Logger;
  private readonly loop: BackgroundLoop;
  private readonly random: () => number;

  constructor(options: DispatcherOptions) {
    this.o = options;
    this.limiter = new ConversationRateLimiter(options.sendWindows);
    this.leaseMs = options.leaseMs ?? 60_000;
    this.random = options.random ?? Math.random;
    this.log = options.logger.child({ component: 'dispatcher' });
    const limit = options.claimLimit ?? 200;
    this.loop = new BackgroundLoop({
      clock: options.clock,
      logger: this.log,
      round: async () => (await this.tick()).claimed >= limit,
      nextAt: () => options.store.nextMessageAt(),
      idleMs: options.idleMs ?? 5_000,
    });
  }

  /** Delivers in the background until stop(); pending messages of a previous run go first. Never throws. */
  start(): void {
    this.loop.start();
  }

  /** New messages were enqueued: deliver now instead of sleeping. */
  wake(): void {
    this.loop.wake();
  }

  /** Stops claiming; a delivery in progress may finish within `timeoutMs` (its lease otherwise expires). */
  async stop(timeoutMs = 10_000): Promise<void> {
    await this.loop.stop(timeoutMs);
  }

  /** One round: claim due messages, deliver them (per conversation in order), record outcomes. */
  async tick(): Promise<DispatchStats> {
    const { store, clock, owner } = this.o;
    const now = clock.now();
    this.limiter.prune(now);
    const claimed = await store.claimMessages(owner, now, this.leaseMs, this.o.claimLimit ?? 200);
    const byConversation = new Map<string, OutboxRecord[]>();
    for (const m of claimed) {
      const list = byConversation.get(m.conversationId);
      if (list) list.push(m);
      else byConversation.set(m.conversationId, [m]);
    }
    const stats = { claimed: claimed.length, sent: 0, deferred: 0, failed: 0, droppedConversations: 0 };
    const slots = new Semaphore(this.o.concurrency ?? 8);
    await Promise.all(
      [...byConversation.entries()].map(([conversationId, messages]) =>
        slots
          .run(() => this.serveConversation(conversationId, messages, stats))
          .catch((error: unknown) => {
            // A store failure: the leases expire and the messages are claimed again.
            this.log.error({ err: error, conversationId }, 'delivery round failed for conversation');
          }),
      ),
    );
    return stats;
  }

  private async serveConversation(
    conversationId: string,
    messages: readonly OutboxRecord[],
    stats: { sent: number; deferred: number; failed: number; droppedConversations: number },
  ): Promise<void> {
    const { store, clock, owner } = this.o;
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i];
      const now = clock.now();
      const slot = this.limiter.nextSlot(conversationId, now);
      if (slot > now) {
        // Out of Teams budget: this and the rest wait, each for the slot it will really get.
        const rest = messages.slice(i);
        const slots = this.limiter.projectSlots(conversationId, now, rest.length);
        for (let k = 0; k < rest.length; k++) await store.retryMessage(owner, rest[k].id, slots[k], 'teams send budget');
        stats.deferred += messages.length - i;
        return;
      }
      this.limiter.record(conversationId, now);
      // Its own trace (the poll round that queued it has ended): the job key ties the two together.
      const result = await telemetry().span(`send ${m.message.kind}`, { 'job.key': m.jobKey, 'message.kind': m.message.kind }, () =>
        this.deliver(m),
      );
      const at = clock.now();
      if (result.ok) {
        const digest = m.message.kind === 'card' ? shownDigest(m.message.job, m.message.etaStep) : undefined;
        await store.completeMessage(owner, m.id, {
          ...(result.activityId !== undefined ? { activityId: result.activityId } : {}),
          ...(digest ? { digest } : {}),
        });
        stats.sent++;
        notices().add(1, { kind: m.message.kind, outcome: 'sent' });
        this.emit({ type: 'sent', at, id: m.id, conversationId, kind: m.message.kind });
        continue;
      }
      if (result.retry) {
        if (m.attempts + 1 >= (this.o.maxAttempts ?? 100)) {
          await this.fail(m, `gave up after ${m.attempts + 1} attempts: ${result.reason}`, stats);
          continue;
        }
        const notBefore = at + retryDelay(m.attempts + 1, this.o.backoff ?? DEFAULT_BACKOFF, this.random, result.retryAfterMs);
        // The conversation is throttled or failing: hold its later messages too, keeping their order.
        for (const rest of messages.slice(i)) await store.retryMessage(owner, rest.id, notBefore, result.reason);
        stats.deferred += messages.length - i;
        notices().add(1, { kind: m.message.kind, outcome: 'retried' });
        this.log.info({ conversationId, messageId: m.id, reason: result.reason, notBefore }, 'delivery will be retried');
        this.emit({ type: 'retry', at, id: m.id, conversationId, notBefore, reason: result.reason });
        return;
      }
      if (result.conversationGone) {
        const dropped = await store.dropConversation(conversationId);
        stats.droppedConversations++;
        this.log.warn(
          { conversationId, reason: result.reason, subscriptions: dropped },
          'conversation gone; its subscriptions were dropped',
        );
        this.emit({ type: 'dropped', at, conversationId, subscriptions: dropped });
        return;
      }
      await this.fail(m, result.reason, stats);
    }
  }

  private async fail(m: OutboxRecord, reason: string, stats: { failed: number }): Promise<void> {
    await this.o.store.failMessage(this.o.owner, m.id, reason);
    stats.failed++;
    notices().add(1, { kind: m.message.kind, outcome: 'given_up' });
    this.log.error({ conversationId: m.conversationId, messageId: m.id, kind: m.message.kind, reason }, 'message given up');
    this.emit({ type: 'failed', at: this.o.clock.now(), id: m.id, conversationId: m.conversationId, reason });
  }

  private async deliver(m: OutboxRecord): Promise<DeliveryResult> {
    try {
      return await this.o.notifier.deliver(m.message);
    } catch (error) {
      // The Notifier promises not to throw; if it does, the message is retried rather than lost.
      return { ok: false, retry: true, reason: error instanceof Error ? error.message : String(error) };
    }
  }

  private emit(event: DispatchEvent): void {
    try {
      this.o.onEvent?.(event);
    } catch (error) {
      this.log.warn({ err: error }, 'onEvent listener threw');
    }
  }
}
