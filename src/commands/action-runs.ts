/**
 * The three actions once every check passed (job-actions.ts): read on the bot's identity, write
 * with the user's token, tell what happened. A triggered backup is followed in the background to
 * its job, which is then tracked in the same thread for the person who pressed.
 */
import { armFailureOf } from '../azure/arm-failure';
import { ArmError } from '../azure/errors';
import { jobKeyString, vaultKeyString } from '../azure/ids';
import { itemForJob, type ProtectedItem } from '../azure/protected-items';
import type { TriggeredBackup } from '../azure/arm-items';
import { t } from '../cards/i18n';
import { entityName, jobStatusLabel, operationName } from '../cards/job-view';
import { escapeMarkdown as md } from '../cards/markdown';
import type { BackupJob, JobKey, VaultId } from '../domain/job';
import { visibleDigest } from '../tracker/visible';
import type { ExecuteData } from '../cards/card-actions';
import type { ActionAnswer, RunContext } from './job-actions';
import { resolveCardJob, vaultLabel } from './resolve';
import { armFailureText, jobCard } from './views';

const RETRIABLE = new Set(['Failed', 'CompletedWithWarnings']);

export async function runCancel(run: RunContext, jobKey: string, jobId: string): Promise<ActionAnswer> {
  const { ctx } = run;
  const loaded = await loadActionJob(run, jobKey, jobId);
  if ('kind' in loaded) return loaded;
  const { key, job, params } = loaded;
  if (!(job.status === 'InProgress' && job.isCancellable)) {
    run.audit('cancel', key.jobId, key.vault, `not cancellable: ${job.rawStatus}`);
    return say(t(ctx.locale, 'action.notCancellable', params));
  }
  const budget = run.actions.takeWrite(key.vault, ctx.locale);
  if (!budget.ok) return say(budget.text);
  try {
    await run.arm.cancelJob(key);
  } catch (err) {
    return writeFailed(run, err, 'cancel', key.jobId, key.vault);
  }
  run.audit('cancel', key.jobId, key.vault, 'accepted');
  await run.actions.remember(ctx.conversationId, key, { kind: 'cancelled', name: run.user.name, at: ctx.clock.now() });
  // The card as Azure now reports it (Cancelling), with who asked; the tracker carries it to Cancelled.
  const after = await readJob(run, key);
  return { kind: 'card', card: await cardFor(run, 'kind' in after ? job : after, key) };
}

export async function runBackupAgain(run: RunContext, jobKey: string, jobId: string): Promise<ActionAnswer> {
  const { ctx } = run;
  const loaded = await loadActionJob(run, jobKey, jobId);
  if ('kind' in loaded) return loaded;
  const { key, job, params } = loaded;
  if (!(RETRIABLE.has(job.status) && job.operation === 'Backup')) {
    run.audit('backupAgain', key.jobId, key.vault, `not retriable: ${job.rawStatus}`);
    return say(t(ctx.locale, 'action.notRetriable', params));
  }
  let items: ProtectedItem[] = [];
  if (job.backupManagementType !== undefined) {
    try {
      items = await run.actions.o.listItems(key.vault, job.backupManagementType);
    } catch (err) {
      return say(readFailure(run, err, key.vault, key.jobId));
    }
  }
  const match = itemForJob(job, key.vault, items);
  if (!match.ok) {
    run.audit('backupAgain', key.jobId, key.vault, `no single item (${match.candidates})`);
    return say(t(ctx.locale, 'action.noItem', { ...params, count: match.candidates }));
  }
  const started = await startBackup(run, match.item);
  if (started !== undefined) return started;
  await run.actions.remember(ctx.conversationId, key, { kind: 'backupStarted', name: run.user.name, at: ctx.clock.now() });
  return { kind: 'card', card: await cardFor(run, job, key) };
}

export async function runBackupItem(run: RunContext, vaultKey: string, container: string, itemName: string): Promise<ActionAnswer> {
  const { ctx } = run;
  const vault = ctx.allowList.vaults.find((v) => vaultKeyString(v) === vaultKey.toLowerCase());
  if (!vault) return notAllowed(run, `${vaultKey}/`);
  let items: ProtectedItem[];
  try {
    items = await run.actions.o.listItems(vault, itemBackupType(container));
  } catch (err) {
    return say(readFailure(run, err, vault));
  }
  const item = items.find(
    (i) => i.containerName.toLowerCase() === container.toLowerCase() && i.name.toLowerCase() === itemName.toLowerCase(),
  );
  if (!item) return say(t(ctx.locale, 'backup.noMatch', { item: itemName, vault: vaultLabel(vault) }));
  const failed = await startBackup(run, item);
  if (failed) return failed;
  // Everyone in the thread sees who started it; the presser also gets it as the button's answer.
  const text = t(ctx.locale, 'action.backupStarted', startedParams(run, item));
  await ctx.reply.text(text);
  return say(text);
}

