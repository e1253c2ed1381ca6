/**
 * How long past runs of one protected item took: the samples the store keeps per item and the
 * bounds on them. Shared by the tracker (which records and reads them), the store (which keeps
 * them) and the cards (which show the estimate made from them). No imports: the lowest layer.
 */

/** A task's end in one past run, as an offset from the job's start. */
export interface TaskEndSample {
  readonly name: string;
  readonly endMs: number;
}

/** One past run of an item that ended Completed or CompletedWithWarnings. */
export interface DurationSample {
  /** See `durationItemKey` (tracker/duration-samples.ts): vault, job type, operation, entity. */
  readonly itemKey: string;
  /** Lower-case `subscriptionId/resourceGroup/vaultName`. */
  readonly vaultKey: string;
  readonly jobId: string;
  /** Epoch ms the run ended: the newest samples are kept. */
  readonly endedAt: number;
  readonly totalMs: number;
  /** Tasks whose end is known, in task order (empty when Azure gave no task times, as in lists). */
  readonly tasks: readonly TaskEndSample[];
}

/** Bounds on what the store keeps: the newest samples per item, and the most recently ended items per vault. */
export const DURATION_LIMITS = {
  samplesPerItem: 20,
  itemsPerVault: 500,
} as const;

/**
 * What an estimate is made from, kept with a tracked job (its schedule) and carried by its card
 * messages: offsets from the job's start, in ms.
 */
export interface EtaBasis {
  /** Past runs it summarises. */
  readonly runs: number;
  /** The usual range: the 25th–75th percentile of the runs (min–max below 4 runs). */
  readonly lowMs: number;
  readonly highMs: number;
  readonly medianMs: number;
  /** The longest run: beyond it, the job runs "longer than usual". */
  readonly maxMs: number;
  /** Per task (by name, in order), the median of its end offset. */
  readonly tasks: ReadonlyArray<{ readonly name: string; readonly endMs: number }>;
}
