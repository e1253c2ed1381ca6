import { VirtualClock } from '../../../src/core/clock';
import { silentLogger } from '../../../src/core/logger';
import { FollowerSlots } from '../../../src/tracker/follower-slots';
import { TrackerServiceImpl } from '../../../src/tracker/tracker-service';
import { ALLOWED, RecordingApi, SUBSCRIBER } from '../../support/command-fakes';
import { memoryStore } from '../../support/memory-store';

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