/** The backupManagementType a container name belongs to (the `backup` command's item list is filtered by it). */
export function itemBackupType(container: string): string {
  const kind = container.split(';')[0].toLowerCase();
  return kind === 'vmappcontainer' ? 'AzureWorkload' : kind === 'storagecontainer' ? 'AzureStorage' : 'AzureIaasVM';
}

/** Triggers the backup with the user's token and follows it in the background; an answer only when it failed. */
async function startBackup(run: RunContext, item: ProtectedItem): Promise<ActionAnswer | undefined> {
  const { ctx } = run;
  const budget = run.actions.takeWrite(item.vault, ctx.locale);
  if (!budget.ok) return say(budget.text);
  let triggered: TriggeredBackup;
  try {
    triggered = await run.arm.triggerBackup(item);
  } catch (err) {
    return writeFailed(run, err, 'backup', item.name, item.vault);
  }
  run.audit('backup', item.name, item.vault, `accepted, operation ${triggered.ref.operationId}`);
  ctx.background('follow triggered backup', (signal) => followBackup(run, item, triggered, signal));
  return undefined;
}

function startedParams(run: RunContext, item: ProtectedItem): Record<string, string> {
  return { name: run.user.name, entity: item.friendlyName, vault: vaultLabel(item.vault) };
}

/** Operation → job id (reads on the bot's identity), then the job is tracked here like `track job`. */
async function followBackup(run: RunContext, item: ProtectedItem, triggered: TriggeredBackup, signal: AbortSignal): Promise<void> {
  const { ctx } = run;
  const { ref } = triggered;
  const pollMs = run.actions.o.operationPollMs ?? 5_000;
  const maxPolls = run.actions.o.maxOperationPolls ?? 120;
  // Azure's Retry-After (on the 202 and on each read of a running operation) says when to look
  // again; without one, the first read is at once and then every pollMs.
  if (triggered.retryAfterMs !== undefined) await ctx.clock.sleep(operationWait(triggered.retryAfterMs), signal);
  let waitMs = pollMs;
  for (let poll = 0; poll < maxPolls && !signal.aborted; poll++) {
    let jobId: string | undefined;
    waitMs = pollMs;
    try {
      const read = await ctx.api.getOperationStatus(item.vault, ref, { signal });
      const status = read.value;
      if (read.meta.retryAfterMs !== undefined) waitMs = operationWait(read.meta.retryAfterMs);
      if (status.state === 'Failed' || status.state === 'Canceled') {
        run.audit('backup', item.name, item.vault, `operation ${status.state}`);
        await ctx.later.text(
          t(ctx.locale, 'action.failed', { vault: vaultLabel(item.vault), message: status.error?.message ?? status.state }),
        );
        return;
      }
      jobId = status.state === 'Succeeded' ? status.jobIds[0] : undefined;
      if (status.state === 'Succeeded' && jobId === undefined) break;
    } catch (err) {
      if (!(err instanceof ArmError) || !err.retryable) {
        await ctx.later.text(readFailure(run, err, item.vault));
        return;
      }
    }
    if (jobId !== undefined) {
      run.audit('backup', item.name, item.vault, `job ${jobId}`);
      await trackNewJob(run, { vault: item.vault, jobId });
      return;
    }
    await ctx.clock.sleep(waitMs, signal);
  }
  if (!signal.aborted)
    await ctx.later.text(t(ctx.locale, 'action.backupNoJob', { entity: item.friendlyName, vault: vaultLabel(item.vault) }));
}

async function trackNewJob(run: RunContext, key: JobKey): Promise<void> {
  const { ctx } = run;
  const outcome = await ctx.tracker.track(key, ctx.subscriber);
  if (!outcome.ok) {
    if (outcome.error !== 'capped')
      await ctx.later.text(armFailureText({ kind: outcome.error, message: outcome.message }, key, ctx.locale));
    return;
  }
  const card = jobCard(outcome.job, key, {
    locale: ctx.locale,
    timeZone: ctx.timeZone,
    now: ctx.clock.now(),
    portalUrl: ctx.portalUrl,
    tracking: !outcome.finished,
    actions: await run.actions.view(outcome.job, key, ctx.conversationId),
  });
  const id = await ctx.later.card(card);
  if (id !== undefined && !outcome.finished) {
    await ctx.tracker.recordCard(jobKeyString(key), ctx.conversationId, id, visibleDigest(outcome.job));
  }
}

/**
 * The job's card after an action, for the invoke answer (which Teams shows the presser). The card
 * the tracker keeps current in this conversation is updated too, so everyone there sees who acted.
 */
