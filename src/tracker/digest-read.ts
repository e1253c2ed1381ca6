/** Reads and computes the digest of each vault: one BackupJobs_List of its last 48 hours (paged). */
import type { JobListFilter } from '../azure/types';
import type { VaultDigest } from '../domain/digest';
import type { BackupJob, VaultId } from '../domain/job';
import { computeVaultDigest } from './digest-compute';

/** A vault's jobs in the window, or why they could not be read (an ArmErrorKind, shown on the card). */
export type DigestList = (
  vault: VaultId,
  filter: JobListFilter,
) => Promise<{ jobs: readonly BackupJob[]; truncated?: boolean } | { failed: string }>;

const WINDOW_MS = 48 * 3_600_000;

export async function readDigests(vaults: readonly VaultId[], list: DigestList, now: number): Promise<VaultDigest[]> {
  const filter = { startTime: new Date(now - WINDOW_MS).toISOString(), endTime: new Date(now).toISOString() };
  const out: VaultDigest[] = [];
  // One vault after the other: a digest of many vaults must not take the whole read budget at once.
  for (const vault of vaults) {
    const read = await list(vault, filter);
    if ('failed' in read) {
      out.push({
        vault,
        counts: {},
        problems: [],
        problemCount: 0,
        longest: [],
        running: [],
        runningCount: 0,
        overdue: [],
        unavailable: read.failed,
      });
    } else out.push(computeVaultDigest(vault, read.jobs, now, read.truncated === true));
  }
  return out;
}
