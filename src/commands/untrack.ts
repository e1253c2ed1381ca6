import { t } from '../cards/i18n';
import { MAX_REFS_PER_MESSAGE, splitRefs } from './args';
import { resolveJob, vaultLabel } from './resolve';
import type { CommandDefinition } from './types';

const PATTERN = /^(?:untrack|stop\s+tracking)(?:\s+jobs?)?(?:\s+(\S.*))?$/i;

export interface UntrackCommand {
  readonly kind: 'untrack';
  readonly jobs: readonly string[];
  readonly vault?: string;
}

export const untrackCommand: CommandDefinition<UntrackCommand> = {
  kind: 'untrack',
  words: ['untrack', 'stop tracking'],
  examples: ['untrack 3f2c9a4e-0000-4000-8000-000000000000', 'stop tracking job 3f2c9a4e-0000-4000-8000-000000000000 in vault', 'untrack'],
  help: 'help.untrack',
  needsVault: true,
  manifest: { title: 'untrack', description: 'command.untrack' },
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
      const removed = await ctx.tracker.untrack(key, ctx.conversationId);
      const params = { jobId: key.jobId, vault: vaultLabel(key.vault) };
      await ctx.reply.text(t(locale, removed ? 'untrack.done' : 'untrack.notTracked', params));
    }
  },
};
