import { t } from '../cards/i18n';
import { vaultLabel } from './resolve';
import type { CommandDefinition } from './types';
import { watchTarget } from './watch-target';

const PATTERN = /^(?:watching|watches)$/i;

export interface WatchingCommand {
  readonly kind: 'watching';
}

export const watchingCommand: CommandDefinition<WatchingCommand> = {
  kind: 'watching',
  words: ['watching', 'watches'],
  examples: ['watching', 'watches'],
  help: 'help.watching',
  needsVault: false,
  manifest: { title: 'watching', description: 'command.watching', listed: false },
  match: (text) => (PATTERN.test(text) ? { kind: 'watching' } : undefined),
  async handle(_cmd, ctx) {
    const { locale } = ctx;
    const watches = await ctx.watches.list(watchTarget(ctx.subscriber).conversationId);
    if (watches.length === 0) {
      await ctx.reply.text(t(locale, 'watch.listEmpty'));
      return;
    }
    const items = watches.map((w) =>
      t(locale, 'watch.listItem', {
        vault: vaultLabel(w.vault),
        mode: t(locale, `watch.mode.${w.mode}`),
        name: w.setBy.name || w.setBy.id,
      }),
    );
    await ctx.reply.text(t(locale, 'watch.list', { watches: items.join(t(locale, 'list.separator')) }));
  },
};
