/** The refusal line a foreign tenant may get is rate-limited, so a flood cannot make the bot spend. */
import { AccessGate } from '../../../src/bot/access';
import { VirtualClock } from '../../../src/core/clock';

describe('AccessGate.mayReply', () => {
  const make = () => {
    const clock = new VirtualClock(Date.UTC(2026, 0, 1));
    return { clock, gate: new AccessGate({ allowedTenantIds: ['t'], vaults: [], clock }) };
  };

  it('once per conversation per hour', async () => {
    const { clock, gate } = make();
    expect(gate.mayReply('c1')).toBe(true);
    expect(gate.mayReply('c1')).toBe(false);
    expect(gate.mayReply('c2')).toBe(true);
    await clock.advance(59 * 60_000);
    expect(gate.mayReply('c1')).toBe(false);
    await clock.advance(60_000);
    expect(gate.mayReply('c1')).toBe(true);
  });

  it('at most 20 a minute over all conversations, and remembers a bounded number of them', async () => {
    const { clock, gate } = make();
    const first = Array.from({ length: 25 }, (_, i) => gate.mayReply(`c${i}`));
    expect(first.filter(Boolean)).toHaveLength(20);
    await clock.advance(60_000);
    expect(gate.mayReply('c24')).toBe(true);
    // 2,000 more conversations over time: the memory keeps the newest 1,000 only.
    for (let i = 0; i < 2000; i++) {
      if (i % 20 === 0) await clock.advance(60_000);
      gate.mayReply(`flood-${i}`);
    }
    expect((gate as unknown as { lastReply: Map<string, number> }).lastReply.size).toBe(1000);
  });
});
