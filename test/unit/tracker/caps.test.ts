import { VirtualClock } from '../../../src/core/clock';
import { silentLogger } from '../../../src/core/logger';
import { FollowerSlots } from '../../../src/tracker/follower-slots';
import { TrackerServiceImpl } from '../../../src/tracker/tracker-service';
import type { TrackingLimits } from '../../../src/domain/limits';
import { ALLOWED, RecordingApi, SUBSCRIBER, armError } from '../../support/command-fakes';
import { memoryStore } from '../../support/memory-store';
import type { ArmResult } from '../../../src/azure/types';
import type { BackupJob, JobKey } from '../../../src/domain/job';
import type { TrackOutcome } from '../../../src/tracker/ports';

const guid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

describe('tracking caps under concurrency', () => {
  it('ten concurrent tracks in one conversation with a cap of 3 subscribe exactly 3 (the check and the subscribe are one step)', async () => {
    const store = memoryStore();
    const service = new TrackerServiceImpl({
      store,
      api: new RecordingApi(),
      clock: new VirtualClock(),
      logger: silentLogger(),
      pollIntervalMs: 1000,
      limits: { jobsPerConversation: 3 },
    });
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) => service.track({ vault: ALLOWED.vaults[0], jobId: guid(i) }, SUBSCRIBER)),
    );
    expect(outcomes.filter((o) => o.ok)).toHaveLength(3);
    expect(outcomes.filter((o) => !o.ok && o.error === 'capped')).toHaveLength(7);
    expect(outcomes.find((o) => !o.ok)).toMatchObject({ cap: 'jobsPerConversation', limit: 3 });
    expect(await service.listForConversation(SUBSCRIBER.conversationId)).toHaveLength(3);
  });

  it('jobs tracked together take the free places in the order written, whatever order their reads come back in', async () => {
    // The first job's read is held until the three others have been read and subscribed (if they
    // did not wait): without `after`, the first job written would be the one refused.
    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    class HeldApi extends RecordingApi {
      override async getJob(key: JobKey): Promise<ArmResult<BackupJob>> {
        if (key.jobId === guid(0)) await firstHeld;
        return super.getJob(key);
      }
    }
    const api = new HeldApi();
    const store = memoryStore();
    const service = new TrackerServiceImpl({
      store,
      api,
      clock: new VirtualClock(),
      logger: silentLogger(),
      pollIntervalMs: 1000,
      limits: { jobsPerConversation: 3 },
    });
    const pending: Array<Promise<TrackOutcome>> = [];
    for (let i = 0; i < 4; i++) {
      pending.push(service.track({ vault: ALLOWED.vaults[0], jobId: guid(i) }, SUBSCRIBER, { after: pending.at(-1) }));
    }
    // Every read but the held one is done before the first job may subscribe.
    while (api.calls.filter((c) => c.op === 'getJob').length < 3) await new Promise<void>((r) => setImmediate(r));
    releaseFirst();
    const outcomes = await Promise.all(pending);
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, true, false]);
    expect(outcomes[3]).toMatchObject({ ok: false, error: 'capped', cap: 'jobsPerConversation', limit: 3 });
  });

  // Two services on one store stand for two instances: the cap is the store's, checked as it subscribes.
  function services(
    store: ReturnType<typeof memoryStore>,
    limits: Partial<TrackingLimits>,
    api = new RecordingApi(),
  ): TrackerServiceImpl[] {
    const make = () =>
      new TrackerServiceImpl({ store, api, clock: new VirtualClock(), logger: silentLogger(), pollIntervalMs: 1000, limits });
    return [make(), make()];
  }
  const inConversation = (c: string) => ({ ...SUBSCRIBER, conversationId: c, conversationRef: { conversation: { id: c } } });

  it('twelve concurrent tracks from twelve conversations, through two services on one store, with a total cap of 4 track exactly 4', async () => {
    const store = memoryStore();
    const pair = services(store, { jobsTotal: 4 });
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, i) => pair[i % 2].track({ vault: ALLOWED.vaults[0], jobId: guid(i) }, inConversation(`a:chat-${i}`))),
    );
    expect(outcomes.filter((o) => o.ok)).toHaveLength(4);
    expect(outcomes.filter((o) => !o.ok && o.error === 'capped' && o.cap === 'jobsTotal' && o.limit === 4)).toHaveLength(8);
    expect((await store.stats()).activeJobs).toBe(4);
  });

  it('twelve concurrent tracks in one conversation while Azure is unreachable, with a pending cap of 2, keep exactly 2 pending', async () => {
    const store = memoryStore();
    const unreachable = new RecordingApi(() => {
      throw armError('transient');
    });
    const pair = services(store, { pendingPerConversation: 2 }, unreachable);
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, i) => pair[i % 2].track({ vault: ALLOWED.vaults[0], jobId: guid(i) }, SUBSCRIBER)),
    );
    expect(outcomes.filter((o) => !o.ok && o.error === 'transient' && o.subscribed)).toHaveLength(2);
    expect(outcomes.filter((o) => !o.ok && o.error === 'capped' && o.cap === 'pendingPerConversation' && o.limit === 2)).toHaveLength(10);
    expect(await store.listByConversation(SUBSCRIBER.conversationId)).toHaveLength(2);
  });
});

describe('FollowerSlots', () => {
  it('counts per conversation and in total; release is idempotent and frees the slot', () => {
    const slots = new FollowerSlots(2, 3);
    const a1 = slots.admit('a');
    const a2 = slots.admit('a');
    expect(slots.admit('a')).toEqual({ ok: false, cap: 'followersPerConversation', limit: 2 });
    const b1 = slots.admit('b');
    expect(slots.admit('c')).toEqual({ ok: false, cap: 'followersTotal', limit: 3 });
    expect([a1.ok, a2.ok, b1.ok]).toEqual([true, true, true]);
    if (a1.ok) {
      a1.release();
      a1.release();
    }
    expect(slots.running()).toBe(2);
    expect(slots.running('a')).toBe(1);
    expect(slots.admit('c').ok).toBe(true);
  });
});
