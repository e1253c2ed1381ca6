/**
 * Classifies what the Bot Connector answered when a send failed. The connector client has
 * already retried 429 (honouring Retry-After) and 5xx a few times on its own; what reaches us is
 * the final answer, and the dispatcher decides when to try again.
 */
import { retryAfterMs as readRetryAfter, type HeaderSource } from '../core/retry-after';
import type { DeliveryResult } from '../domain/subscriber';
import { METRICS, telemetry } from '../core/telemetry';

type Failure = Extract<DeliveryResult, { ok: false }>;

function statusOf(err: unknown): number | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as { statusCode?: unknown; status?: unknown; response?: { status?: unknown } };
  for (const v of [e.statusCode, e.status, e.response?.status]) {
    if (typeof v === 'number' && v >= 100 && v < 600) return v;
  }
  return undefined;
}

/** The wait the connector asked for (Retry-After on the error's response); absent or unreadable → undefined. */
export function retryAfterMs(err: unknown, now: number): number | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const headers = (err as { response?: { headers?: HeaderSource } }).response?.headers;
  return headers && typeof headers === 'object' ? readRetryAfter(headers, now) : undefined;
}

export function classifyConnectorError(err: unknown, now: number): Failure {
  const status = statusOf(err);
  const code =
    err && typeof err === 'object' && typeof (err as { code?: unknown }).code === 'string' ? (err as { code: string }).code : undefined;
  if (status === 429) {
    telemetry().counter(METRICS.connectorThrottled, 'Bot Connector 429 answers (Teams send budget)').add(1);
    const wait = retryAfterMs(err, now);
    return { ok: false, retry: true, ...(wait === undefined ? {} : { retryAfterMs: wait }), reason: 'connector 429 (Teams send budget)' };
  }
  if (status === 403) return { ok: false, retry: false, conversationGone: true, reason: 'connector 403: bot removed or blocked' };
  if (status === 404) return { ok: false, retry: false, conversationGone: true, reason: 'connector 404: conversation or message gone' };
  if (status === undefined || status >= 500 || status === 408) {
    return {
      ok: false,
      retry: true,
      reason: status === undefined ? `connector unreachable${code ? ` (${code})` : ''}` : `connector ${status}`,
    };
  }
  // 400, 401, 413…: sending the same message again would fail the same way.
  return { ok: false, retry: false, conversationGone: false, reason: `connector ${status}` };
}
