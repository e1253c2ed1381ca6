/**
 * One bot instance for the multi-instance test, run as a child process: the Redis store, the
 * real ArmClient against the simulated vault (through the shared read budget), the tracker with
 * BullMQ-scheduled rounds, the TrackerService the commands use, and the outbox dispatcher with a
 * Notifier that POSTs each message to the parent's recording connector.
 *
 * The parent drives it over IPC: {type:'track', items} → {type:'tracked', …}; {type:'stop'}.
 */
import { Redis } from 'ioredis';
import { ArmClient } from '../../../src/azure/arm-client';
import { jobKeyString } from '../../../src/azure/ids';
import type { JobKey } from '../../../src/azure/types';
import { systemClock } from '../../../src/core/clock';
import { createLogger } from '../../../src/core/logger';
import { QueuedTracker } from '../../../src/scaleout/queued-tracker';
import { SharedBudgetApi, SharedReadBudget } from '../../../src/scaleout/shared-budget';
import { RedisStore } from '../../../src/store/redis/redis-store';
import { parseRedisUrl } from '../../../src/store/redis/redis-url';
import { Dispatcher } from '../../../src/tracker/dispatcher';
import type { DeliveryResult, Notifier, OutboundMessage, SubscriberInput } from '../../../src/tracker/ports';
import { TrackerServiceImpl } from '../../../src/tracker/tracker-service';

export interface InstanceConfig {
  readonly name: string;
  readonly redisUrl: string;
  readonly keyPrefix: string;
  readonly armUrl: string;
  readonly recorderUrl: string;
  readonly pollIntervalMs: number;
  readonly leaseMs: number;
}

export type ParentMessage = { type: 'track'; items: Array<{ key: JobKey; conversationId: string }> } | { type: 'stop' };
export type ChildMessage =
  | { type: 'ready' }
  | { type: 'tracked'; ok: number; failed: string[] }
  | { type: 'stopped' };

/** Posts every message to the recording connector; its 2xx is "the connector accepted it". */
class RecordingNotifier implements Notifier {
  constructor(
    private readonly url: string,
    private readonly instance: string,
  ) {}

  async deliver(message: OutboundMessage): Promise<DeliveryResult> {
    const body = { instance: this.instance, kind: message.kind, jobKey: message.subscriber.jobKey, conversationId: message.subscriber.conversationId };
    try {
      const res = await fetch(`${this.url}/deliver`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (!res.ok) return { ok: false, retry: true, reason: `recorder answered ${res.status}` };
      const { activityId } = (await res.json()) as { activityId: string };
      return { ok: true, activityId };
    } catch (err) {
      return { ok: false, retry: true, reason: err instanceof Error ? err.message : String(err) };
    }
  }
}

function subscriber(conversationId: string): SubscriberInput {
  return {
    conversationId,
    conversationRef: { conversation: { id: conversationId }, serviceUrl: 'http://127.0.0.1/' },
    requester: { id: '29:tester', name: 'Tester' },
    locale: 'en-US',
  };
}

async function main(): Promise<void> {
  const cfg = JSON.parse(process.env['SCALEOUT_INSTANCE'] ?? '{}') as InstanceConfig;
  const logger = createLogger(process.env['LOG_LEVEL'] ?? 'warn', process.stderr).child({ instance: cfg.name });
  const clock = systemClock;
  const store = new RedisStore({ url: cfg.redisUrl, keyPrefix: cfg.keyPrefix, logger });
  await store.init();
  const redisOptions = parseRedisUrl(cfg.redisUrl).options;
  const budgetRedis = new Redis(redisOptions);
  // Generous: this test is about sharing work, not about running out of budget.
  const budgetLimits = { capacity: 2000, refillPerSec: 200 };
  const arm = new ArmClient({ endpoint: cfg.armUrl, credential: 'none', clock, logger, timeoutMs: 5_000 });
  const api = new SharedBudgetApi(arm, new SharedReadBudget(budgetRedis, cfg.keyPrefix, budgetLimits), clock);
  const dispatcher = new Dispatcher({ store, notifier: new RecordingNotifier(cfg.recorderUrl, cfg.name), clock, logger, owner: `${cfg.name}-d`, leaseMs: cfg.leaseMs, idleMs: 300 });
  const tracker = new QueuedTracker({
    store,
    api,
    clock,
    logger,
    owner: cfg.name,
    pollIntervalMs: cfg.pollIntervalMs,
    leaseMs: cfg.leaseMs,
    budget: budgetLimits,
    queue: {
      connection: { ...redisOptions, maxRetriesPerRequest: null },
      prefix: `${cfg.keyPrefix}bull`,
      lockDurationMs: 2_000,
      stalledIntervalMs: 1_000,
      afterTick: (stats) => {
        if (stats.messages > 0) dispatcher.wake();
      },
    },
  });
  const service = new TrackerServiceImpl({ store, api, clock, logger, engine: tracker, pollIntervalMs: cfg.pollIntervalMs });
  await tracker.ready();
  dispatcher.start();

  const send = (m: ChildMessage): void => {
    process.send?.(m);
  };
  process.on('message', (raw: ParentMessage) => {
    if (raw.type === 'track') {
      void (async () => {
        const failed: string[] = [];
        let ok = 0;
        for (const item of raw.items) {
          const outcome = await service.track(item.key, subscriber(item.conversationId));
          if (outcome.ok && !outcome.finished) ok++;
          else failed.push(`${jobKeyString(item.key)}: ${outcome.ok ? 'already finished' : outcome.message}`);
        }
        send({ type: 'tracked', ok, failed });
      })();
    } else if (raw.type === 'stop') {
      void (async () => {
        await tracker.stop(5_000);
        await dispatcher.stop(5_000);
        await store.close();
        await arm.close();
        await budgetRedis.quit();
        send({ type: 'stopped' });
        process.exit(0);
      })();
    }
  });
  send({ type: 'ready' });
}

main().catch((err: unknown) => {
  process.stderr.write(`instance failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
