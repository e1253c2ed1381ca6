/**
 * The request body of POST /api/messages, read by hand instead of restify's bodyParser: that one
 * inflates gzip without a bound on the inflated size, spools multipart uploads to temp files
 * (formidable) past its size limit, and runs before any authentication. Here every request is
 * judged on its headers first, and the body is read only while it stays under a hard cap counted
 * on the bytes that actually arrive (a Content-Length can lie; chunked bodies have none).
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

/** Why a request is refused; `status` is the HTTP answer, `reason` a short text for the caller and the log. */
export interface Refusal {
  readonly status: 400 | 401 | 408 | 413 | 415;
  readonly reason: string;
  /** True when the body was left (partly) unread: the connection must close rather than be reused. */
  readonly unread: boolean;
}

export type BodyResult =
  | { readonly ok: true; readonly body: Record<string, unknown>; readonly bytesRead: number }
  | { readonly ok: false; readonly refusal: Refusal; readonly bytesRead: number };

// Anchored, no nested quantifiers: a header is attacker input.
const BEARER = /^bearer +\S/i;

/** The cheap pre-check before CloudAdapter's real JWT validation: is there a Bearer token at all? */
export function hasBearer(headers: IncomingHttpHeaders): boolean {
  const value = headers.authorization;
  return typeof value === 'string' && BEARER.test(value);
}

/**
 * Refuses on headers alone: anything but `application/json` (utf-8), any Content-Encoding but
 * identity (a 300 KB gzip body can inflate to gigabytes), a declared length over the cap.
 */
export function refuseByHeaders(headers: IncomingHttpHeaders, maxBytes: number): Refusal | undefined {
  const [mediaType = '', ...params] = (headers['content-type'] ?? '').split(';');
  if (mediaType.trim().toLowerCase() !== 'application/json') {
    return { status: 415, reason: 'Content-Type must be application/json', unread: true };
  }
  for (const param of params) {
    const [name = '', value = ''] = param.split('=');
    if (name.trim().toLowerCase() === 'charset' && !/^"?utf-?8"?$/i.test(value.trim())) {
      return { status: 415, reason: 'charset must be utf-8', unread: true };
    }
  }
  const encoding = (headers['content-encoding'] ?? '').trim().toLowerCase();
  if (encoding !== '' && encoding !== 'identity') {
    return { status: 415, reason: 'Content-Encoding is not supported; send the body uncompressed', unread: true };
  }
  const declared = headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) {
    return { status: 413, reason: `body larger than ${maxBytes} bytes`, unread: true };
  }
  return undefined;
}

/**
 * Reads the body up to `maxBytes`, then parses it as a JSON object. Past the cap it stops at
 * once (the stream is paused, the bytes kept so far dropped) and answers 413 with `unread`, so the
 * caller closes the connection instead of draining the rest. A body still incomplete after
 * `timeoutMs` (a client trickling bytes, or stalled mid-body) is given up the same way, with 408.
 */
export function readJsonBody(req: IncomingMessage, maxBytes: number, timeoutMs?: number): Promise<BodyResult> {
  return new Promise<BodyResult>((resolve) => {
    const chunks: Buffer[] = [];
    let bytesRead = 0;
    let settled = false;
    // Wall time on purpose: this guards a socket, it schedules nothing the tracker's clock should drive.
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            req.pause();
            settle({ ok: false, refusal: { status: 408, reason: `body not received within ${timeoutMs} ms`, unread: true }, bytesRead });
          }, timeoutMs);
    const settle = (result: BodyResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAbort);
      req.off('close', onAbort);
      chunks.length = 0;
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      bytesRead += chunk.length;
      if (bytesRead > maxBytes) {
        req.pause();
        settle({ ok: false, refusal: { status: 413, reason: `body larger than ${maxBytes} bytes`, unread: true }, bytesRead });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      const body = parseObject(Buffer.concat(chunks, bytesRead));
      settle(
        body === undefined
          ? { ok: false, refusal: { status: 400, reason: 'body is not a JSON object', unread: false }, bytesRead }
          : { ok: true, body, bytesRead },
      );
    };
    // The client went away mid-body: nobody to answer, but the promise must still settle.
    const onAbort = (): void => settle({ ok: false, refusal: { status: 400, reason: 'request aborted', unread: true }, bytesRead });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAbort);
    req.on('close', onAbort);
  });
}

function parseObject(raw: Buffer): Record<string, unknown> | undefined {
  try {
    // fatal: invalid UTF-8 is a bad request, not text with replacement characters.
    const value: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
