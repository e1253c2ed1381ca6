/**
 * POST /api/messages after the server's header and body checks: what CloudAdapter.process does,
 * with the same status codes (400 without an activity type, 401 when the token is refused, the
 * invoke response's status and body, else 200), but failures go to our logger, bounded, instead of
 * console.error. process() writes one stderr entry per forged token, unscrubbed and unbounded.
 */
import type { Activity, ActivityHandler, Request, Response } from 'botbuilder';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import { RepeatLimiter } from '../core/repeat-limiter';
import { InboundAuthError, type BotAdapter } from './adapter';

export interface ProcessorOptions {
  readonly logger: Logger;
  /** Paces the failure lines (RepeatLimiter). */
  readonly clock: Pick<Clock, 'now'>;
  /** At most one failure line per kind per interval after the first (default 30 s). */
  readonly logIntervalMs?: number;
}

/** What the HTTP layer calls for POST /api/messages; `req.body` is the parsed JSON object. */
export function messageProcessor(
  adapter: BotAdapter,
  bot: ActivityHandler,
  o: ProcessorOptions,
): (req: Request, res: Response) => Promise<void> {
  const log = o.logger.child({ component: 'inbound' });
  const refused = new RepeatLimiter(o.clock, o.logIntervalMs);
  const failed = new RepeatLimiter(o.clock, o.logIntervalMs);
  const end = (res: Response, status: number, body?: unknown): void => {
    res.status(status);
    if (body !== undefined && body !== null) res.send(body);
    res.end();
  };
  return async (req, res) => {
    if (req.method !== undefined && req.method !== 'POST') return end(res, 405);
    const activity = toActivity(req.body);
    if (!activity) return end(res, 400, { error: 'the body is not an activity (no type)' });
    const authHeader = req.headers['authorization'] ?? req.headers['Authorization'] ?? '';
    try {
      const auth = await adapter.authenticate(typeof authHeader === 'string' ? authHeader : '', activity);
      const invoke = await adapter.run(auth, activity, (context) => bot.run(context));
      return end(res, invoke?.status ?? 200, invoke?.body);
    } catch (err) {
      // Which check failed is for our log only: the answer is fixed. (process() answered 500 to a bad signature: not an AuthenticationError.)
      if (err instanceof InboundAuthError) {
        const report = refused.fail();
        if (report) log.warn({ err: err.reason, ...report }, 'inbound request refused: Bot Framework token not accepted');
        return end(res, 401, { error: 'the Bot Framework token was not accepted' });
      }
      // The turn's own errors went to onTurnError; this is the adapter failing around it (e.g. no connector for the serviceUrl).
      const report = failed.fail();
      if (report) log.error({ err, ...report, activityType: activity.type }, 'inbound activity failed');
      return end(res, 500, { error: 'internal error' });
    }
  };
}

/** The checks and fixes of botbuilder's validateAndFixActivity (not exported), without its throwing on a missing type. */
function toActivity(body: unknown): Activity | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const raw = body as Record<string, unknown>;
  if (typeof raw['type'] !== 'string' || raw['type'] === '') return undefined;
  // The SDK hands handlers Date objects and keeps the original strings beside them.
  for (const [field, rawField] of [
    ['timestamp', 'rawTimestamp'],
    ['expiration', 'rawExpiration'],
    ['localTimestamp', 'rawLocalTimestamp'],
  ] as const) {
    const value = raw[field];
    if (typeof value === 'string') {
      raw[rawField] = value;
      raw[field] = new Date(value);
    }
  }
  return raw as unknown as Activity;
}
