import { t } from '../cards/i18n';
import { buildTrackingListCard } from '../cards/list-cards';
import type { CommandDefinition } from './types';

const PATTERN = /^(?:tracking|list)$/i;

export const trackingCommand: CommandDefinition<'tracking'> = {
  kind: 'tracking',
  match: (text) => (PATTERN.test(text) ? { kind: 'tracking' } : undefined),
  async handle(_cmd, ctx) {
    const entries = await ctx.tracker.listForConversation(ctx.subscriber.conversationId);
    if (entries.length === 0) {
      await ctx.reply.text(t(ctx.locale, 'tracking.empty'));
      return;
    }
    await ctx.reply.card(buildTrackingListCard(entries, { locale: ctx.locale, timeZone: ctx.timeZone, now: ctx.clock.now() }));
  },
};
