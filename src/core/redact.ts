/**
 * What may reach a log line. pino's own `redact` matches fixed, case-sensitive paths; secrets
 * arrive at any depth and in any case (`Authorization` in a request an SDK error carries, the
 * Redis password in `err.command.args`, `x-ms-authorization-auxiliary`). So every logged object
 * goes through `scrubLogObject`:
 * - an error keeps only name, message, code, status and its stack frames (recursing into `cause`);
 *   whatever else SDK errors hang on themselves (request, response, headers, command, options,
 *   config, input) is dropped, since that is where secrets ride;
 * - a key that names a secret has its value replaced, whatever its case or depth;
 * - strings lose URL credentials (redis://:pass@host → redis://host), Bearer tokens, JWTs,
 *   secret query parameters and any value registered as a secret.
 * Bounded: depth, keys per object and array items are capped, so a log call stays cheap.
 */

export const REDACTED = '[redacted]';

const MAX_DEPTH = 6;
const MAX_KEYS = 50;
const MAX_ITEMS = 20;
const MAX_STRING = 4_000;
const MAX_FRAMES = 12;

/**
 * Secret names after lower-casing and dropping `-` and `_` (so `access_token`, `accessToken` and
 * `Access-Token` are one name). Exact names, then suffixes; `key` alone is left alone because
 * `jobKey` and Redis key names are what an operator needs to read.
 */
const SECRET_NAMES = new Set(['authorization', 'proxyauthorization', 'cookie', 'setcookie', 'pass', 'pwd', 'sig', 'signature', 'auth']);
const SECRET_SUFFIXES = [
  'password',
  'passwd',
  'secret',
  'token',
  'apikey',
  'accountkey',
  'accesskey',
  'sharedkey',
  'primarykey',
  'secondarykey',
  'subscriptionkey',
  'connectionstring',
  'credential',
  'credentials',
  'assertion',
];

/** Log keys repeat (conversationId, jobKey, status…): remember the verdict for the first few hundred names seen. */
const verdicts = new Map<string, boolean>();

export function isSecretKey(key: string): boolean {
  const known = verdicts.get(key);
  if (known !== undefined) return known;
  const k = key.toLowerCase().replace(/[-_]/g, '');
  const secret = SECRET_NAMES.has(k) || k.includes('authorization') || SECRET_SUFFIXES.some((s) => k.endsWith(s));
  if (verdicts.size < 500) verdicts.set(key, secret);
  return secret;
}

// scheme://user:pass@host → scheme://host (no nested quantifiers; the userinfo cannot contain / or whitespace).
const URL_USERINFO = /\b([a-z][\w+.-]*:\/\/)[^\s/@"'<>]*@/gi;
const BEARER = /\b(bearer|basic)\s+[\w\-.~+/]+=*/gi;
const JWT = /\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*/g;
const SECRET_QUERY =
  /([?&;](?:sig|signature|token|access_token|id_token|refresh_token|code|client_secret|password|api[-_]?key|key)=)[^&#\s"']*/gi;

/** Values replaced wherever they occur in a string (the configured app password, the Redis password). */
export type SecretValues = readonly string[];

export function scrubString(value: string, secrets: SecretValues = []): string {
  let s = value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value;
  for (const secret of secrets) if (secret.length >= 4 && s.includes(secret)) s = s.split(secret).join(REDACTED);
  // Cheap pre-checks: most log strings carry none of these, and then no regex runs.
  if (s.includes('@')) s = s.replace(URL_USERINFO, '$1');
  if (/bearer|basic/i.test(s)) s = s.replace(BEARER, `$1 ${REDACTED}`);
  if (s.includes('eyJ')) s = s.replace(JWT, REDACTED);
  if (s.includes('=')) s = s.replace(SECRET_QUERY, `$1${REDACTED}`);
  return s;
}

function isErrorLike(value: object): value is Error {
  return value instanceof Error || (typeof (value as { message?: unknown }).message === 'string' && 'stack' in value);
}

/** Only the frames ("    at …"): the first line repeats the message, which is scrubbed separately. */
function framesOf(stack: unknown): string | undefined {
  if (typeof stack !== 'string') return undefined;
  const frames = stack
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, MAX_FRAMES);
  return frames.length > 0 ? frames.map((f) => f.trim()).join('\n') : undefined;
}

function scrubError(err: Error, secrets: SecretValues, depth: number): Record<string, unknown> {
  const e = err as Error & Record<string, unknown>;
  const out: Record<string, unknown> = {
    type: typeof e.name === 'string' ? e.name : 'Error',
    message: scrubString(String(e.message), secrets),
  };
  for (const key of ['code', 'status', 'statusCode', 'kind', 'errno', 'syscall'] as const) {
    const v = e[key];
    if (typeof v === 'number' || typeof v === 'boolean') out[key] = v;
    else if (typeof v === 'string') out[key] = scrubString(v.slice(0, 200), secrets);
  }
  const response = e['response'];
  if (out['status'] === undefined && response && typeof response === 'object') {
    const status = (response as { status?: unknown }).status;
    if (typeof status === 'number') out['status'] = status;
  }
  const stack = framesOf(e.stack);
  if (stack !== undefined) out['stack'] = stack;
  if (e.cause !== undefined && depth < MAX_DEPTH) out['cause'] = scrubValue(e.cause, secrets, depth + 1);
  if (err instanceof AggregateError && depth < MAX_DEPTH) {
    out['errors'] = (err.errors as unknown[]).slice(0, 5).map((inner) => scrubValue(inner, secrets, depth + 1));
  }
  return out;
}

export function scrubValue(value: unknown, secrets: SecretValues, depth = 0): unknown {
  if (typeof value === 'string') return scrubString(value, secrets);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[depth]';
  if (isErrorLike(value)) return scrubError(value, secrets, depth);
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((v) => scrubValue(v, secrets, depth + 1));
    if (value.length > MAX_ITEMS) items.push(`[${value.length - MAX_ITEMS} more]`);
    return items;
  }
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
  // Maps and Headers objects (undici, fetch) would otherwise serialise as {} or leak through toJSON.
  if (value instanceof Map || typeof (value as { entries?: unknown }).entries === 'function') {
    const entries = (value as { entries(): Iterable<unknown> }).entries();
    const out: Record<string, unknown> = {};
    let n = 0;
    for (const pair of entries) {
      if (!Array.isArray(pair) || n++ >= MAX_KEYS) break;
      const [k, v] = pair as [unknown, unknown];
      out[String(k)] = isSecretKey(String(k)) ? REDACTED : scrubValue(v, secrets, depth + 1);
    }
    return out;
  }
  if (value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    if (n++ >= MAX_KEYS) {
      out['…'] = 'more keys';
      break;
    }
    const v = (value as Record<string, unknown>)[key];
    if (typeof v === 'function') continue;
    out[key] = isSecretKey(key) && v !== undefined && v !== null && v !== '' ? REDACTED : scrubValue(v, secrets, depth + 1);
  }
  return out;
}

/** pino `formatters.log`: the merging object of every log call, scrubbed. */
export function scrubLogObject(obj: Record<string, unknown>, secrets: SecretValues = []): Record<string, unknown> {
  return scrubValue(obj, secrets) as Record<string, unknown>;
}
