import { Writable } from 'node:stream';
import { ArmClient, isLoopbackEndpoint, type ArmClientOptions } from '../../../src/azure/arm-client';
import { ArmError, MalformedResponseError } from '../../../src/azure/errors';
import type { JobKey, VaultId } from '../../../src/domain/job';
import { createLogger } from '../../../src/core/logger';
import {
  FakeCredential,
  RecordingClock,
  ScriptedServer,
  dropBeforeResponse,
  dropMidResponse,
  example,
  hang,
  json,
} from './scripted-server';

const SUB = '00000000-0000-0000-0000-000000000000';
const VAULT: VaultId = { subscriptionId: SUB, resourceGroup: 'SwaggerTestRg', vaultName: 'NetSDKTestRsVault' };
const KEY: JobKey = { vault: VAULT, jobId: SUB };
const JOB_PATH = `/subscriptions/${SUB}/resourceGroups/SwaggerTestRg/providers/Microsoft.RecoveryServices/vaults/NetSDKTestRsVault/backupJobs/${SUB}`;
const jobBody = example('Common/GetJobDetails.json').responses['200'].body;

const server = new ScriptedServer();
let endpoint: string;
let clock: RecordingClock;
let credential: FakeCredential;
const clients: ArmClient[] = [];

function client(opts: Partial<ArmClientOptions> = {}): ArmClient {
  const c = new ArmClient({ endpoint, credential, clock, random: () => 0.5, ...opts });
  clients.push(c);
  return c;
}

async function failure(p: Promise<unknown>): Promise<ArmError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ArmError) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  endpoint = await server.start();
});
beforeEach(() => {
  clock = new RecordingClock();
  credential = new FakeCredential(clock);
});
afterEach(() => expect(server.remaining()).toBe(0));
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.stop();
});

