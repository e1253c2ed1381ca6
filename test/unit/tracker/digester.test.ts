/**
 * The digest scheduler over the living simulated vault (HTTP on 127.0.0.1, in process) on a
 * virtual clock: its numbers are the vault's truth; it goes out once per day across instances;
 * a missed one is sent on start when less than 6 hours late and skipped otherwise.
 */
import { ArmClient } from '../../../src/azure/arm-client';
import { VirtualClock } from '../../../src/core/clock';
import { createLogger, silentLogger } from '../../../src/core/logger';
import type { DigestInput } from '../../../src/domain/digest';
import type { AnyOutbound, DeliveryResult } from '../../../src/domain/subscriber';
import { ArmGate } from '../../../src/tracker/arm-gate';
import { ReadBudget } from '../../../src/tracker/budget';
import { Digester } from '../../../src/tracker/digester';
import { nextDigestAt } from '../../../src/tracker/digest-time';
import { Dispatcher } from '../../../src/tracker/dispatcher';
import type { Notifier } from '../../../src/tracker/ports';
import { Semaphore } from '../../../src/tracker/semaphore';
import { lifeJobs } from '../../../tools/simulator/life';
import { vaultTruth } from '../../../tools/simulator/life-truth';
import { SimulatorServer } from '../../../tools/simulator/server';
import { memoryStore } from '../../support/memory-store';
import { seeded } from './harness';

const HOUR = 3_600_000;
const SUB = '5f3e0c1a-7b2d-4e8f-9a61-0c4d2b7e8f10';
const VAULTS = [
  { resourceGroup: 'rg-backup', vaultName: 'vault-prod' },
  { resourceGroup: 'rg-dr', vaultName: 'vault-dr' },
];
const START = Date.parse('2026-03-02T05:00:00Z');

class Recorder implements Notifier {
  readonly delivered: AnyOutbound[] = [];
  deliver(message: AnyOutbound): Promise<DeliveryResult> {
    this.delivered.push(message);
    return Promise.resolve({ ok: true, activityId: `act-${this.delivered.length}` });
  }
}

