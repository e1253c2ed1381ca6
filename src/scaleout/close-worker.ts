/**
 * Closing a BullMQ worker and its queue at stop, within a bound: the job in hand may finish,
 * else the worker is closed at once and the job's lock expires, so another instance runs it
 * again. Shared by the poll rounds and the digests.
 */
import type { Queue, Worker } from 'bullmq';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';

export async function closeWithin(
  parts: { worker?: Worker; queue?: Queue },
  o: { clock: Clock; log: Logger; timeoutMs: number; busy: string; what: string },
): Promise<void> {
  const { worker, queue } = parts;
  if (worker) {
    const timer = new AbortController();
    const closed = await Promise.race([
      worker.close().then(() => true),
      o.clock.sleep(o.timeoutMs, timer.signal).then(
        () => false,
        () => false,
      ),
    ]);
    timer.abort();
    if (!closed) {
      o.log.warn({ timeoutMs: o.timeoutMs }, o.busy);
      await worker.close(true).catch((err: unknown) => o.log.warn({ err }, `closing the ${o.what} worker failed`));
    }
  }
  await queue?.close().catch((err: unknown) => o.log.warn({ err }, `closing the ${o.what} queue failed`));
}
