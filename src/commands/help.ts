import { buildHelpCard } from '../cards/static-cards';
import type { MessageId } from '../cards/i18n';
import { noVaultText, vaultLabel } from './resolve';
import type { CommandDefinition } from './types';

const PATTERN = /^(?:help|\?|commands)$/i;

export interface HelpCommand {
  readonly kind: 'help';
}

/**
 * Help lists every registered command, itself included, so the registry hands it its lines
 * (`lines` is read at answer time, when the registry is complete).
 */
export function helpCommand(lines: () => readonly MessageId[]): CommandDefinition<HelpCommand> {
  return {
    kind: 'help',
    words: ['help'],
    examples: ['help', '?', 'commands'],
    help: 'help.help',
    needsVault: false,
    manifest: { title: 'help', description: 'command.help' },
    match: (text) => (PATTERN.test(text) ? { kind: 'help' } : undefined),
    async handle(_cmd, ctx) {
      const vaults = ctx.allowList.vaults.map(vaultLabel);
      const noVaults = noVaultText(ctx.allowList, ctx.locale);
      await ctx.reply.card(buildHelpCard(ctx.locale, { lines: lines(), vaults, noVaultsText: noVaults }));
    },
  };
}
