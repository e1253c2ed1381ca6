/**
 * Composition of vault watches and daily digests: the loops (Watcher, Digester) and the services the
 * commands use. Beside app.ts, which stays the one composition root.
 */
import type { ConnectionOptions } from 'bullmq';
import { buildDigests, type DigestParts } from './app-digests';
import type { Clock } from './core/clock';
import type { Logger } from './core/logger';
import type { WatchLimits } from './domain/watch';
import type { StateStore } from './store/types';
import type { ArmGate } from './tracker/arm-gate';
import type { Digester } from './tracker/digester';
import type { DigestServiceImpl } from './tracker/digest-service';
import { WatchServiceImpl } from './tracker/watch-service';
import { Watcher } from './tracker/watcher';

export interface WatchDigestParts {
  readonly store: StateStore;
  /** The tracker's gate: watches and digests read within its read budget. */
  readonly gate: ArmGate;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly owner: string;
  readonly pollIntervalMs: number;
  readonly limits: WatchLimits;
  /** New outbox messages: the dispatcher should deliver now. */
  readonly wakeDispatcher: () => void;
  /** Redis: digests are BullMQ job schedulers (app-digests.ts) with this connection and prefix. */
  readonly digestQueue?: { readonly connection: ConnectionOptions; readonly prefix: string };
}

export async function buildWatchDigest(p: WatchDigestParts): Promise<{
  watcher: Watcher;
  watches: WatchServiceImpl;
  digester: Digester;
  digests: DigestServiceImpl;
  /** Starts and stops the digests' scheduling (the Digester's loop, or the BullMQ queue on Redis). */
  digestLoop: Pick<DigestParts, 'start' | 'stop'>;
}> {
  const { store, gate, clock, logger, owner } = p;
  // Watched vaults are swept within the tracker's read budget; every instance runs one (leases per vault).
  const watcher = new Watcher({
    store,
    gate,
    clock,
    logger,
    owner,
    pollIntervalMs: p.pollIntervalMs,
    limits: p.limits,
    onNotices: () => p.wakeDispatcher(),
  });
  const watches = new WatchServiceImpl({ store, clock, limits: p.limits, wake: () => watcher.wake() });
  const { digester, digests, ...digestLoop } = await buildDigests({
    ...{ store, gate, clock, logger, owner, onSent: () => p.wakeDispatcher() },
    ...(p.digestQueue ? { queue: p.digestQueue } : {}),
  });
  return { watcher, watches, digester, digests, digestLoop };
}
