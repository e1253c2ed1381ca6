import { buildHelpCard } from '../cards/static-cards';
import { vaultLabel } from './resolve';
import type { CommandDefinition } from './types';

const PATTERN = /^(?:help|\?|commands)$/i;

export const helpCommand: CommandDefinition<'help'> = {
  kind: 'help',
  match: (text) => (PATTERN.test(text) ? { kind: 'help' } : undefined),
  async handle(_cmd, ctx) {
    await ctx.reply.card(buildHelpCard(ctx.locale, { vaults: ctx.allowList.vaults.map(vaultLabel) }));
  },
};
