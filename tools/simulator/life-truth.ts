/**
 * Ground truth about the living vaults, computed from the job specs and the clock exactly as the
 * simulated vault answers requests: what `npm run simulator` prints and what tests compare the
 * bot's digest with.
 */
import { createRecord, endOf, statusAt, type SimStatus } from './job-state';
import type { SimJobSpec } from './spec';

export interface VaultTruth {
  /** Jobs that started in the window, by status at `now` (running ones as InProgress or Cancelling). */
  readonly byStatus: Readonly<Partial<Record<SimStatus, number>>>;
  /** Jobs that started in the window and ended by `now`. */
  readonly ended: number;
  readonly running: number;
  /** Jobs scheduled to start after `now` (until the horizon). */
  readonly upcoming: number;
}

/** Figures of the jobs of `vault` (`rg/name`, case-insensitive) that started in [from, to), seen at `now`. */
export function vaultTruth(jobs: readonly SimJobSpec[], vault: string, from: number, to: number, now: number): VaultTruth {
  const byStatus: Partial<Record<SimStatus, number>> = {};
  let ended = 0;
  let running = 0;
  let upcoming = 0;
  for (const spec of jobs) {
    if (`${spec.vault.resourceGroup}/${spec.vault.vaultName}`.toLowerCase() !== vault.toLowerCase()) continue;
    if (spec.startAt > now) {
      upcoming++;
      continue;
    }
    if (spec.startAt < from || spec.startAt >= to) continue;
    const rec = createRecord(spec);
    const status = statusAt(rec, now);
    byStatus[status] = (byStatus[status] ?? 0) + 1;
    if (endOf(rec) <= now) ended++;
    else running++;
  }
  return { byStatus, ended, running, upcoming };
}
