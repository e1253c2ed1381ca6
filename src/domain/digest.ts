/**
 * The daily digest: a conversation asks for a summary of its vaults' last 24 hours at a local
 * time each day. The types the store, the digest scheduler, the cards and the bot share.
 */
import type { VaultId } from './job';
import type { JsonObject } from './subscriber';

export interface DigestInput {
  /** Like a watch: in a channel the channel itself. */
  readonly conversationId: string;
  readonly conversationRef: JsonObject;
  readonly setBy: { readonly id: string; readonly name: string };
  /** Local time of day, `HH:MM` (24 h). */
  readonly at: string;
  /** IANA time zone of whoever set it (the activity's clientInfo), `UTC` when the client did not say. */
  readonly timeZone: string;
  readonly locale?: string;
  /** The vaults it covers, resolved when it was set. */
  readonly vaults: readonly VaultId[];
  readonly teamId?: string;
}

export interface DigestRecord extends DigestInput {
  /** When the next one is due (epoch ms). */
  readonly nextAt: number;
  readonly createdAt: number;
}

/** A digest more than this late (the bot was down) is skipped, with a log line, not sent. */
export const DIGEST_MAX_LATE_MS = 6 * 3_600_000;

/** One vault's last 24 hours, as the digest card shows it (computed by tracker/digest-compute.ts). */
export interface VaultDigest {
  readonly vault: VaultId;
  /** Jobs that started in the last 24 hours, by status (running ones as InProgress). */
  readonly counts: Readonly<Record<string, number>>;
  /** Completed (with or without warnings) among ended jobs, 0–100; undefined when none ended. */
  readonly successRate?: number;
  /** The same for the 24 hours before. */
  readonly previousSuccessRate?: number;
  /** Failed and warned jobs (the first ones; `problemCount` counts all). */
  readonly problems: ReadonlyArray<DigestJobLine>;
  readonly problemCount: number;
  readonly longest: ReadonlyArray<DigestJobLine>;
  /** Jobs still running (the first ones; `runningCount` counts all). */
  readonly running: ReadonlyArray<DigestJobLine>;
  readonly runningCount: number;
  /** Items whose last successful backup is older than their schedule suggests. */
  readonly overdue: ReadonlyArray<{ readonly entity: string; readonly lastSuccess?: string; readonly intervalMs: number }>;
  /** Azure could not be read: the card says so instead of numbers. */
  readonly unavailable?: string;
  /** The list was cut at its page limit: the figures cover only part of the day. */
  readonly truncated?: boolean;
}

export interface DigestJobLine {
  readonly jobId: string;
  readonly entity: string;
  readonly operation: string;
  readonly status: string;
  readonly errorCode?: string;
  readonly reason?: string;
  readonly durationMs?: number;
  readonly startTime?: string;
}
