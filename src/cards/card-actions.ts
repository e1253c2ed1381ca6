/**
 * Reads what a card button sent back (`activity.value` of an Action.Submit), so the bot never
 * trusts its shape: it comes from the client and may be stale or forged.
 */
import { isGuid, isResourceGroup, isVaultName } from '../azure/id-rules';
import type { JobCardActionData } from './job-card';

/** `sub/rg/vault/jobId` in lower case, as jobKeyString writes it; each segment by ARM's rules. */
function isJobKeyString(s: string): boolean {
  const [sub, rg, vault, job, ...more] = s.split('/');
  return more.length === 0 && s === s.toLowerCase() && isGuid(sub) && isResourceGroup(rg) && isVaultName(vault) && isGuid(job);
}

/** The button's data when it is one of ours, else undefined. Ids are still validated by the caller. */
export function parseCardAction(value: unknown): JobCardActionData | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  if (v.action !== 'refresh' && v.action !== 'untrack') return undefined;
  const { jobKey, jobId, vault } = v;
  if (typeof jobKey !== 'string' || typeof jobId !== 'string' || typeof vault !== 'string') return undefined;
  if (!isJobKeyString(jobKey) || !isGuid(jobId) || vault.length > 150) return undefined;
  if (!jobKey.endsWith(`/${jobId.toLowerCase()}`)) return undefined;
  return { action: v.action, jobKey, jobId, vault };
}
