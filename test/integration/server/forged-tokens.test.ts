/**
 * Forged Bot Framework tokens over real HTTP on 127.0.0.1, against the bot with an app id (inbound
 * auth on): each is 401 with a fixed body, nothing reaches console (CloudAdapter.process wrote every
 * failure with console.error: one unscrubbed stderr entry per request), and the log gets one line
 * per interval of the app's clock, however many requests come. The clock is virtual, so "how many
 * lines" is exact by construction.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { VirtualClock } from '../../../src/core/clock';
import { DEFAULT_REPEAT_INTERVAL_MS } from '../../../src/core/repeat-limiter';
import { startBotHarness, type BotHarness } from '../../support/bot-harness';
import { captureLog, type CapturedLog } from '../../support/log-capture';
import { TENANT_ID, personalMessage } from '../../support/teams-activities';

const APP_ID = '3f2c9a4e-1111-4000-8000-000000000001';
const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
/** Tokens an attacker can make without a key: unsigned, wrong issuer, expired, not a JWT at all. */
const FORGED = [
  `${b64({ alg: 'none' })}.${b64({ aud: 'x' })}.`,
  `${b64({ alg: 'RS256', kid: 'k1' })}.${b64({ iss: 'https://evil.example', aud: APP_ID })}.c2ln`,
  `${b64({ alg: 'HS256' })}.${b64({ iss: 'https://sts.windows.net/x/', exp: 1 })}.c2ln`,
  'not-a-jwt-secretish-0123456789',
];

const ENV = { MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'not-a-real-secret', ALLOWED_TENANT_IDS: TENANT_ID };
const REFUSED = 'inbound request refused: Bot Framework token not accepted';

// What botbuilder would write to stderr; recorded, not printed. Installed before any bot starts:
// the bot's console scope (sdk-console.ts) wraps whatever console it finds at its first request.
const consoleCalls: unknown[][] = [];
let restore: Array<() => void> = [];
beforeAll(() => {
  restore = (['error', 'warn', 'log', 'info', 'debug'] as const).map((name) => {
    const spy = jest.spyOn(console, name).mockImplementation((...args: unknown[]) => void consoleCalls.push([name, ...args]));
    return () => spy.mockRestore();
  });
});
afterAll(() => {
  for (const r of restore) r();
});

describe('forged Bearer tokens with MicrosoftAppId set', () => {
  let h: BotHarness;
  let log: CapturedLog;
  let clock: VirtualClock;
  beforeAll(async () => {
    log = captureLog('debug');
    clock = new VirtualClock(Date.UTC(2026, 0, 1, 9, 0, 0));
    h = await startBotHarness({
      clock,
      overrides: { logger: log.logger },
      env: ENV,
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  const refusedLines = (): Array<Record<string, unknown>> => log.records().filter((r) => r['msg'] === REFUSED);

  it('answers 401 to each of 40 forged tokens, runs nothing, writes nothing to console and one log line', async () => {
    const activity = personalMessage('help', { serviceUrl: h.connector.serviceUrl });
    for (let i = 0; i < 40; i++) {
      const res = await h.send(activity, { Authorization: `Bearer ${FORGED[i % FORGED.length]}` });
      expect(res.status).toBe(401);
      expect(JSON.parse(res.body)).toEqual({ error: 'the Bot Framework token was not accepted' });
    }
    expect(h.connector.activities).toEqual([]);
    expect(consoleCalls).toEqual([]);
    const lines = refusedLines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, failures: 1, suppressed: 0, component: 'inbound' });
    // The log keeps what failed, never the token.
    for (const token of FORGED) expect(log.lines.join('\n')).not.toContain(token);
  });

  it('after an interval of the app clock, the next failure is one line that counts those left out', async () => {
    await clock.advance(DEFAULT_REPEAT_INTERVAL_MS);
    const res = await h.send(personalMessage('help', { serviceUrl: h.connector.serviceUrl }), { Authorization: `Bearer ${FORGED[0]}` });
    expect(res.status).toBe(401);
    expect(refusedLines().map((r) => [r['failures'], r['suppressed']])).toEqual([
      [1, 0],
      [41, 39],
    ]);
    expect(consoleCalls).toEqual([]);
  });

  it('answers 400, not 500, to an activity without a type (the SDK threw on it), without console output', async () => {
    const res = await h.send({ ...personalMessage('help', { serviceUrl: h.connector.serviceUrl }), type: 7 } as never, {
      Authorization: `Bearer ${FORGED[0]}`,
    });
    expect(res.status).toBe(400);
    expect(consoleCalls).toEqual([]);
  });
});

/**
 * Tokens that pass the cheap checks (the Bot Framework issuer, a key id the key set has) and fail
 * in the signature or expiry check, where botframework-connector writes to console before it
 * throws. The key set is served on 127.0.0.1 (botOpenIdMetadataUrl).
 */
describe('tokens with the real issuer and a known key id', () => {
  let h: BotHarness;
  let log: CapturedLog;
  let keys: http.Server;
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const sign = (payload: Record<string, unknown>): string => {
    const data = `${b64({ alg: 'RS256', typ: 'JWT', kid: 'test-key' })}.${b64(payload)}`;
    return `${data}.${crypto.sign('sha256', Buffer.from(data), privateKey).toString('base64url')}`;
  };
  const nowSeconds = Math.floor(Date.now() / 1000);
  const claims = { iss: 'https://api.botframework.com', aud: APP_ID, serviceurl: 'http://127.0.0.1:1/' };
  beforeAll(async () => {
    keys = http.createServer((req, res) => {
      const port = (keys.address() as AddressInfo).port;
      const body =
        req.url === '/keys'
          ? { keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig' }] }
          : { issuer: 'https://api.botframework.com', jwks_uri: `http://127.0.0.1:${port}/keys` };
      // Two statements: restify patches ServerResponse.writeHead, and its version does not return the response.
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => keys.listen(0, '127.0.0.1', resolve));
    log = captureLog('debug');
    h = await startBotHarness({
      overrides: { logger: log.logger, botOpenIdMetadataUrl: `http://127.0.0.1:${(keys.address() as AddressInfo).port}/metadata` },
      env: ENV,
    });
  });
  afterAll(async () => {
    await h?.close();
    await new Promise<void>((resolve) => keys?.close(() => resolve()));
  });

  it('answers 401 (process() answered 500 to a bad signature) to each, with nothing on console and one log line', async () => {
    const valid = sign({ ...claims, exp: nowSeconds + 3600, nbf: nowSeconds - 60 });
    const badSignature = `${valid.slice(0, valid.lastIndexOf('.'))}.${Buffer.alloc(256, 7).toString('base64url')}`;
    // Expired by more than the SDK's 5 minutes of clock tolerance.
    const expired = sign({ ...claims, exp: nowSeconds - 7200, nbf: nowSeconds - 9000 });
    for (const token of [badSignature, expired, badSignature, expired]) {
      const res = await h.send(personalMessage('help', { serviceUrl: h.connector.serviceUrl }), { Authorization: `Bearer ${token}` });
      expect(res.status).toBe(401);
    }
    expect(consoleCalls).toEqual([]);
    // The first one, a bad signature: jsonwebtoken's error, which process() answered with 500.
    expect(log.records().filter((r) => r['msg'] === REFUSED)).toEqual([
      // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- jest's asymmetric matchers are typed any
      expect.objectContaining({ err: expect.objectContaining({ type: 'JsonWebTokenError', message: 'invalid signature' }) }),
    ]);
    expect(h.connector.activities).toEqual([]);
  });
});
