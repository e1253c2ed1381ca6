/**
 * DurationStatsStore: per-item samples of past runs, kept once per job, bounded (newest samples per
 * item, most recent items per vault), and the once-per-period history read.
 */
import { DURATION_LIMITS, type DurationSample } from '../../src/domain/durations';
import type { SpecContext, StoreSpec } from './store-conformance';
import { T0 } from './store-fixtures';

const VAULT_KEY = '6d3b1f0e-4a5c-4f7e-9b2d-0c1e2f3a4b5c/rg-backup/vault-prod';
const OTHER_VAULT = '6d3b1f0e-4a5c-4f7e-9b2d-0c1e2f3a4b5c/rg-backup/vault-dev';
const MIN = 60_000;
const DAY = 24 * 60 * MIN;

export function durationSample(itemKey: string, jobId: string, endedAt: number, vaultKey = VAULT_KEY): DurationSample {
  return {
    itemKey,
    vaultKey,
    jobId,
    endedAt,
    totalMs: 25 * MIN,
    tasks: [
      { name: 'Take Snapshot', endMs: 4 * MIN },
      { name: 'Transfer data to vault', endMs: 25 * MIN },
    ],
  };
}

const ITEM = `${VAULT_KEY}\nazureiaasvmjob\nbackup\nvm-01 "quoted"\n☃`;

export const durationSpec: StoreSpec = { tests: 'DurationStatsStore', describe: (ctx, { durable }) => describeDurationSpec(ctx, durable) };

function describeDurationSpec(ctx: SpecContext, durable: boolean): void {
  describe('durations', () => {
    it('returns each item its samples newest first, once per job, and [] for an unknown item', async () => {
      const store = ctx.store();
      const a = durationSample(ITEM, 'job-a', T0);
      const b = { ...durationSample(ITEM, 'job-b', T0 + MIN), totalMs: 31 * MIN, tasks: [] };
      const c = durationSample(ITEM, 'job-c', T0 + MIN);
      await store.recordDurations([a, b]);
      // Recorded again (the watcher's sweep after the tracker's commit): kept once, the first kept.
      await store.recordDurations([c, { ...a, totalMs: 99 * MIN }]);
      const stats = await store.durationStats([ITEM, 'unknown-item']);
      // Equal end times: by job id, descending.
      expect(stats.get(ITEM)).toEqual([c, b, a]);
      expect(stats.get('unknown-item')).toEqual([]);
    });

    it(`keeps the newest ${DURATION_LIMITS.samplesPerItem} samples of an item, whatever order they arrive in`, async () => {
      const store = ctx.store();
      const n = DURATION_LIMITS.samplesPerItem + 5;
      const samples = Array.from({ length: n }, (_, i) => durationSample(ITEM, `job-${String(i).padStart(3, '0')}`, T0 + i * DAY));
      // Newest first in one call, then the rest one by one: the bound holds after each.
      await store.recordDurations(samples.slice(10).reverse());
      for (const s of samples.slice(0, 10)) await store.recordDurations([s]);
      const kept = (await store.durationStats([ITEM])).get(ITEM) ?? [];
      expect(kept.map((s) => s.jobId)).toEqual(
        samples
          .slice(n - DURATION_LIMITS.samplesPerItem)
          .reverse()
          .map((s) => s.jobId),
      );
      // An evicted job recorded again is older than every kept one: it comes back only to be dropped.
      await store.recordDurations([samples[0]]);
      expect((await store.durationStats([ITEM])).get(ITEM)).toHaveLength(DURATION_LIMITS.samplesPerItem);
    });

    it(`keeps the ${DURATION_LIMITS.itemsPerVault} items of a vault that ended last, apart from other vaults`, async () => {
      const store = ctx.store();
      const cap = DURATION_LIMITS.itemsPerVault;
      const items = Array.from({ length: cap + 3 }, (_, i) => durationSample(`item-${i}`, `job-${i}`, T0 + i * MIN));
      await store.recordDurations(items);
      await store.recordDurations([durationSample('other-item', 'job-x', T0 - DAY, OTHER_VAULT)]);
      // item-0..2 ended first and were evicted; item-0's new run brings it back (alone) and evicts item-3.
      await store.recordDurations([durationSample('item-0', 'job-new', T0 + (cap + 10) * MIN)]);
      const stats = await store.durationStats(['item-0', 'item-1', 'item-2', 'item-3', 'item-4', `item-${cap + 2}`, 'other-item']);
      expect(stats.get('item-0')?.map((s) => s.jobId)).toEqual(['job-new']);
      expect(stats.get('item-1')).toEqual([]);
      expect(stats.get('item-2')).toEqual([]);
      expect(stats.get('item-3')).toEqual([]);
      expect(stats.get('item-4')).toHaveLength(1);
      expect(stats.get(`item-${cap + 2}`)).toHaveLength(1);
      expect(stats.get('other-item')).toHaveLength(1);
    });

    it('grants one history read per vault and period', async () => {
      const store = ctx.store();
      expect(await store.claimHistoryRead(VAULT_KEY, T0, DAY)).toBe(true);
      expect(await store.claimHistoryRead(VAULT_KEY, T0 + DAY - 1, DAY)).toBe(false);
      expect(await store.claimHistoryRead(OTHER_VAULT, T0 + 1, DAY)).toBe(true);
      expect(await store.claimHistoryRead(VAULT_KEY, T0 + DAY, DAY)).toBe(true);
      expect(await store.claimHistoryRead(VAULT_KEY, T0 + DAY + 1, DAY)).toBe(false);
    });

    it('grants a history read to exactly one of several concurrent claims (instances)', async () => {
      const store = ctx.store();
      const sibling = (await ctx.sibling()) ?? store;
      const claims = await Promise.all(
        Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? store : sibling).claimHistoryRead(VAULT_KEY, T0, DAY)),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
    });

    if (durable) {
      it('keeps samples and history reads across a reopen', async () => {
        await ctx.store().recordDurations([durationSample(ITEM, 'job-a', T0)]);
        await ctx.store().claimHistoryRead(VAULT_KEY, T0, DAY);
        const reopened = await ctx.reopen();
        expect((await reopened.durationStats([ITEM])).get(ITEM)).toEqual([durationSample(ITEM, 'job-a', T0)]);
        expect(await reopened.claimHistoryRead(VAULT_KEY, T0 + 1, DAY)).toBe(false);
      });
    }
  });
}
