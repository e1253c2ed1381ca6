/** Restart on the durable store: a second process opens the same SQLite file and finishes the work. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { VirtualClock } from '../../../src/core/clock';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store';
import { FakeBackupApi, jobGuid } from './fakes';
import { Harness } from './harness';

const MIN = 60_000;

describe('restart on SQLite', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tracker-restart-'));
  const file = path.join(dir, 'state.db');
  const stores: SqliteStore[] = [];

  afterAll(async () => {
    for (const s of stores) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('resumes polling after a crash and delivers every pending completion notice exactly once', async () => {
    const clock = new VirtualClock();
    const api = new FakeBackupApi(clock);
    const store1 = new SqliteStore({ path: file });
    stores.push(store1);
    await store1.init();
    const first = new Harness({
      clock,
      store: store1,
      api,
      tracker: { owner: 'proc-1', leaseMs: 2 * MIN },
      dispatcher: { owner: 'proc-1' },
    });
    const ending = first.addJob(1, 3 * MIN, { finalStatus: 'Failed' });
    const running = first.addJob(2, 30 * MIN);
    await first.track(ending.key, 'c1');
    await first.track(ending.key, 'c2');
    await first.track(running.key, 'c1');
    first.notifier.respond = () => ({ ok: false, retry: true, reason: 'ECONNRESET' });
    await first.run(5 * MIN);
    expect(first.notifier.of('final')).toHaveLength(0);
    // Killed while holding a lease; the file stays as the crash left it (no close).
    await clock.advance(Math.max(0, (await store1.nextDueAt())! - clock.now()));
    expect(await store1.claimDueJobs('proc-1', clock.now(), 2 * MIN, 10)).toHaveLength(1);

    const store2 = new SqliteStore({ path: file });
    stores.push(store2);
    await store2.init();
    const second = new Harness({ clock, store: store2, api, tracker: { owner: 'proc-2' }, dispatcher: { owner: 'proc-2' } });
    await second.run(60 * MIN);
    const finals = second.notifier
      .of('final')
      .map((d) => `${d.message.subscriber.conversationId}:${d.message.kind === 'final' ? d.message.job.jobId : ''}`);
    expect(finals.sort()).toEqual([`c1:${jobGuid(1)}`, `c1:${jobGuid(2)}`, `c2:${jobGuid(1)}`]);
    expect(await store2.stats()).toEqual({ activeJobs: 0, subscriptions: 0, pendingMessages: 0 });
  });
});
