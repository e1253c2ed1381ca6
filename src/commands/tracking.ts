import { t } from '../cards/i18n';
import { buildTrackingListCard } from '../cards/list-cards';
import type { CommandDefinition } from './types';

const PATTERN = /^(?:tracking|list)$/i;

export interface TrackingCommand {
  readonly kind: 'tracking';
}

export const trackingCommand: CommandDefinition<TrackingCommand> = {
  kind: 'tracking',
  words: ['tracking', 'list'],
  examples: ['tracking', 'list'],
  help: 'help.tracking',
  needsVault: false,
  manifest: { title: 'tracking', description: 'command.tracking' },
  match: (text) => (PATTERN.test(text) ? { kind: 'tracking' } : undefined),
  async handle(_cmd, ctx) {
    const entries = await ctx.tracker.listForConversation(ctx.conversationId);
    if (entries.length === 0) {
      await ctx.reply.text(t(ctx.locale, 'tracking.empty'));
      return;
    }
    await ctx.reply.card(buildTrackingListCard(entries, { locale: ctx.locale, timeZone: ctx.timeZone, now: ctx.clock.now() }));
  },
};
