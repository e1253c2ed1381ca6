import { t } from '../cards/i18n';
import { allowedLabels, noVaultText, vaultLabel } from './resolve';
import type { CommandDefinition } from './types';

const PATTERN = /^vaults?$/i;

export interface VaultsCommand {
  readonly kind: 'vaults';
}

/** `vaults`: the vaults this conversation may use (BACKUP_VAULTS as the access policy narrows it), default first. */
export const vaultsCommand: CommandDefinition<VaultsCommand> = {
  kind: 'vaults',
  words: ['vaults'],
  examples: ['vaults', 'vault'],
  help: 'help.vaultsCommand',
  needsVault: false,
  manifest: { title: 'vaults', description: 'command.vaults', listed: false },
  match: (text) => (PATTERN.test(text) ? { kind: 'vaults' } : undefined),
  async handle(_cmd, ctx) {
    const first = ctx.allowList.vaults[0];
    if (!first) {
      await ctx.reply.text(noVaultText(ctx.allowList, ctx.locale));
      return;
    }
    await ctx.reply.text(t(ctx.locale, 'vaults.list', { vaults: allowedLabels(ctx.allowList, ctx.locale), default: vaultLabel(first) }));
  },
};