describe('digest scheduler over the living vault', () => {
  const jobs = lifeJobs({ subscriptionId: SUB, vaults: VAULTS, now: START });
  let clock: VirtualClock;
  let sim: SimulatorServer;
  let origin: string;

  beforeEach(async () => {
    clock = new VirtualClock(START);
    sim = new SimulatorServer({ clock, logger: silentLogger(), jobs });
    origin = await sim.start(0, '127.0.0.1');
  });
  afterEach(async () => {
    await sim.stop();
  });

  function stack(owners = ['a'], lines?: string[]) {
    const logger = lines ? createLogger('info', { write: (l: string) => lines.push(l) }) : silentLogger();
    const store = memoryStore();
    const api = new ArmClient({ endpoint: origin, credential: 'none', clock, logger: silentLogger(), maxAttempts: 1 });
    const gate = new ArmGate(api, new ReadBudget(), new Semaphore(4), clock);
    const digesters = owners.map((owner) => new Digester({ store, gate, clock, logger, owner }));
    const notifier = new Recorder();
    const dispatcher = new Dispatcher({ store, notifier, clock, logger: silentLogger(), owner: 'd', random: seeded(9) });
    const input: DigestInput = {
      conversationId: '19:ops@thread.tacv2',
      conversationRef: {},
      setBy: { id: '29:a', name: 'Ada' },
      at: '08:00',
      timeZone: 'Europe/Berlin',
      vaults: VAULTS.map((v) => ({ subscriptionId: SUB, ...v })),
    };
    const digests = () => notifier.delivered.filter((m): m is Extract<AnyOutbound, { kind: 'digest' }> => m.kind === 'digest');
    const round = async (): Promise<void> => {
      for (const d of digesters) await d.tick();
      while ((await dispatcher.tick()).claimed > 0);
    };
    return { store, input, digests, round, digesters, dispatcher };
  }

  it("a digest's numbers are the simulated vault's truth for the last 24 hours", async () => {
    const s = stack();
    const due = nextDigestAt('08:00', 'Europe/Berlin', clock.now()); // 07:00Z
    await s.store.setDigest(s.input, clock.now(), due);
    await clock.advance(due - clock.now());
    await s.round();
    const [d] = s.digests();
    expect(d.asOf).toBe(due);
    for (const v of d.vaults) {
      const truth = vaultTruth(jobs, `${v.vault.resourceGroup}/${v.vault.vaultName}`, due - 24 * HOUR + 1, due + 1, due);
      const expected: Record<string, number> = {};
      for (const [status, n] of Object.entries(truth.byStatus)) {
        const key = status === 'Cancelling' ? 'InProgress' : status;
        expected[key] = (expected[key] ?? 0) + n;
      }
      expect(v.counts).toEqual(expected);
      expect(v.problemCount).toBe((truth.byStatus.Failed ?? 0) + (truth.byStatus.CompletedWithWarnings ?? 0));
      const ended = truth.ended;
      const ok = (truth.byStatus.Completed ?? 0) + (truth.byStatus.CompletedWithWarnings ?? 0);
      expect(v.successRate).toBe(Math.round((ok / ended) * 1000) / 10);
      expect(v.previousSuccessRate).toBeDefined();
      expect(v.longest.length).toBe(5);
    }
  });

  it('goes out once per day across two instances, again the next day', async () => {
    const s = stack(['a', 'b']);
    const due = nextDigestAt('08:00', 'Europe/Berlin', clock.now());
    await s.store.setDigest(s.input, clock.now(), due);
    await clock.advance(due - clock.now());
    await s.round();
    await s.round();
    expect(s.digests()).toHaveLength(1);
    await clock.advance(24 * HOUR);
    await s.round();
    await s.round();
    expect(s.digests().map((d) => d.asOf)).toEqual([due, due + 24 * HOUR]);
  });

  it('after downtime: sent once on start when less than 6 hours late, skipped with a log line when later', async () => {
    const lines: string[] = [];
    const s = stack(['a'], lines);
    const due = nextDigestAt('08:00', 'Europe/Berlin', clock.now());
    await s.store.setDigest(s.input, clock.now(), due);
    await clock.advance(due - clock.now() + 5 * HOUR); // the bot comes back at 13:00
    await s.round();
    await s.round();
    expect(s.digests().map((d) => d.asOf)).toEqual([due + 5 * HOUR]);
    // Down for the whole next morning: back at 15:00, seven hours late.
    await clock.advance(26 * HOUR);
    await s.round();
    expect(s.digests()).toHaveLength(1);
    expect(lines.join('\n')).toContain('daily digest skipped: more than 6 hours late');
    // The day after goes out as usual.
    expect((await s.store.getDigest(s.input.conversationId))?.nextAt).toBe(due + 48 * HOUR);
  });

  it('a BullMQ job for one occurrence (Redis): sent once however often it runs, on any instance; skipped when 6 hours late; gone after digest off', async () => {
    const lines: string[] = [];
    const s = stack(['a', 'b'], lines);
    const [a, b] = s.digesters;
    const drain = async (): Promise<void> => {
      while ((await s.dispatcher.tick()).claimed > 0);
    };
    const due = nextDigestAt('08:00', 'Europe/Berlin', clock.now());
    await s.store.setDigest(s.input, clock.now(), due);
    // Run a minute early (promoted, or a clock ahead): it counts as its occurrence.
    await clock.advance(due - clock.now() - 60_000);
    expect(await a.sendDue(s.input.conversationId, due)).toBe('sent');
    // Run again, here and on another instance (a stalled job taken over): nothing more.
    expect(await b.sendDue(s.input.conversationId, due)).toBe('none');
    expect(await a.sendDue(s.input.conversationId, due)).toBe('none');
    await clock.advance(2 * 60_000);
    await b.tick();
    await drain();
    expect(s.digests()).toHaveLength(1);
    // The next day's job runs 7 hours late (no instance ran): skipped with the log line.
    await clock.advance(24 * HOUR + 7 * HOUR);
    expect(await b.sendDue(s.input.conversationId, due + 24 * HOUR)).toBe('skipped');
    await drain();
    expect(s.digests()).toHaveLength(1);
    expect(lines.join('\n')).toContain('daily digest skipped: more than 6 hours late');
    await s.store.removeDigest(s.input.conversationId);
    expect(await a.sendDue(s.input.conversationId, due + 48 * HOUR)).toBe('gone');
  });
});
