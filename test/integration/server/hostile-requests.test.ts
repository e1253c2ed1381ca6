/**
 * POST /api/messages against hostile requests, over real HTTP on 127.0.0.1 against the bot's own
 * server (startApp through the harness). What is proven is exact by construction: how many body
 * bytes the client had written when the answer came, and how many the server says it read (its
 * debug log line), never how long anything took.
 */
import fs from 'node:fs';
import os from 'node:os';
import zlib from 'node:zlib';
import { DEFAULT_MAX_BODY_BYTES } from '../../../src/server/server';
import { startBotHarness, type BotHarness } from '../../support/bot-harness';
import { captureLog, type CapturedLog } from '../../support/log-capture';
import { rawExchange } from '../../support/raw-http';
import { personalMessage, postActivity, AUTH_ON_ENV } from '../../support/teams-activities';

const CAP = DEFAULT_MAX_BODY_BYTES;
/** The most a server may read past the cap: one socket read (libuv reads 64 KiB at a time). */
const ONE_READ = 64 * 1024;

function head(port: number, headers: Record<string, string | number>): string {
  return [`POST /api/messages HTTP/1.1`, `Host: 127.0.0.1:${port}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)].join('\r\n');
}

function refusals(log: CapturedLog): Array<{ status: number; bytesRead: number; reason: string }> {
  return log
    .records()
    .filter((r) => r['msg'] === 'request refused')
    .map((r) => ({ status: r['status'] as number, bytesRead: r['bytesRead'] as number, reason: r['reason'] as string }));
}

describe('with MicrosoftAppId set (inbound auth on)', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness({
      env: AUTH_ON_ENV,
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers 401 to a request without a Bearer token while the client has sent 17 bytes of a declared 100 MiB body', async () => {
    const r = await rawExchange({
      port: h.app.port,
      head: head(h.app.port, { 'Content-Type': 'application/json', 'Content-Length': 100 * 1024 * 1024 }),
      body: Buffer.from('{"type":"message"'),
    });
    // Had the server waited for the body, no answer would ever come: the client sends nothing more.
    expect(r.status).toBe(401);
    expect(r.bodyBytesWritten).toBe(17);
    expect(r.response).toMatch(/\r\nconnection: close\r\n/i);
  });

  it('answers 401 without first inviting the body of an Expect: 100-continue request', async () => {
    const r = await rawExchange({
      port: h.app.port,
      head: head(h.app.port, { 'Content-Type': 'application/json', 'Content-Length': 5000, Expect: '100-continue' }),
    });
    expect(r.status).toBe(401);
    expect(r.response).not.toContain('100 Continue');
  });

  it('answers 401 to a gzip or multipart body without a token (auth comes first), and to a non-Bearer Authorization', async () => {
    const cases: Array<Record<string, string | number>> = [
      { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'Content-Length': 10 },
      { 'Content-Type': 'multipart/form-data; boundary=x', 'Content-Length': 10 },
      { 'Content-Type': 'application/json', 'Content-Length': 10, Authorization: 'Basic dXNlcjpwYXNz' },
      { 'Content-Type': 'application/json', 'Content-Length': 10, Authorization: 'Bearer' },
    ];
    for (const headers of cases) {
      const r = await rawExchange({ port: h.app.port, head: head(h.app.port, headers) });
      expect(r.status).toBe(401);
    }
  });

  it('hands a request with a Bearer token to CloudAdapter, which validates it (a forged one is 401, nothing runs)', async () => {
    h.sim.resetCounts();
    const res = await postActivity(h.app.url, personalMessage('help', { serviceUrl: h.connector.serviceUrl }), {
      Authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJhdWQiOiJ4In0.',
    });
    expect(res.status).toBe(401);
    expect(h.connector.activities).toEqual([]);
  });
});

describe('local mode: the body rules', () => {
  let h: BotHarness;
  let log: CapturedLog;
  beforeAll(async () => {
    log = captureLog('debug');
    h = await startBotHarness({ overrides: { logger: log.logger } });
  });
  afterAll(async () => {
    await h?.close();
  });
  beforeEach(() => {
    log.lines.length = 0;
    h.connector.reset();
  });

  it('still serves a normal activity', async () => {
    const res = await postActivity(h.app.url, personalMessage('help', { serviceUrl: h.connector.serviceUrl }));
    expect(res.status).toBe(200);
    expect(h.connector.cards()).toHaveLength(1);
  });

  it('accepts application/json with charset=utf-8, and refuses another charset with 415', async () => {
    const body = JSON.stringify(personalMessage('help', { serviceUrl: h.connector.serviceUrl }));
    const ok = await fetch(`${h.app.url}/api/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      body,
    });
    expect(ok.status).toBe(200);
    const latin = await fetch(`${h.app.url}/api/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=latin1' },
      body,
    });
    expect(latin.status).toBe(415);
  });

  it.each(['gzip', 'deflate', 'br', 'x-gzip, identity'])('refuses Content-Encoding: %s with 415 and reads no body', async (encoding) => {
    const activity = Buffer.from(JSON.stringify(personalMessage('help', { serviceUrl: h.connector.serviceUrl })));
    const compressed =
      encoding === 'br' ? zlib.brotliCompressSync(activity) : encoding === 'deflate' ? zlib.deflateSync(activity) : zlib.gzipSync(activity);
    const res = await fetch(`${h.app.url}/api/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Encoding': encoding },
      body: compressed,
    });
    expect(res.status).toBe(415);
    expect(await res.json()).toEqual({ error: 'Content-Encoding is not supported; send the body uncompressed' });
    // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- jest's asymmetric matchers are typed any
    expect(refusals(log)).toEqual([{ status: 415, bytesRead: 0, reason: expect.stringContaining('Content-Encoding') }]);
    expect(h.connector.activities).toEqual([]);
  });

  it.each([['text/plain'], ['application/x-www-form-urlencoded'], ['application/jsonp'], ['']])(
    'refuses Content-Type %p with 415',
    async (type) => {
      const r = await rawExchange({
        port: h.app.port,
        head: head(h.app.port, { ...(type ? { 'Content-Type': type } : {}), 'Content-Length': 2 }),
        body: Buffer.from('{}'),
      });
      expect(r.status).toBe(415);
    },
  );

  it('refuses a 3 MB multipart upload with 415, reads none of it and leaves no temp file', async () => {
    // formidable (restify's multipart parser) spooled uploads into os.tmpdir() as upload_<hex>.
    const uploads = (): string[] => fs.readdirSync(os.tmpdir()).filter((name) => /^upload_[0-9a-f]{32}$/.test(name));
    const before = new Set(uploads());
    const form = new FormData();
    form.append('activity', JSON.stringify({ type: 'message' }));
    form.append('file', new Blob([Buffer.alloc(3 * 1000 * 1000, 'a')]), 'big.bin');
    const res = await fetch(`${h.app.url}/api/messages`, { method: 'POST', body: form }).catch((err: unknown) => err);
    // The server answers at once and closes; fetch may see the answer or the closed socket, never a 2xx.
    if (res instanceof Response) expect(res.status).toBe(415);
    expect(refusals(log)).toEqual([{ status: 415, bytesRead: 0, reason: 'Content-Type must be application/json' }]);
    expect(uploads().filter((name) => !before.has(name))).toEqual([]);
  });

  it('refuses an honest Content-Length over the cap with 413 before reading', async () => {
    const r = await rawExchange({
      port: h.app.port,
      head: head(h.app.port, { 'Content-Type': 'application/json', 'Content-Length': CAP + 1 }),
    });
    expect(r.status).toBe(413);
    expect(refusals(log)).toEqual([{ status: 413, bytesRead: 0, reason: `body larger than ${CAP} bytes` }]);
  });

  it('stops reading a chunked body without a length once it passes the cap: 413, connection closed, at most one read past the cap', async () => {
    const total = 64 * 1024 * 1024;
    const r = await rawExchange({
      port: h.app.port,
      head: head(h.app.port, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' }),
      bodyBytes: total,
      chunked: true,
    });
    expect(r.status).toBe(413);
    // The client was cut off long before it could write its 64 MiB.
    expect(r.allWritten).toBe(false);
    const [refusal] = refusals(log);
    expect(refusal?.status).toBe(413);
    expect(refusal.bytesRead).toBeGreaterThan(CAP);
    expect(refusal.bytesRead).toBeLessThanOrEqual(CAP + ONE_READ);
  });

  it('reads no more than a Content-Length that understates the body: 400 for the cut JSON, the rest is refused as garbage', async () => {
    const body = Buffer.from(JSON.stringify({ type: 'message', text: 'x'.repeat(2 * CAP) }));
    const r = await rawExchange({
      port: h.app.port,
      head: head(h.app.port, { 'Content-Type': 'application/json', 'Content-Length': 100 }),
      body,
    });
    expect(r.status).toBe(400);
    expect(refusals(log)).toEqual([{ status: 400, bytesRead: 100, reason: 'body is not a JSON object' }]);
  });

  it.each([
    ['not JSON', '{"type": "message",'],
    ['a JSON array', '[{"type":"message"}]'],
    ['a JSON string', '"message"'],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])],
    ['empty', ''],
  ])('answers 400 to a body that is %s', async (_what, body) => {
    const res = await fetch(`${h.app.url}/api/messages`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'body is not a JSON object' });
    expect(h.connector.activities).toEqual([]);
  });
});
