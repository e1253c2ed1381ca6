import type { JobFilter } from './filter';
import { createRecord, statusAt, vaultKeyOf, type JobRecord } from './job-state';
import type { SimJobSpec } from './spec';

/** Position in a vault's list (newest first): the last item served. */
export interface ListCursor {
  readonly startAt: number;
  readonly jobId: string;
}

interface VaultJobs {
  records: JobRecord[];
  sorted: boolean;
}

/**
 * Jobs indexed by id and by vault. A vault's list stays sorted newest first (sorted lazily after
 * additions), so a page costs a binary search plus a scan of that vault's jobs only.
 */
export class JobStore {
  private readonly byId = new Map<string, JobRecord>();
  private readonly byVault = new Map<string, VaultJobs>();

  add(spec: SimJobSpec): JobRecord {
    const rec = createRecord(spec);
    if (this.byId.has(rec.jobId)) throw new Error(`simulated job ${rec.jobId} already exists`);
    this.byId.set(rec.jobId, rec);
    let vault = this.byVault.get(rec.vaultKey);
    if (!vault) {
      vault = { records: [], sorted: true };
      this.byVault.set(rec.vaultKey, vault);
    }
    vault.records.push(rec);
    vault.sorted = false;
    return rec;
  }

  get(jobId: string): JobRecord | undefined {
    return this.byId.get(jobId.toLowerCase());
  }

  /** A job of `vault` that exists at `now` (started), or undefined. */
  visible(vault: { subscriptionId: string; resourceGroup: string; vaultName: string }, jobId: string, now: number): JobRecord | undefined {
    const rec = this.byId.get(jobId.toLowerCase());
    if (!rec || rec.vaultKey !== vaultKeyOf(vault) || now < rec.startAt) return undefined;
    return rec;
  }

  hasVault(vaultKey: string): boolean {
    return this.byVault.has(vaultKey);
  }

  all(): IterableIterator<JobRecord> {
    return this.byId.values();
  }

  /** One page of matching jobs that exist at `now`, newest first, and the cursor of the next page if any. */
  page(
    vaultKey: string,
    filter: JobFilter,
    now: number,
    after: ListCursor | undefined,
    size: number,
  ): { items: JobRecord[]; next?: ListCursor } {
    if (filter.jobId) {
      // Id lookups need no scan; a single job never needs a second page.
      const rec = this.byId.get(filter.jobId);
      const hit = rec && rec.vaultKey === vaultKey && !after && matches(rec, filter, now);
      return { items: hit ? [rec] : [] };
    }
    const vault = this.byVault.get(vaultKey);
    if (!vault) return { items: [] };
    const list = this.sorted(vault);
    const items: JobRecord[] = [];
    for (let i = after ? firstAfter(list, after) : 0; i < list.length; i++) {
      const rec = list[i];
      if (!matches(rec, filter, now)) continue;
      if (items.length === size) {
        const last = items[items.length - 1];
        return { items, next: { startAt: last.startAt, jobId: last.jobId } };
      }
      items.push(rec);
    }
    return { items };
  }

  private sorted(vault: VaultJobs): JobRecord[] {
    if (!vault.sorted) {
      vault.records.sort(compare);
      vault.sorted = true;
    }
    return vault.records;
  }
}

function compare(a: { startAt: number; jobId: string }, b: { startAt: number; jobId: string }): number {
  if (a.startAt !== b.startAt) return b.startAt - a.startAt;
  return a.jobId < b.jobId ? -1 : a.jobId > b.jobId ? 1 : 0;
}

/** Index of the first record ordered strictly after the cursor. */
function firstAfter(list: JobRecord[], cursor: ListCursor): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(list[mid], cursor) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function matches(rec: JobRecord, f: JobFilter, now: number): boolean {
  if (now < rec.startAt) return false;
  if (f.startTime !== undefined && (rec.startAt < f.startTime || rec.startAt > f.endTime!)) return false;
  if (f.operation !== undefined && rec.spec.operation !== f.operation) return false;
  if (f.backupManagementType !== undefined && rec.spec.backupManagementType !== f.backupManagementType) return false;
  if (f.status !== undefined && statusAt(rec, now) !== f.status) return false;
  return true;
}
