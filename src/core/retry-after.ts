/**
 * The one Retry-After reader, for ARM answers (a header record from undici) and Bot Connector
 * errors (a Fetch-style Headers object alike).
 */

/** Header record as undici returns it, or anything with a Fetch-style `get`. */
export type HeaderSource =
  { get(name: string): string | null | undefined } | Readonly<Record<string, string | string[] | number | undefined>>;

const DECIMAL = /^\s*\d+(?:\.\d+)?\s*$/;

function headerValue(headers: HeaderSource, name: string): string | undefined {
  if (typeof headers.get === 'function') return (headers as { get(name: string): string | null | undefined }).get(name) ?? undefined;
  const bag = headers as Readonly<Record<string, string | string[] | number | undefined>>;
  const v = bag[name];
  if (Array.isArray(v)) return v[0];
  return v === undefined ? undefined : String(v);
}

/** A `Retry-After` value in ms: delay-seconds, or an HTTP date relative to `now`; unreadable → undefined. */
export function parseRetryAfterValue(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (DECIMAL.test(value)) return Math.ceil(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/**
 * How long the server asked us to wait, in ms: `x-ms-retry-after-ms` / `retry-after-ms` first
 * (Azure's more precise forms), then `Retry-After`. Header names are read in lower case, as both
 * undici and Fetch Headers give them.
 */
export function retryAfterMs(headers: HeaderSource, now: number): number | undefined {
  for (const name of ['x-ms-retry-after-ms', 'retry-after-ms']) {
    const v = headerValue(headers, name);
    if (v !== undefined && DECIMAL.test(v)) return Math.ceil(Number(v));
  }
  return parseRetryAfterValue(headerValue(headers, 'retry-after'), now);
}
