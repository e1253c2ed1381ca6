import type { Logger } from '../../src/core/logger';
import type { SimStatus } from './job-state';
import type { Route } from './routes';
import type { Reply } from './vault';

/**
 * One answered ARM request, for tests that wait for "the bot polled this job" instead of for
 * time. `status` is the job status a GET answered with; `filter` the raw `$filter` of a list.
 */
export interface SimRead {
  readonly kind: Route['kind'];
  readonly httpStatus: number;
  /** `resourceGroup/vaultName`, lower case. */
  readonly vault?: string;
  readonly jobId?: string;
  readonly status?: SimStatus;
  readonly filter?: string;
  /** A list's next page (`$skipToken`): part of the same sweep as the request that started it. */
  readonly nextPage?: boolean;
}

/** Listeners told of every answered request, in the order the simulator answered them. */
export class ReadObservers {
  private readonly listeners = new Set<(read: SimRead) => void>();

  constructor(private readonly logger: Logger) {}

  /** Calls `listener` after every answered request; returns the function that stops it. */
  observe(listener: (read: SimRead) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves with the first request answered from now on that `match` accepts. */
  next(match: (read: SimRead) => boolean): Promise<SimRead> {
    return new Promise((resolve) => {
      const stop = this.observe((read) => {
        if (!match(read)) return;
        stop();
        resolve(read);
      });
    });
  }

  notify(route: Route, query: URLSearchParams, reply: Reply): void {
    if (this.listeners.size === 0) return;
    const body = reply.body as { properties?: { status?: SimStatus } } | undefined;
    const filter = query.get('$filter');
    const read: SimRead = {
      kind: route.kind,
      httpStatus: reply.status,
      ...('vault' in route ? { vault: `${route.vault.resourceGroup}/${route.vault.vaultName}`.toLowerCase() } : {}),
      ...('jobId' in route ? { jobId: route.jobId.toLowerCase() } : {}),
      ...(route.kind === 'getJob' && body?.properties?.status ? { status: body.properties.status } : {}),
      ...(route.kind === 'listJobs' && filter !== null ? { filter } : {}),
      ...(route.kind === 'listJobs' && (query.has('$skipToken') || query.has('$skiptoken')) ? { nextPage: true } : {}),
    };
    for (const listener of [...this.listeners]) {
      try {
        listener(read);
      } catch (err) {
        // A test's listener must not break the vault's answers.
        this.logger.warn({ err }, 'simulator read observer threw');
      }
    }
  }
}
