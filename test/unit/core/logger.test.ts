/** The root logger's scrubbing (src/core/redact.ts through createLogger): errors, secret keys at any depth, strings. */
import { ReplyError } from 'ioredis';
import { errors as undiciErrors } from 'undici';
import { isSecretKey, scrubString, scrubValue } from '../../../src/core/redact';
import { captureLog } from '../../support/log-capture';

// ioredis re-exports redis-errors' ReplyError, which ships no types (it is declared `any`).
const RedisReplyError = ReplyError as new (message: string) => Error;
const PW = 'pw-9f8e7d6c5b4a';

function lastRecord(lines: string[]): Record<string, unknown> {
  return JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
}

describe('errors', () => {
  it('an ioredis AUTH refusal keeps name, message and code, and loses command.args (the password)', () => {
    const log = captureLog();
    const err = new RedisReplyError('WRONGPASS invalid username-password pair or user is disabled.') as Error & { command?: unknown };
    // What ioredis attaches to a failed command's error.
    err.command = { name: 'auth', args: [PW] };
    log.logger.warn({ err }, 'redis connection error');
    expect(log.lines.join('')).not.toContain(PW);
    expect(lastRecord(log.lines)['err']).toEqual({
      type: 'ReplyError',
      message: 'WRONGPASS invalid username-password pair or user is disabled.',
      // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- jest's asymmetric matchers are typed any
      stack: expect.stringMatching(/^at /),
    });
  });

  it('an error with the request it sent (headers, Authorization) and the response keeps status and code only', () => {
    const log = captureLog();
    const err = Object.assign(new Error('Forbidden'), {
      code: 'Status403',
      statusCode: 403,
      request: { url: 'https://smba.trafficmanager.net/amer/v3/conversations/x', headers: { authorization: `Bearer ${PW}` } },
      response: { status: 403, headers: { 'set-cookie': PW }, bodyAsText: `{"echo":"Bearer ${PW}"}` },
    });
    log.logger.error({ err }, 'turn failed');
    expect(log.lines.join('')).not.toContain(PW);
    expect(lastRecord(log.lines)['err']).toMatchObject({ type: 'Error', message: 'Forbidden', code: 'Status403', statusCode: 403 });
    expect(Object.keys(lastRecord(log.lines)['err'] as object).sort()).toEqual([
      'code',
      'message',
      'stack',
      'status',
      'statusCode',
      'type',
    ]);
  });

  it('an undici error keeps its code; a cause is scrubbed the same way', () => {
    const log = captureLog();
    const cause = Object.assign(new undiciErrors.HeadersTimeoutError(), { headers: { Authorization: `Bearer ${PW}` } });
    log.logger.warn({ err: new Error('fetch failed', { cause }) }, 'ARM call failed');
    const err = lastRecord(log.lines)['err'] as { cause: Record<string, unknown> };
    expect(err.cause).toMatchObject({ type: 'HeadersTimeoutError', code: 'UND_ERR_HEADERS_TIMEOUT' });
    expect(log.lines.join('')).not.toContain(PW);
  });

  it('an error logged alone, or under `error`, or inside another object, is reduced the same way', () => {
    const log = captureLog();
    const err = Object.assign(new Error(`connect to redis://:${PW}@cache:6380 failed`), { options: { password: PW } });
    log.logger.error(err);
    log.logger.error({ error: err }, 'x');
    log.logger.error({ detail: { inner: [err] } }, 'y');
    log.logger.warn({ err });
    expect(log.lines).toHaveLength(4);
    expect(log.lines.join('')).not.toContain(PW);
    // The message pino takes from the error is the scrubbed one.
    expect(lastRecord(log.lines)['msg']).toBe('connect to redis://cache:6380 failed');
  });

  it('keeps only the stack frames, not the first line that repeats the message', () => {
    const value = scrubValue(new Error(`token ${PW}`), []) as { stack: string };
    expect(value.stack.split('\n').every((line) => line.startsWith('at '))).toBe(true);
  });
});

describe('secret keys', () => {
  it.each([
    'authorization',
    'Authorization',
    'proxy-authorization',
    'x-ms-authorization-auxiliary',
    'password',
    'MicrosoftAppPassword',
    'token',
    'accessToken',
    'access_token',
    'refresh_token',
    'x-ms-token-aad-access-token',
    'client_secret',
    'clientSecret',
    'secret',
    'connectionString',
    'AZURE_STORAGE_CONNECTION_STRING',
    'cookie',
    'Set-Cookie',
    'apiKey',
    'Ocp-Apim-Subscription-Key',
    'credential',
  ])('%s is redacted at any depth', (key) => {
    const log = captureLog();
    log.logger.info({ a: { b: { c: { [key]: PW } } }, [key]: PW }, 'm');
    expect(log.lines.join('')).not.toContain(PW);
    expect(log.lines.join('')).toContain('[redacted]');
    expect(isSecretKey(key)).toBe(true);
  });

  it.each(['jobKey', 'key', 'conversationId', 'status', 'tokens', 'passwordPolicyUrl'])('%s is kept', (key) => {
    expect(isSecretKey(key)).toBe(false);
  });

  it('Map and Headers entries are judged by their names too', () => {
    const log = captureLog();
    log.logger.info(
      { headers: new Headers({ Authorization: `Bearer ${PW}`, 'x-ms-request-id': 'r1' }), map: new Map([['password', PW]]) },
      'm',
    );
    expect(log.lines.join('')).not.toContain(PW);
    expect(lastRecord(log.lines)['headers']).toEqual({ authorization: '[redacted]', 'x-ms-request-id': 'r1' });
  });

  it('stays bounded on deep, wide and cyclic input', () => {
    const deep: Record<string, unknown> = {};
    let at = deep;
    for (let i = 0; i < 100; i++) at = at['n'] = {};
    const cyclic: Record<string, unknown> = { name: 'c' };
    cyclic['self'] = cyclic;
    const wide = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i]));
    const log = captureLog();
    log.logger.info({ deep, cyclic, wide, list: Array.from({ length: 1000 }, (_, i) => i) }, 'm');
    const record = lastRecord(log.lines);
    expect(Object.keys(record['wide'] as object).length).toBeLessThanOrEqual(51);
    expect((record['list'] as unknown[]).length).toBe(21);
    expect(JSON.stringify(record['deep'])).toContain('[depth]');
  });
});

describe('strings', () => {
  it.each([
    [`redis://:${PW}@cache.redis.cache.windows.net:6380/0`, 'redis://cache.redis.cache.windows.net:6380/0'],
    [`rediss://default:${PW}@h:6380`, 'rediss://h:6380'],
    [`failed: Bearer ${PW}`, 'failed: Bearer [redacted]'],
    [`Authorization: Basic ${PW}`, 'Authorization: Basic [redacted]'],
    ['eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2lnbmF0dXJl in the text', '[redacted] in the text'],
    [`https://acct.blob.core.windows.net/c/b?sv=2024&sig=${PW}&se=1`, 'https://acct.blob.core.windows.net/c/b?sv=2024&sig=[redacted]&se=1'],
    ['job 7ddead57 in vault-prod finished', 'job 7ddead57 in vault-prod finished'],
  ])('%s → %s', (input, output) => {
    expect(scrubString(input)).toBe(output);
  });

  it('blanks registered secret values wherever they appear, in messages too', () => {
    const log = captureLog('info', [PW]);
    log.logger.info({ note: `x${PW}y` }, `the value ${PW} again`);
    expect(log.lines.join('')).not.toContain(PW);
    expect(lastRecord(log.lines)).toMatchObject({ note: 'x[redacted]y', msg: 'the value [redacted] again' });
  });
});
