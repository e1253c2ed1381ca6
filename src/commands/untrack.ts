import { t } from '../cards/i18n';
import { MAX_REFS_PER_MESSAGE, splitRefs } from './args';
import { resolveJob, vaultLabel } from './resolve';
import type { CommandDefinition } from './types';

const PATTERN = /^(?:untrack|stop\s+tracking)(?:\s+jobs?)?(?:\s+(.+))?$/i;

export const untrackCommand: CommandDefinition<'untrack'> = {
  kind: 'untrack',
  match(text) {
    const m = PATTERN.exec(text);
    if (!m) return undefined;
    const { refs, vault } = splitRefs(m[1]);
    return vault === undefined ? { kind: 'untrack', jobs: refs } : { kind: 'untrack', jobs: refs, vault };
  },
  async handle(cmd, ctx) {
    const { locale } = ctx;
    if (cmd.jobs.length === 0) {
      await ctx.reply.text(t(locale, 'untrack.missingJob'));
      return;
    }
    for (const ref of cmd.jobs.slice(0, MAX_REFS_PER_MESSAGE)) {
      const resolved = resolveJob(ref, cmd.vault, ctx.allowList, locale);
      if (!resolved.ok) {
        await ctx.reply.text(resolved.message);
        continue;
      }
      const key = resolved.value;
      const removed = await ctx.tracker.untrack(key, ctx.subscriber.conversationId);
      const params = { jobId: key.jobId, vault: vaultLabel(key.vault) };
      await ctx.reply.text(t(locale, removed ? 'untrack.done' : 'untrack.notTracked', params));
    }
  },
};
