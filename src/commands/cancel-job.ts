/**
 * `cancel job <job> [in <vault>]`: asks to confirm, then cancels with the user's own Azure rights
 * (the Confirm button is an Action.Execute handled by JobActions, like the card's Cancel).
 */
import { jobKeyString } from '../azure/ids';
import { buildConfirmCard } from '../cards/action-cards';
import { t } from '../cards/i18n';
import { entityName, operationName } from '../cards/job-view';
import { escapeMarkdown as md } from '../cards/markdown';
import { armFailureOf } from '../azure/arm-failure';
import { splitRefs } from './args';
import { resolveJob, vaultLabel } from './resolve';
import type { CommandDefinition } from './types';
import { armFailureText } from './views';

const PATTERN = /^cancel\s+job(?:\s+(\S.*))?$/i;

export interface CancelJobCommand {
  readonly kind: 'cancelJob';
  readonly job?: string;
  readonly vault?: string;
}

export const cancelJobCommand: CommandDefinition<CancelJobCommand> = {
  kind: 'cancelJob',
  words: ['cancel job'],
  examples: [
    'cancel job 3f2c9a4e-0000-4000-8000-000000000000',
    'cancel job 3f2c9a4e-0000-4000-8000-000000000000 in vault-prod',
    'cancel job',
  ],
  help: 'help.cancelJob',
  needsVault: true,
  manifest: { title: 'cancel job', description: 'command.cancelJob' },
  match(text) {
    const m = PATTERN.exec(text);
    if (!m) return undefined;
    const { refs, vault } = splitRefs(m[1]);
    return { kind: 'cancelJob', ...(refs[0] === undefined ? {} : { job: refs[0] }), ...(vault === undefined ? {} : { vault }) };
  },
  async handle(cmd, ctx) {
    const { locale } = ctx;
    const conversationId = ctx.conversationId;
    if (ctx.actions?.mode !== 'sso') {
      await ctx.reply.text(t(locale, 'action.off'));
      return;
    }
    if (cmd.job === undefined) {
      await ctx.reply.text(t(locale, 'cancel.missingJob'));
      return;
    }
    const resolved = resolveJob(cmd.job, cmd.vault, ctx.allowList, locale);
    if (!resolved.ok) {
      await ctx.reply.text(resolved.message);
      return;
    }
    const key = resolved.value;
    let job;
    try {
      job = (await ctx.api.getJob(key)).value;
    } catch (err) {
      const f = armFailureOf(err);
      if (!f) throw err;
      await ctx.reply.text(armFailureText(f, key, locale));
      return;
    }
    const params = { entity: entityName(job, locale), operation: operationName(job, locale), vault: vaultLabel(key.vault) };
    if (!(job.status === 'InProgress' && job.isCancellable)) {
      await ctx.reply.text(t(locale, 'action.notCancellable', { ...params, status: md(job.rawStatus) }));
      return;
    }
    const jobKey = jobKeyString(key);
    const ticket = ctx.actions.ticketFor(`cancelJob|${jobKey}`, conversationId)!;
    const question = t(locale, 'action.cancelJobQuestion', params);
    await ctx.reply.card(buildConfirmCard(question, { action: 'cancelJob', jobKey, jobId: key.jobId }, ticket, locale));
  },
};
