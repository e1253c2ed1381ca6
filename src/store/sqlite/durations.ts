/** DurationStatsStore on SQLite: a row per kept sample, a row per item (for the per-vault bound), a row per vault's history read. */
import type Database from 'better-sqlite3';
import { DURATION_LIMITS, type DurationSample } from '../../domain/durations';
import type { DurationStatsStore } from '../duration-types';
import { durationSampleJson, parseDurationSample } from '../duration-codec';
import { onFirstCall, type Sync } from './sync';

// The bounds are literals in the SQL, not parameters: a bare LIMIT/OFFSET parameter makes SQLite plan the statement again on every call.
const KEEP = DURATION_LIMITS.samplesPerItem;
const ITEMS = DURATION_LIMITS.itemsPerVault;

export function sqliteDurations(db: Database.Database): Sync<DurationStatsStore> {
  const record = onFirstCall(() => {
    const insert = db.prepare<{ item: string; job: string; vault: string; at: number; sample: string }>(
      `INSERT OR IGNORE INTO duration_samples (item_key, job_id, vault_key, ended_at, sample) VALUES (@item, @job, @vault, @at, @sample)`,
    );
    const trim = db.prepare<{ item: string }>(
      `DELETE FROM duration_samples WHERE item_key = @item AND job_id IN (
         SELECT job_id FROM duration_samples WHERE item_key = @item ORDER BY ended_at DESC, job_id DESC LIMIT -1 OFFSET ${KEEP})`,
    );
    const touch = db.prepare<{ vault: string; item: string; at: number }>(
      `INSERT INTO duration_items (vault_key, item_key, last_at) VALUES (@vault, @item, @at)
       ON CONFLICT (vault_key, item_key) DO UPDATE SET last_at = MAX(last_at, excluded.last_at)`,
    );
    const oldItems = db.prepare<[string], { item_key: string }>(
      `SELECT item_key FROM duration_items WHERE vault_key = ? ORDER BY last_at DESC, item_key DESC LIMIT -1 OFFSET ${ITEMS}`,
    );
    const dropItem = db.prepare<[string, string]>('DELETE FROM duration_items WHERE vault_key = ? AND item_key = ?');
    const dropSamples = db.prepare<[string]>('DELETE FROM duration_samples WHERE item_key = ?');
    const tx = db.transaction((samples: readonly DurationSample[]) => {
      for (const s of samples) {
        const added = insert.run({ item: s.itemKey, job: s.jobId, vault: s.vaultKey, at: s.endedAt, sample: durationSampleJson(s) });
        if (added.changes === 0) continue;
        trim.run({ item: s.itemKey });
        touch.run({ vault: s.vaultKey, item: s.itemKey, at: s.endedAt });
        for (const old of oldItems.all(s.vaultKey)) {
          dropItem.run(s.vaultKey, old.item_key);
          dropSamples.run(old.item_key);
        }
      }
    });
    return (samples: readonly DurationSample[]) => tx.immediate(samples);
  });
  const read = onFirstCall(() => {
    const st = db.prepare<[string], { sample: string }>(
      'SELECT sample FROM duration_samples WHERE item_key = ? ORDER BY ended_at DESC, job_id DESC',
    );
    return (item: string) => st.all(item);
  });
  const claim = onFirstCall(() => {
    const get = db.prepare<[string], { at: number }>('SELECT at FROM history_reads WHERE vault_key = ?');
    const set = db.prepare<[string, number]>(
      'INSERT INTO history_reads (vault_key, at) VALUES (?, ?) ON CONFLICT (vault_key) DO UPDATE SET at = excluded.at',
    );
    const tx = db.transaction((vault: string, now: number, everyMs: number): boolean => {
      const last = get.get(vault)?.at;
      if (last !== undefined && last > now - everyMs) return false;
      set.run(vault, now);
      return true;
    });
    return (vault: string, now: number, everyMs: number) => tx.immediate(vault, now, everyMs);
  });
  return {
    recordDurations: (samples) => {
      if (samples.length > 0) record(samples);
    },
    durationStats: (keys) => {
      const out = new Map<string, DurationSample[]>();
      for (const k of keys) {
        if (out.has(k)) continue;
        out.set(
          k,
          read(k).flatMap((r) => parseDurationSample(r.sample) ?? []),
        );
      }
      return out;
    },
    claimHistoryRead: (vault, now, everyMs) => claim(vault, now, everyMs),
  };
}
