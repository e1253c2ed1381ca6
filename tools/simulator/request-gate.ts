import { isGuid } from '../../src/azure/id-rules';
import type { Clock } from '../../src/core/clock';
import type { RequestTally } from './request-tally';
import type { RoleBook, SimAction } from './roles';
import type { Route } from './routes';
import { TokenBucket } from './token-bucket';
import { armError, type Reply } from './vault';

const API_VERSION = /^\d{4}-\d{2}-\d{2}(?:-preview)?$/;
/** When throttling is off the header still counts down and refills like ARM's default bucket. */
const DEFAULT_BUCKET = { capacity: 250, refillPerSecond: 25 };

export interface GateRequest {
  method: string;
  route: Route;
  query: URLSearchParams;
  authorization: string | undefined;
}

/** `refusal` set: answer it instead of the route. `remaining` is always what the rate-limit header says. */
export interface GateVerdict {
  remaining: number;
  refusal?: Reply;
}

/**
 * What ARM checks before a request reaches the vault, in ARM's order: the subscription's read
 * bucket (429), the api-version (400), the subscription id's form (400), then RBAC (403).
 */
export class RequestGate {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly clock: Clock,
    private readonly tally: RequestTally,
    private readonly armThrottle: { capacity: number; refillPerSecond: number } | undefined,
    private readonly roles: RoleBook | undefined,
  ) {}

  check({ method, route, query, authorization }: GateRequest): GateVerdict {
    const now = this.clock.now();
    const bucket = this.bucketFor('vault' in route ? route.vault.subscriptionId : '');
    if (method === 'GET' && !bucket.take(now) && this.armThrottle) {
      this.tally.bump('throttled');
      const wait = bucket.secondsUntilToken(now);
      return {
        remaining: 0,
        refusal: armError(
          429,
          'SubscriptionRequestsThrottled',
          `Number of read requests for subscription exceeded the limit. Retry after ${wait} seconds.`,
          { 'retry-after': String(wait) },
        ),
      };
    }
    const remaining = bucket.remaining(now);
    return { remaining, refusal: this.refusal(route, query, authorization) };
  }

  private refusal(route: Route, query: URLSearchParams, authorization: string | undefined): Reply | undefined {
    const apiVersion = query.get('api-version');
    if (apiVersion === null || apiVersion === '')
      return armError(400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.');
    if (!API_VERSION.test(apiVersion)) return armError(400, 'InvalidApiVersionParameter', `The api-version '${apiVersion}' is invalid.`);
    if (!('vault' in route)) return undefined;
    if (!isGuid(route.vault.subscriptionId))
      return armError(
        400,
        'InvalidSubscriptionId',
        `The provided subscription identifier '${route.vault.subscriptionId}' is malformed or invalid.`,
      );
    return this.roles?.check(authorization, route.vault, actionOf(route));
  }

  private bucketFor(subscriptionId: string): TokenBucket {
    let bucket = this.buckets.get(subscriptionId);
    if (!bucket) {
      const cfg = this.armThrottle ?? DEFAULT_BUCKET;
      bucket = new TokenBucket(cfg.capacity, cfg.refillPerSecond, this.clock.now());
      this.buckets.set(subscriptionId, bucket);
    }
    return bucket;
  }
}

function actionOf(route: Route): SimAction {
  return route.kind === 'cancel' ? 'cancel' : route.kind === 'trigger' ? 'backup' : 'read';
}