async function cardFor(run: RunContext, job: BackupJob, key: JobKey): Promise<ReturnType<typeof jobCard>> {
  const { ctx } = run;
  const conversationId = ctx.conversationId;
  const entry = (await ctx.tracker.listForConversation(conversationId)).find((e) => e.jobKey === jobKeyString(key));
  const card = jobCard(job, key, {
    locale: ctx.locale,
    timeZone: ctx.timeZone,
    now: ctx.clock.now(),
    portalUrl: ctx.portalUrl,
    tracking: entry !== undefined,
    actions: await run.actions.view(job, key, conversationId),
  });
  const stored = entry?.subscriber.cardActivityId;
  if (stored !== undefined) {
    await ctx.reply.updateCard(stored, card);
    await ctx.tracker.recordCard(jobKeyString(key), conversationId, stored, visibleDigest(job));
  }
  return card;
}

/** The prelude of every action on a card's job: the job is in this conversation's vaults, and Azure returns it now. */
async function loadActionJob(
  run: RunContext,
  jobKey: string,
  jobId: string,
): Promise<{ key: JobKey; job: BackupJob; params: Record<string, string> } | ActionAnswer> {
  const key = resolveCardJob(jobKey, jobId, run.ctx.allowList);
  if (!key) return notAllowed(run, jobKey);
  const job = await readJob(run, key);
  if ('kind' in job) return job;
  return { key, job, params: jobParams(job, key, run.ctx.locale) };
}

async function readJob(run: RunContext, key: JobKey): Promise<BackupJob | ActionAnswer> {
  try {
    return (await run.ctx.api.getJob(key)).value;
  } catch (err) {
    return say(readFailure(run, err, key.vault, key.jobId));
  }
}

function readFailure(run: RunContext, err: unknown, vault: VaultId, jobId?: string): string {
  const f = armFailureOf(err);
  if (!f) throw err;
  return armFailureText(f, jobId === undefined ? { vault } : { vault, jobId }, run.ctx.locale);
}

/** Azure refused or failed the write: the user's own 403 says which role they need; never a retry on the bot's identity. */
function writeFailed(run: RunContext, err: unknown, action: 'cancel' | 'backup', target: string, vault: VaultId): ActionAnswer {
  const f = armFailureOf(err);
  if (!f) throw err;
  run.audit(action, target, vault, `${f.kind}${err instanceof ArmError && err.armCode ? ` ${err.armCode}` : ''}`);
  const { locale } = run.ctx;
  if (f.kind === 'forbidden')
    return say(t(locale, action === 'cancel' ? 'action.forbiddenCancel' : 'action.forbiddenBackup', { vault: vaultLabel(vault) }));
  if (f.kind === 'throttled') run.actions.onThrottled(vault, f.retryAfterMs);
  return say(t(locale, 'action.failed', { vault: vaultLabel(vault), message: f.message.slice(0, 300) }));
}

/**
 * The refusal when this conversation may not use the press's vault (ACCESS_POLICY, which may have
 * narrowed since the button was drawn); checked before anything is asked of the token service,
 * Entra or ARM.
 */
export function outsidePolicy(
  run: Pick<RunContext, 'ctx' | 'audit'>,
  data: Exclude<ExecuteData, { action: 'dismiss' }>,
): ActionAnswer | undefined {
  const { allowList } = run.ctx;
  if (data.action === 'backupItem') {
    const vaultKey = data.vaultKey.toLowerCase();
    return allowList.vaults.some((v) => vaultKeyString(v) === vaultKey) ? undefined : notAllowed(run, `${data.vaultKey}/`);
  }
  return resolveCardJob(data.jobKey, data.jobId, allowList) ? undefined : notAllowed(run, data.jobKey);
}

function notAllowed(run: Pick<RunContext, 'ctx' | 'audit'>, jobKey: string): ActionAnswer {
  const [, resourceGroup, vaultName] = jobKey.split('/');
  run.audit(
    'refused',
    jobKey,
    { subscriptionId: '', resourceGroup: resourceGroup ?? '', vaultName: vaultName ?? '' },
    'vault not allowed here',
  );
  return say(
    t(run.ctx.locale, 'error.vaultNotAllowed', {
      vault: `${resourceGroup}/${vaultName}`,
      allowed: run.ctx.allowList.vaults.map(vaultLabel).join(t(run.ctx.locale, 'list.separator')),
    }),
  );
}

function jobParams(job: BackupJob, key: JobKey, locale: string | undefined): Record<string, string> {
  return {
    entity: entityName(job, locale),
    operation: operationName(job, locale),
    status: md(jobStatusLabel(job, locale)),
    vault: vaultLabel(key.vault),
  };
}

function say(text: string): ActionAnswer {
  return { kind: 'message', text };
}

/** Azure's Retry-After, within 1 s and 60 s: never a busy loop, never a backup left unfollowed for long. */
function operationWait(ms: number): number {
  return Math.min(Math.max(ms, 1_000), 60_000);
}
