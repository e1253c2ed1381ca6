/**
 * Tests hold a scripted job in its last task until they release it, so "the job ended before the
 * restart was done" cannot happen on a slow machine; and they wait for the bot's reads, not time.
 */
import type { SimRead } from '../../../tools/simulator/server';
import { guid, Harness, jobPath, obj, START, VAULT_PATH, vmJob, API, str } from './helpers';

const MIN = 60_000;

describe('simulator: held jobs and read observers', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await new Harness([]).start();
  });
  afterEach(async () => {
    await h.close();
  });

  it('a held job stays InProgress past its scheduled end and ends when released', async () => {
    h.server.addJob(vmJob(guid(1), START), { held: true });
    await h.clock.advance(10 * MIN);
    const held = obj((await h.getJson(jobPath(guid(1))))['properties']);
    expect(held['status']).toBe('InProgress');
    expect(held['endTime']).toBeUndefined();
    const tasks = obj(held['extendedInfo'])['tasksList'] as Array<{ status: string }>;
    expect(tasks.map((t) => t.status)).toEqual(['Completed', 'InProgress']);
    expect(h.server.truth(guid(1))).toEqual({ status: 'InProgress' });

    h.server.release(guid(1));
    const ended = obj((await h.getJson(jobPath(guid(1))))['properties']);
    expect(ended['status']).toBe('Completed');
    // Ended at the release, not back at the scheduled end the hold outlasted.
    expect(Date.parse(str(ended['endTime']))).toBe(START + 10 * MIN);
    expect(h.server.truth(guid(1))).toEqual({ status: 'Completed', endedAt: START + 10 * MIN });
  });

  it('a job released before its scheduled end ends as scheduled; hold() refuses an ended job', async () => {
    h.server.addJob(vmJob(guid(2), START));
    h.server.hold(guid(2));
    await h.clock.advance(1 * MIN);
    h.server.release(guid(2));
    expect(h.server.truth(guid(2))).toEqual({ status: 'InProgress' });
    await h.clock.advance(4 * MIN);
    expect(h.server.truth(guid(2))).toEqual({ status: 'Completed', endedAt: START + 5 * MIN });
    expect(() => h.server.hold(guid(2))).toThrow(/has ended/);
  });

  it('a held job with a scripted cancellation stays Cancelling until released', async () => {
    h.server.addJob(vmJob(guid(3), START, { outcome: 'Cancelled' }), { held: true });
    await h.clock.advance(20 * MIN);
    expect(h.server.truth(guid(3))).toEqual({ status: 'Cancelling' });
    h.server.release(guid(3));
    expect(h.server.truth(guid(3))).toEqual({ status: 'Cancelled', endedAt: START + 20 * MIN });
  });

  it('observers see each answered read with the job status a GET returned and a list filter', async () => {
    h.server.addJob(vmJob(guid(4), START), { held: true });
    const seen: Array<{ kind: string; jobId?: string; status?: string; filter?: string }> = [];
    const stop = h.server.reads.observe((r) => seen.push({ kind: r.kind, jobId: r.jobId, status: r.status, filter: r.filter }));
    const nextEnded = h.server.reads.next((r) => r.jobId === guid(4) && r.status === 'Completed');
    await h.get(jobPath(guid(4)));
    await h.get(`${VAULT_PATH}/backupJobs?${API}&$filter=${encodeURIComponent("status eq 'InProgress'")}`);
    await h.clock.advance(10 * MIN);
    h.server.release(guid(4));
    await h.get(jobPath(guid(4)));
    await expect(nextEnded).resolves.toMatchObject({ kind: 'getJob', httpStatus: 200, vault: 'rg-backup/vault-demo' });
    stop();
    await h.get(jobPath(guid(4)));
    expect(seen).toEqual([
      { kind: 'getJob', jobId: guid(4), status: 'InProgress' },
      { kind: 'listJobs', filter: "status eq 'InProgress'" },
      { kind: 'getJob', jobId: guid(4), status: 'Completed' },
    ]);
  });

  it("marks a list's next pages, so a sweep that pages counts once", async () => {
    const paged = await new Harness([vmJob(guid(5), START), vmJob(guid(6), START)], { pageSize: 1 }).start();
    try {
      const seen: SimRead[] = [];
      paged.server.reads.observe((r) => seen.push(r));
      const first = await paged.getJson(`${VAULT_PATH}/backupJobs?${API}`);
      await paged.getJson(str(first['nextLink']));
      expect(seen.map((r) => [r.kind, r.nextPage ?? false])).toEqual([
        ['listJobs', false],
        ['listJobs', true],
      ]);
    } finally {
      await paged.close();
    }
  });
});
