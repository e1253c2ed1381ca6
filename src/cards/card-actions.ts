/**
 * Reads what a card button sent back (`activity.value` of an Action.Submit), so the bot never
 * trusts its shape: it comes from the client and may be stale or forged. A zod schema beside the
 * template that writes the data (job.json); anything else is not one of our buttons.
 */
import { z } from 'zod';
import { isGuid, isItemName, isResourceGroup, isVaultName } from '../azure/id-rules';
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

const ticket = z.string().min(10).max(200);
const jobKey = z.string().max(300).refine(isJobKeyString, { message: 'not a job key' });

/**
 * The `data` of the Confirm buttons (Action.Execute, `adaptiveCard/action` invokes): job.json writes
 * cancelJob and backupAgain, action-confirm.json backupItem, cancelJob (from the command) and dismiss.
 */
export const executeDataSchema = z.discriminatedUnion('action', [
  z
    .object({ action: z.literal('cancelJob'), jobKey, jobId: z.string().refine(isGuid), ticket })
    .refine((v) => v.jobKey.endsWith(`/${v.jobId.toLowerCase()}`)),
  z
    .object({ action: z.literal('backupAgain'), jobKey, jobId: z.string().refine(isGuid), ticket })
    .refine((v) => v.jobKey.endsWith(`/${v.jobId.toLowerCase()}`)),
  z.object({
    action: z.literal('backupItem'),
    vaultKey: z
      .string()
      .max(200)
      .refine((s) => isJobKeyString(`${s}/00000000-0000-0000-0000-000000000000`)),
    container: z.string().refine(isItemName),
    item: z.string().refine(isItemName),
    ticket,
  }),
  z.object({ action: z.literal('dismiss') }),
]);
export type ExecuteData = z.infer<typeof executeDataSchema>;

/** `activity.value` of an `adaptiveCard/action` invoke; Teams adds `authentication` once the user signed in (SSO). */
const invokeSchema = z.object({
  action: z.object({ type: z.literal('Action.Execute'), verb: z.string().max(40).optional(), data: z.unknown() }),
  authentication: z
    .object({ id: z.string().max(200).optional(), connectionName: z.string().max(200).optional(), token: z.string().min(1).max(16_000) })
    .optional(),
  trigger: z.string().max(40).optional(),
  /** After a sign-in through the link (no SSO), Teams re-sends the press with the token service's magic code. */
  state: z
    .string()
    .regex(/^[\w-]{1,64}$/)
    .optional(),
});

/** The press, when it is one of ours; `token` is the user's SSO token when Teams sent one. */
export function parseExecuteInvoke(value: unknown): { data: ExecuteData; token?: string; state?: string } | undefined {
  const invoke = invokeSchema.safeParse(value);
  if (!invoke.success) return undefined;
  const data = executeDataSchema.safeParse(invoke.data.action.data);
  if (!data.success) return undefined;
  const token = invoke.data.authentication?.token;
  const state = invoke.data.state;
  return { data: data.data, ...(token === undefined ? {} : { token }), ...(state === undefined ? {} : { state }) };
}
