/**
 * Child process of the crash test: the real tracker and dispatcher on the SQLite file, polling the
 * simulated vault through the real ArmClient, delivering through a Notifier that POSTs to the
 * parent's recording connector. The parent kills it with SIGKILL at random moments and starts it
 * again on the same file; SIGTERM stops it gracefully.
 * Run with: node -r ./scripts/register-ts.js test/integration/crash/crash-child.ts
 */
import { readFileSync, writeSync } from 'node:fs';
import pino from 'pino';
import { ArmClient } from '../../../src/azure/arm-client';
import { createLogger, type Logger } from '../../../src/core/logger';
import { ScaledClock } from '../../../tools/simulator/scaled-clock';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store';
import { Dispatcher } from '../../../src/tracker/dispatcher';
import { Tracker } from '../../../src/tracker/engine';
import type { Notifier } from '../../../src/tracker/ports';
import type { DeliveryResult, OutboundMessage } from '../../../src/domain/subscriber';
import { TrackerServiceImpl } from '../../../src/tracker/tracker-service';
import { ENV, type NoticeBody, type PlannedJob } from './protocol';

/** Graceful stop may take this long (simulated ms; at 60× about a minute of real time). */
const STOP_TIMEOUT_SIM_MS = 60 * 60_000;

function required(key: string): string {
  const v = process.env[key];
  if (v === undefined || v === '') throw new Error(`${key} is not set`);
  return v;
}

function numberEnv(key: string): number {
  const n = Number(required(key));
  if (!Number.isFinite(n)) throw new Error(`${key} is not a number`);
  return n;
}

/** stdout is a pipe: a synchronous write reaches the parent even when SIGKILL follows at once. */
function say(line: string): void {
  const bytes = Buffer.from(`${line}\n`);
  for (let off = 0; off < bytes.length;) {
    try {
      off += writeSync(1, bytes, off);
    } catch (error) {
      // A full non-blocking pipe: the parent is reading, try again.
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
    }
  }
}

/** POSTs each message to the recording connector; numbers deliveries so DONE lines can name them. */
class HttpNotifier implements Notifier {
  private deliveries = 0;
  /** Latest delivery per conversation: the dispatcher serves one conversation's messages one at a time. */
  readonly lastByConversation = new Map<string, number>();

  constructor(
    private readonly url: string,
    private readonly generation: number,
  ) {}

  async deliver(message: OutboundMessage): Promise<DeliveryResult> {
    const deliveryNo = ++this.deliveries;
    const conversationId = message.subscriber.conversationId;
    this.lastByConversation.set(conversationId, deliveryNo);
    const body: NoticeBody = {
      generation: this.generation,
      deliveryNo,
      kind: message.kind,
      conversationId,
      jobId: message.key.jobId.toLowerCase(),
      ...(message.kind === 'notice' ? { notice: message.notice } : { status: message.job.status }),
      ...(message.subscriber.cardActivityId !== undefined ? { cardActivityId: message.subscriber.cardActivityId } : {}),
    };
    try {
      const res = await fetch(`${this.url}/notices`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
      const text = await res.text();
      if (!res.ok) return { ok: false, retry: true, reason: `connector answered ${res.status}` };
      const answer = JSON.parse(text) as { id?: unknown };
      return typeof answer.id === 'string' ? { ok: true, activityId: answer.id } : { ok: true };
    } catch (error) {
      return { ok: false, retry: true, reason: error instanceof Error ? error.message : String(error) };
    }
  }
}

async function trackPlan(service: TrackerServiceImpl, file: string, logger: Logger): Promise<void> {
  const plan = JSON.parse(readFileSync(file, 'utf8')) as PlannedJob[];
  for (const p of plan) {
    const key = { vault: { subscriptionId: p.subscriptionId, resourceGroup: p.resourceGroup, vaultName: p.vaultName }, jobId: p.jobId };
    for (const conversationId of p.conversations) {
      const outcome = await service.track(key, {
        conversationId,
        conversationRef: { conversation: { id: conversationId }, serviceUrl: 'http://127.0.0.1/' },
        requester: { id: `user-${conversationId}`, name: 'Crash Test' },
        locale: 'en-US',
      });
      if (outcome.ok && !outcome.finished) say(`SUB ${p.jobId} ${conversationId}`);
      else {
        const why = outcome.ok ? 'finished before tracking' : `${outcome.error}: ${outcome.message}`;
        logger.warn({ jobId: p.jobId, conversationId, why }, 'not tracked');
        say(`SKIP ${p.jobId} ${conversationId} ${why}`);
      }
    }
  }
  say('TRACKED');
}

async function main(): Promise<void> {
  const generation = numberEnv(ENV.generation);
  const speed = numberEnv(ENV.speed);
  const logger = createLogger(process.env[ENV.logLevel] ?? 'warn', pino.destination({ dest: 2, sync: true })).child({ generation });
  // The simulator's clock: the same simulated instant for the same real instant.
  const clock = new ScaledClock(speed, { start: numberEnv(ENV.simStart) + (Date.now() - numberEnv(ENV.realStart)) * speed });
  const pollIntervalMs = numberEnv(ENV.pollIntervalMs);
  const owner = `crash-child-${generation}-${process.pid}`;

  const store = new SqliteStore({ path: required(ENV.db), logger });
  await store.init();
  const api = new ArmClient({ endpoint: required(ENV.simUrl), credential: 'none', clock, logger, maxAttempts: 1 });
  const notifier = new HttpNotifier(required(ENV.connectorUrl), generation);
  const dispatcher = new Dispatcher({
    store,
    notifier,
    clock,
    logger,
    owner,
    onEvent: (e) => {
      // completeMessage has returned: this delivery can no longer be sent again.
      if (e.type === 'sent') say(`DONE ${notifier.lastByConversation.get(e.conversationId) ?? 0}`);
    },
  });
  const tracker = new Tracker({
    store,
    api,
    clock,
    logger,
    owner,
    pollIntervalMs,
    onEvent: (e) => {
      if (e.type === 'message') dispatcher.wake();
    },
  });
  const service = new TrackerServiceImpl({ store, api, clock, logger, engine: tracker, pollIntervalMs });

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    (async () => {
      await tracker.stop(STOP_TIMEOUT_SIM_MS);
      await dispatcher.stop(STOP_TIMEOUT_SIM_MS);
      await api.close();
      await store.close();
    })().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'graceful stop failed');
        process.exit(3);
      },
    );
  };
  process.once('SIGTERM', stop);

  tracker.start();
  dispatcher.start();
  say('READY');
  const plan = process.env[ENV.plan];
  if (plan) await trackPlan(service, plan, logger);
}

main().catch((error: unknown) => {
  process.stderr.write(`crash child failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(2);
});
