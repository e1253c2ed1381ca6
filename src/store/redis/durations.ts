/**
 * DurationStatsStore on Redis: record-durations.lua adds and bounds the samples atomically;
 * claim-history-read.lua notes a vault's history read. Key layout (I an item key, V a vault key):
 *   P.."dur:"..I ZSET job ids by endedAt · P.."durs:"..I HASH job id → sample JSON
 *   P.."duri:"..V ZSET item keys by their newest endedAt · P.."hist" HASH V → last history read
 */
import type { Redis } from 'ioredis';
import { DURATION_LIMITS, type DurationSample } from '../../domain/durations';
import type { DurationStatsStore } from '../duration-types';
import { durationSampleJson, parseDurationSample } from '../duration-codec';
import type { ScriptName } from './lua';

type Run = (name: ScriptName, args: ReadonlyArray<string | number>) => Promise<unknown>;

/** Newest first, ties by job id descending: the order SQLite returns. */
function newestFirst(a: DurationSample, b: DurationSample): number {
  return b.endedAt - a.endedAt || (a.jobId < b.jobId ? 1 : a.jobId > b.jobId ? -1 : 0);
}

export function redisDurations(redis: () => Redis, prefix: string, run: Run, ms: (n: number) => string): DurationStatsStore {
  return {
    recordDurations: async (samples) => {
      if (samples.length === 0) return;
      const args: string[] = [String(DURATION_LIMITS.samplesPerItem), String(DURATION_LIMITS.itemsPerVault)];
      for (const s of samples) args.push(s.itemKey, s.vaultKey, s.jobId, ms(s.endedAt), durationSampleJson(s));
      await run('bjRecordDurations', args);
    },
    durationStats: async (keys) => {
      const unique = [...new Set(keys)];
      const pipeline = redis().pipeline();
      for (const k of unique) pipeline.hvals(`${prefix}durs:${k}`);
      const replies = (await pipeline.exec()) ?? [];
      const out = new Map<string, DurationSample[]>();
      unique.forEach((k, i) => {
        const [err, values] = replies[i] ?? [null, []];
        if (err) throw err;
        const samples = (values as string[]).flatMap((v) => parseDurationSample(v) ?? []);
        out.set(k, samples.sort(newestFirst));
      });
      return out;
    },
    claimHistoryRead: async (vaultKey, now, everyMs) => Number(await run('bjClaimHistoryRead', [vaultKey, ms(now), ms(everyMs)])) === 1,
  };
}
