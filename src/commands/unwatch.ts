import { t } from '../cards/i18n';
import { resolveVault, vaultLabel } from './resolve';
import type { CommandDefinition } from './types';
import { changedBy } from './watch';
import { watchTarget } from './watch-target';

const PATTERN = /^(?:unwatch|stop\s+watching)(?:\s+in)?(?:\s+(\S+))?$/i;

export interface UnwatchCommand {
  readonly kind: 'unwatch';
  readonly vault?: string;
}

export const unwatchCommand: CommandDefinition<UnwatchCommand> = {
  kind: 'unwatch',
  words: ['unwatch', 'stop watching'],
  examples: ['unwatch', 'unwatch in vault-prod', 'stop watching rg-backup/vault-prod'],
  help: 'help.unwatch',
  needsVault: true,
  manifest: { title: 'unwatch', description: 'command.unwatch', listed: false },
  match(text) {
    const m = PATTERN.exec(text);
    if (!m) return undefined;
    return m[1] === undefined ? { kind: 'unwatch' } : { kind: 'unwatch', vault: m[1] };
  },
  async handle(cmd, ctx) {
    const vault = resolveVault(cmd.vault, ctx.allowList, ctx.locale);
    if (!vault.ok) {
      await ctx.reply.text(vault.message);
      return;
    }
    const removed = await ctx.watches.remove(watchTarget(ctx.subscriber).conversationId, vault.value);
    const label = vaultLabel(vault.value);
    // A change is posted in the channel itself (as `watch` does); "not watching" answers in the thread.
    if (removed) await ctx.reply.announce(t(ctx.locale, 'watch.removed', { name: changedBy(ctx), vault: label }));
    else await ctx.reply.text(t(ctx.locale, 'watch.notWatching', { vault: label }));
  },
};
