/**
 * Reads what a card button sent back (`activity.value` of an Action.Submit), so the bot never
 * trusts its shape: it comes from the client and may be stale or forged. A zod schema beside the
 * template that writes the data (job.json); anything else is not one of our buttons.
 */
import { z } from 'zod';
import { isGuid, isResourceGroup, isVaultName } from '../azure/id-rules';
import type { JobCardActionData } from './job-card';

/** `sub/rg/vault/jobId` in lower case, as jobKeyString writes it; each segment by ARM's rules. */
function isJobKeyString(s: string): boolean {
  const [sub, rg, vault, job, ...more] = s.split('/');
  return more.length === 0 && s === s.toLowerCase() && isGuid(sub) && isResourceGroup(rg) && isVaultName(vault) && isGuid(job);
}

/** The data of the Refresh and Stop tracking buttons; the job id must be the one the key ends in. */
export const cardActionSchema = z
  .object({
    action: z.enum(['refresh', 'untrack']),
    jobKey: z.string().max(300).refine(isJobKeyString, { message: 'not a job key' }),
    jobId: z.string().refine(isGuid, { message: 'not a GUID' }),
    vault: z.string().max(150),
  })
  .refine((v) => v.jobKey.endsWith(`/${v.jobId.toLowerCase()}`), { message: 'the job id is not the one in the job key' });

/** The button's data when it is one of ours, else undefined. Ids are still resolved against the allowed vaults by the caller. */
export function parseCardAction(value: unknown): JobCardActionData | undefined {
  const parsed = cardActionSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
