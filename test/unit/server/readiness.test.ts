import { checkReadiness } from '../../../src/server/readiness';
import { silentLogger } from '../../../src/core/logger';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store';

describe('readiness checks', () => {
  it('ready only when started, not stopping, and every check passes', async () => {
    const ok = { store: () => Promise.resolve() };
    expect(await checkReadiness('ready', ok, silentLogger())).toEqual({ ready: true, checks: { state: 'ready', store: 'ok' } });
    expect(await checkReadiness('starting', ok, silentLogger())).toEqual({ ready: false, checks: { state: 'starting', store: 'ok' } });
    expect(await checkReadiness('stopping', ok, silentLogger())).toEqual({ ready: false, checks: { state: 'stopping', store: 'ok' } });
  });

  it('a check that rejects is failed, one that never answers is a timeout; the probe itself still answers', async () => {
    const report = await checkReadiness(
      'ready',
      { store: () => Promise.reject(new Error('closed')), redis: () => new Promise<void>(() => undefined), other: () => Promise.resolve() },
      silentLogger(),
      1,
    );
    expect(report).toEqual({ ready: false, checks: { state: 'ready', store: 'failed', redis: 'timeout', other: 'ok' } });
  });

  it('the SQLite store pings while open and fails once closed', async () => {
    const store = new SqliteStore({ path: ':memory:' });
    await store.init();
    const checks = { store: () => store.ping() };
    expect((await checkReadiness('ready', checks, silentLogger())).checks['store']).toBe('ok');
    await store.close();
    expect((await checkReadiness('ready', checks, silentLogger())).checks['store']).toBe('failed');
  });
});
