import { VirtualClock } from '../../../src/core/clock';

describe('VirtualClock', () => {
  it('wakes sleepers in time order and only when time reaches them', async () => {
    const clock = new VirtualClock(0);
    const woke: string[] = [];
    void clock.sleep(300).then(() => woke.push(`b@${clock.now()}`));
    void clock.sleep(100).then(() => woke.push(`a@${clock.now()}`));
    await clock.advance(99);
    expect(woke).toEqual([]);
    await clock.advance(1000);
    expect(woke).toEqual(['a@100', 'b@300']);
    expect(clock.now()).toBe(1099);
  });

  it('runs code resumed by one sleeper before waking the next', async () => {
    const clock = new VirtualClock(0);
    const seen: number[] = [];
    const loop = async (): Promise<void> => {
      for (let i = 0; i < 3; i++) {
        await clock.sleep(10);
        seen.push(clock.now());
      }
    };
    const done = loop();
    await clock.advance(100);
    await done;
    expect(seen).toEqual([10, 20, 30]);
  });

  it("awaits settle before each step, so work a woken sleeper starts ends at that sleeper's time", async () => {
    const clock = new VirtualClock(0);
    const seen: string[] = [];
    // Work that takes longer than the clock's own flush of queued callbacks (as an answer from
    // another process does): a gate released only when settle runs.
    let release: (() => void) | undefined;
    const slow = (): Promise<void> => new Promise<void>((resolve) => (release = resolve));
    void clock.sleep(10).then(async () => {
      await slow();
      seen.push(`a done@${clock.now()}`);
    });
    void clock.sleep(20).then(() => seen.push(`b@${clock.now()}`));
    const settle = async (): Promise<void> => {
      release?.();
      release = undefined;
      await Promise.resolve();
    };
    await clock.advance(100, settle);
    expect(seen).toEqual(['a done@10', 'b@20']);
  });

  it('rejects an aborted sleep and forgets it', async () => {
    const clock = new VirtualClock(0);
    const ac = new AbortController();
    const p = clock.sleep(50, ac.signal);
    ac.abort(new Error('stop'));
    await expect(p).rejects.toThrow('stop');
    expect(clock.pending()).toBe(0);
  });
});
