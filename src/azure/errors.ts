/**
 * Typed ARM failures. Each message says what the user or operator should do; `retryable` tells
 * callers (the tracker) whether trying again later can help.
 */
import { isRetryableKind, type ArmErrorKind } from '../domain/job';

export interface ArmErrorOptions {
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly requiredRole?: string;
  readonly armCode?: string;
  readonly cause?: unknown;
}

export class ArmError extends Error {
  override readonly name: string = 'ArmError';
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly requiredRole?: string;
  readonly armCode?: string;
  readonly retryable: boolean;

  constructor(
    readonly kind: ArmErrorKind,
    message: string,
    opts: ArmErrorOptions = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.status = opts.status;
    this.retryAfterMs = opts.retryAfterMs;
    this.requiredRole = opts.requiredRole;
    this.armCode = opts.armCode;
    this.retryable = isRetryableKind(kind);
  }
}

/** ARM answered 2xx with something that is not what the API promises. */
export class MalformedResponseError extends ArmError {
  override readonly name = 'MalformedResponseError';
  constructor(message: string, opts: ArmErrorOptions = {}) {
    super('malformed', `Azure returned an unexpected response: ${message}`, opts);
  }
}

/** ARM's `{ error: { code, message } }`, tolerating the older top-level `{ code, message }`. */
export function armErrorBody(body: unknown): { code?: string; message?: string } {
  if (typeof body !== 'object' || body === null) return {};
  const o = body as Record<string, unknown>;
  const e = (typeof o.error === 'object' && o.error !== null ? o.error : o) as Record<string, unknown>;
  const clip = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v.slice(0, 500) : undefined);
  return { code: clip(e.code), message: clip(e.message) };
}

/** `cancel` and `backup` run with the rights of the user who pressed (On-Behalf-Of), `read` with the bot's. */
export type CallPurpose = 'read' | 'cancel' | 'backup';

function describeSeconds(ms: number): string {
  return ms >= 60_000 ? `${Math.ceil(ms / 60_000)} min` : `${Math.ceil(ms / 1000)} s`;
}

/** Maps a non-2xx answer to a typed error with an actionable message. */
export function errorForStatus(
  status: number,
  body: unknown,
  ctx: { what: string; purpose: CallPurpose; retryAfterMs?: number },
): ArmError {
  const { code, message } = armErrorBody(body);
  const said = code || message ? ` (Azure said: ${[code, message].filter(Boolean).join(': ')})` : '';
  const base = { status, armCode: code, retryAfterMs: ctx.retryAfterMs };
  if (status === 401 && ctx.purpose !== 'read') {
    return new ArmError('unauthorized', `Azure did not accept your sign-in for ${ctx.what}${said}: sign in again and retry.`, base);
  }
  if (status === 401) {
    return new ArmError(
      'unauthorized',
      `Azure did not accept the bot's credential for ${ctx.what}${said}. Check the bot's managed identity or service principal configuration.`,
      base,
    );
  }
  if (status === 403 && ctx.purpose !== 'read') {
    // A user's own rights: never the bot's identity to fix, so the message names the user's missing role.
    const act = ctx.purpose === 'cancel' ? 'cancel jobs' : 'back up items';
    return new ArmError('forbidden', `Azure did not allow you to ${act} for ${ctx.what}${said}.`, {
      ...base,
      requiredRole: 'Backup Operator',
    });
  }
  if (status === 403) {
    const role = 'Backup Reader';
    return new ArmError(
      'forbidden',
      `The bot's identity is not allowed to read backup jobs for ${ctx.what}: assign it the '${role}' role on the vault${said}.`,
      { ...base, requiredRole: role },
    );
  }
  if (status === 404) {
    return new ArmError(
      'notFound',
      `Azure could not find ${ctx.what}: check the subscription, resource group, vault name and job id${said}.`,
      base,
    );
  }
  if (status === 429) {
    const wait = ctx.retryAfterMs !== undefined ? ` Try again in ${describeSeconds(ctx.retryAfterMs)}.` : '';
    return new ArmError('throttled', `Azure is throttling requests for ${ctx.what}.${wait}${said}`, base);
  }
  if (status >= 500 || status === 408) {
    return new ArmError(
      'transient',
      `Azure had a temporary problem (HTTP ${status}) with ${ctx.what}; it is worth trying again later${said}.`,
      base,
    );
  }
  return new ArmError('badRequest', `Azure refused the request for ${ctx.what} (HTTP ${status})${said}.`, base);
}