describe('ArmClient over real HTTP', () => {
  it('gets a job with a bearer token, the api-version and the remaining reads', async () => {
    server.script(json(200, jobBody, { 'x-ms-ratelimit-remaining-subscription-reads': '11999' }));
    const { value, meta } = await client().getJob(KEY);
    expect(value).toMatchObject({ jobType: 'AzureIaaSVMJob', status: 'InProgress', jobId: SUB });
    expect(meta).toEqual({ remainingReads: 11999, attempts: 1 });
    expect(server.seen).toEqual([{ method: 'GET', url: `${JOB_PATH}?api-version=2026-02-01`, authorization: 'Bearer secret-token-1' }]);
    expect(clock.sleeps).toEqual([]);
  });

  it('waits out a 429 for the Retry-After seconds', async () => {
    server.script(json(429, { error: { code: 'TooManyRequests' } }, { 'retry-after': '7' }), json(200, jobBody));
    const { meta } = await client().getJob(KEY);
    expect(meta.attempts).toBe(2);
    expect(clock.sleeps).toEqual([7000]);
  });

  it('waits out a 429 until a Retry-After HTTP date', async () => {
    server.script(json(429, {}, { 'retry-after': new Date(clock.now() + 12_000).toUTCString() }), json(200, jobBody));
    await client().getJob(KEY);
    expect(clock.sleeps).toEqual([12_000]);
  });

  it('prefers x-ms-retry-after-ms, and never waits less than the jitter', async () => {
    server.script(
      json(429, {}, { 'x-ms-retry-after-ms': '1500', 'retry-after': '2' }),
      json(429, {}, { 'x-ms-retry-after-ms': '10' }),
      json(200, jobBody),
    );
    await client().getJob(KEY);
    // Second wait: full jitter 0.5 × 1000 ms beats the 10 ms the server asked for.
    expect(clock.sleeps).toEqual([1500, 500]);
  });

  it('retries 500 and 503 with exponential backoff and full jitter', async () => {
    server.script(json(500, { error: { code: 'InternalError' } }), json(503, ''), json(200, jobBody));
    const { meta } = await client().getJob(KEY);
    expect(meta.attempts).toBe(3);
    expect(clock.sleeps).toEqual([250, 500]);
  });

  it('gives up after maxAttempts with a transient error', async () => {
    server.script(json(503, ''), json(503, ''), json(503, ''), json(503, { error: { code: 'ServiceUnavailable', message: 'try later' } }));
    const e = await failure(client().getJob(KEY));
    expect(e).toMatchObject({ kind: 'transient', status: 503, retryable: true, armCode: 'ServiceUnavailable' });
    expect(e.message).toMatch(/temporary problem.*trying again later/);
    expect(clock.sleeps).toEqual([250, 500, 1000]);
  });

  it('retries a connection dropped before or during the answer', async () => {
    server.script(dropBeforeResponse, dropMidResponse, json(200, jobBody));
    const { meta } = await client().getJob(KEY);
    expect(meta.attempts).toBe(3);
    expect(clock.sleeps).toEqual([250, 500]);
  });

  it('times out a slow answer as a transient error', async () => {
    server.script(hang);
    const e = await failure(client({ timeoutMs: 150, maxAttempts: 1 }).getJob(KEY));
    expect(e).toMatchObject({ kind: 'transient', retryable: true });
    expect(e.message).toContain('did not answer within 150 ms');
  });

  it('reports malformed JSON without retrying', async () => {
    server.script(json(200, '{"id": not json'));
    const e = await failure(client().getJob(KEY));
    expect(e).toBeInstanceOf(MalformedResponseError);
    expect(e).toMatchObject({ kind: 'malformed', retryable: false });
    expect(clock.sleeps).toEqual([]);
  });

  it('reports a body that is JSON but not a job as malformed', async () => {
    server.script(json(200, { value: [] }));
    expect(await failure(client().getJob(KEY))).toBeInstanceOf(MalformedResponseError);
  });

  it('maps 401 to unauthorized with Azure’s message and fetches a new token next time', async () => {
    const c = client();
    server.script(
      json(401, { error: { code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' } }),
      json(200, jobBody),
    );
    const e = await failure(c.getJob(KEY));
    expect(e).toMatchObject({ kind: 'unauthorized', retryable: false, status: 401 });
    expect(e.message).toContain('The access token is invalid.');
    await c.getJob(KEY);
    expect(server.seen.map((s) => s.authorization)).toEqual(['Bearer secret-token-1', 'Bearer secret-token-2']);
  });

  it('maps a credential failure to unauthorized with the credential’s own message, without calling ARM', async () => {
    credential.failWith = new Error('ManagedIdentityCredential: no managed identity endpoint found');
    server.script();
    const e = await failure(client().getJob(KEY));
    expect(e.kind).toBe('unauthorized');
    expect(e.message).toContain('no managed identity endpoint found');
    expect(server.seen).toEqual([]);
  });

  it('maps 403 to forbidden naming the role: Backup Reader to read, Backup Operator to cancel', async () => {
    const denied = { error: { code: 'AuthorizationFailed', message: 'does not have authorization' } };
    server.script(json(403, denied), json(403, denied));
    const read = await failure(client().getJob(KEY));
    expect(read).toMatchObject({ kind: 'forbidden', requiredRole: 'Backup Reader', armCode: 'AuthorizationFailed' });
    expect(read.message).toContain("'Backup Reader' role on the vault");
    const cancel = await failure(client().cancelJob(KEY));
    expect(cancel).toMatchObject({ kind: 'forbidden', requiredRole: 'Backup Operator' });
  });

  it('maps 404 to notFound', async () => {
    server.script(json(404, { error: { code: 'ResourceNotFound', message: 'gone' } }));
    const e = await failure(client().getJob(KEY));
    expect(e).toMatchObject({ kind: 'notFound', retryable: false, armCode: 'ResourceNotFound' });
    expect(e.message).toMatch(/could not find job .* check the subscription, resource group, vault name and job id/);
  });

  it('returns a throttled error with the wait when Azure asks for longer than the client waits', async () => {
    server.script(json(429, {}, { 'retry-after': '600' }));
    const e = await failure(client().getJob(KEY));
    expect(e).toMatchObject({ kind: 'throttled', retryable: true, retryAfterMs: 600_000 });
    expect(e.message).toContain('Try again in 10 min');
    expect(clock.sleeps).toEqual([]);
  });

  it('returns a throttled error with the wait after the last attempt', async () => {
    server.script(json(429, {}, { 'retry-after': '3' }), json(429, {}, { 'retry-after': '3' }));
    const e = await failure(client({ maxAttempts: 2 }).getJob(KEY));
    expect(e).toMatchObject({ kind: 'throttled', retryAfterMs: 3000 });
    expect(e.message).toContain('Try again in 3 s');
  });

  it('stops retrying when the caller aborts, with the caller’s reason', async () => {
    const ac = new AbortController();
    server.script(json(503, ''));
    const call = client({ onRequest: () => ac.abort(new Error('user left')) }).getJob(KEY, { signal: ac.signal });
    await expect(call).rejects.toThrow('user left');
  });

  it('turns an invalid key into a badRequest error without calling Azure', async () => {
    server.script();
    const e = await failure(client().getJob({ vault: { ...VAULT, resourceGroup: 'rg/../x' }, jobId: SUB }));
    expect(e.kind).toBe('badRequest');
    expect(server.seen).toEqual([]);
  });

  it('counts requests through onRequest', async () => {
    const seen: string[] = [];
    server.script(json(500, ''), json(200, jobBody));
    await client({ onRequest: (i) => seen.push(`${i.method} ${i.status} #${i.attempt} ${i.path === JOB_PATH}`) }).getJob(KEY);
    expect(seen).toEqual(['GET 500 #1 true', 'GET 200 #2 true']);
  });
});

describe('credentials', () => {
  it("refuses the 'none' credential for a non-loopback endpoint", () => {
    expect(() => new ArmClient({ endpoint: 'https://management.azure.com', credential: 'none' })).toThrow(/only for a loopback endpoint/);
    expect(() => new ArmClient({ endpoint: 'https://127.0.0.1.nip.io', credential: 'none' })).toThrow(/loopback/);
    expect(() => new ArmClient({ endpoint: 'http://management.azure.com' })).toThrow(/https/);
    expect(isLoopbackEndpoint('http://127.0.0.1:8080')).toBe(true);
    expect(isLoopbackEndpoint('http://[::1]:8080')).toBe(true);
    expect(isLoopbackEndpoint('http://localhost')).toBe(true);
    expect(isLoopbackEndpoint('http://10.0.0.1')).toBe(false);
  });

  it("sends no Authorization header with 'none' on loopback", async () => {
    server.script(json(200, jobBody));
    await client({ credential: 'none' }).getJob(KEY);
    expect(server.seen[0].authorization).toBeUndefined();
  });

  it('reuses the token until two minutes before expiry, then refreshes it', async () => {
    credential = new FakeCredential(clock, 10 * 60_000);
    const c = client();
    server.script(json(200, jobBody), json(200, jobBody), json(200, jobBody), json(200, jobBody));
    await c.getJob(KEY);
    await clock.inner.advance(7 * 60_000);
    await c.getJob(KEY);
    await clock.inner.advance(60_000 + 1);
    await c.getJob(KEY);
    await c.getJob(KEY);
    expect(credential.calls).toBe(2);
    expect(server.seen.map((s) => s.authorization)).toEqual([
      'Bearer secret-token-1',
      'Bearer secret-token-1',
      'Bearer secret-token-2',
      'Bearer secret-token-2',
    ]);
  });

  it('never writes the token or the Authorization header to the logs', async () => {
    let out = '';
    const sink = new Writable({
      write: (chunk: Buffer, _enc, cb) => {
        out += chunk.toString();
        cb();
      },
    });
    const logger = createLogger('debug', sink);
    server.script(json(503, ''), json(401, { error: { code: 'InvalidAuthenticationToken' } }), json(200, jobBody));
    const c = client({ logger });
    await failure(c.getJob(KEY));
    await c.getJob(KEY);
    expect(out).toContain('ARM request');
    expect(out).not.toContain('secret-token');
    expect(out.toLowerCase()).not.toContain('bearer');
  });
});
