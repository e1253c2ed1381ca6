/**
 * Forged Bot Framework tokens over real HTTP on 127.0.0.1, against the bot with an app id (inbound
 * auth on): each is 401 with a fixed body, nothing reaches console (CloudAdapter.process wrote every
 * failure with console.error: one unscrubbed stderr entry per request), and the log gets one line
 * per interval of the app's clock, however many requests come. The clock is virtual, so "how many
 * lines" is exact by construction.
 */
import { VirtualClock } from '../../../src/core/clock';
import { DEFAULT_REPEAT_INTERVAL_MS } from '../../../src/core/repeat-limiter';
import { startBotHarness, type BotHarness } from '../../support/bot-harness';
import { captureLog, type CapturedLog } from '../../support/log-capture';
import { TENANT_ID, personalMessage } from '../../support/teams-activities';

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
/** Tokens an attacker can make without a key: unsigned, wrong issuer, expired, not a JWT at all. */
const FORGED = [
  `${b64({ alg: 'none' })}.${b64({ aud: 'x' })}.`,
  `${b64({ alg: 'RS256', kid: 'k1' })}.${b64({ iss: 'https://evil.example', aud: '3f2c9a4e-1111-4000-8000-000000000001' })}.c2ln`,
  `${b64({ alg: 'HS256' })}.${b64({ iss: 'https://sts.windows.net/x/', exp: 1 })}.c2ln`,
  'not-a-jwt-secretish-0123456789',
];

describe('forged Bearer tokens with MicrosoftAppId set', () => {
  let h: BotHarness;
  let log: CapturedLog;
  let clock: VirtualClock;
  const consoleCalls: unknown[][] = [];
  let restore: Array<() => void> = [];
  beforeAll(async () => {
    log = captureLog('debug');
    clock = new VirtualClock(Date.UTC(2026, 0, 1, 9, 0, 0));
    h = await startBotHarness({
      clock,
      overrides: { logger: log.logger },
      env: {
        MicrosoftAppId: '3f2c9a4e-1111-4000-8000-000000000001',
        MicrosoftAppPassword: 'not-a-real-secret',
        ALLOWED_TENANT_IDS: TENANT_ID,
      },
    });
    // What botbuilder would write to stderr; recorded, not printed.
    restore = (['error', 'warn', 'log', 'info'] as const).map((name) => {
      const spy = jest.spyOn(console, name).mockImplementation((...args: unknown[]) => void consoleCalls.push([name, ...args]));
      return () => spy.mockRestore();
    });
  });
  afterAll(async () => {
    for (const r of restore) r();
    await h?.close();
  });

  const refusedLines = (): Array<Record<string, unknown>> =>
    log.records().filter((r) => r['msg'] === 'inbound request refused: Bot Framework token not accepted');

  it('answers 401 to each of 40 forged tokens, runs nothing, writes nothing to console and one log line', async () => {
    const activity = personalMessage('help', { serviceUrl: h.connector.serviceUrl });
    for (let i = 0; i < 40; i++) {
      const res = await h.send(activity, { Authorization: `Bearer ${FORGED[i % FORGED.length]!}` });
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
    const res = await h.send(personalMessage('help', { serviceUrl: h.connector.serviceUrl }), { Authorization: `Bearer ${FORGED[0]!}` });
    expect(res.status).toBe(401);
    expect(refusedLines().map((r) => [r['failures'], r['suppressed']])).toEqual([
      [1, 0],
      [41, 39],
    ]);
    expect(consoleCalls).toEqual([]);
  });

  it('answers 400, not 500, to an activity without a type (the SDK threw on it), without console output', async () => {
    const res = await h.send({ ...personalMessage('help', { serviceUrl: h.connector.serviceUrl }), type: 7 } as never, {
      Authorization: `Bearer ${FORGED[0]!}`,
    });
    expect(res.status).toBe(400);
    expect(consoleCalls).toEqual([]);
  });
});
