/**
 * Reads what a card button sent back (`activity.value` of an Action.Submit), so the bot never
 * trusts its shape: it comes from the client and may be stale or forged.
 */
import type { JobCardActionData } from './job-card';

const JOB_KEY = /^[0-9a-f-]{36}\/[^/\s]{1,90}\/[a-z][a-z0-9-]{1,49}\/[0-9a-f-]{36}$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The button's data when it is one of ours, else undefined. Ids are still validated by the caller. */
export function parseCardAction(value: unknown): JobCardActionData | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  if (v.action !== 'refresh' && v.action !== 'untrack') return undefined;
  const { jobKey, jobId, vault } = v;
  if (typeof jobKey !== 'string' || typeof jobId !== 'string' || typeof vault !== 'string') return undefined;
  if (!JOB_KEY.test(jobKey) || !GUID.test(jobId) || vault.length > 150) return undefined;
  if (!jobKey.endsWith(`/${jobId.toLowerCase()}`)) return undefined;
  return { action: v.action, jobKey, jobId, vault };
}
