/**
 * `backup <item> [in <vault>]`: the on-demand backup of a protected item by its name, confirmed,
 * then run with the user's own Azure rights and tracked to its end (JobActions, backupItem).
 */
import { armFailureOf } from '../azure/arm-failure';
import { vaultKeyString } from '../azure/ids';
import { itemsNamed, type ProtectedItem } from '../azure/protected-items';
import { buildConfirmCard } from '../cards/action-cards';
import { t } from '../cards/i18n';
import { splitRefs } from './args';
import { echo, resolveVault, vaultLabel } from './resolve';
import type { CommandDefinition } from './types';
import { armFailureText } from './views';

const PATTERN = /^back\s?up(?:\s+(\S.*))?$/i;
/** The kinds of item Backups_Trigger serves from the bot: Azure VMs, SQL in a VM, file shares. */
const ITEM_TYPES = ['AzureIaasVM', 'AzureWorkload', 'AzureStorage'] as const;

export interface BackupItemCommand {
  readonly kind: 'backupItem';
  readonly item?: string;
  readonly vault?: string;
}

export const backupItemCommand: CommandDefinition<BackupItemCommand> = {
  kind: 'backupItem',
  words: ['backup'],
  examples: ['backup vm-web-01', 'backup vm-web-01 in vault-prod', 'back up salesdb', 'backup'],
  help: 'help.backup',
  needsVault: true,
  manifest: { title: 'backup', description: 'command.backup' },
  match(text) {
    const m = PATTERN.exec(text);
    if (!m) return undefined;
    const { refs, vault } = splitRefs(m[1]);
    return { kind: 'backupItem', ...(refs[0] === undefined ? {} : { item: refs[0] }), ...(vault === undefined ? {} : { vault }) };
  },
  async handle(cmd, ctx) {
    const { locale } = ctx;
    if (ctx.actions?.mode !== 'sso') {
      await ctx.reply.text(t(locale, 'action.off'));
      return;
    }
    if (cmd.item === undefined) {
      await ctx.reply.text(t(locale, 'backup.missingItem'));
      return;
    }
    const vault = resolveVault(cmd.vault, ctx.allowList, locale);
    if (!vault.ok) {
      await ctx.reply.text(vault.message);
      return;
    }
    const items: ProtectedItem[] = [];
    try {
      for (const type of ITEM_TYPES) items.push(...(await ctx.actions.o.listItems(vault.value, type)));
    } catch (err) {
      const f = armFailureOf(err);
      if (!f) throw err;
      await ctx.reply.text(armFailureText(f, { vault: vault.value }, locale));
      return;
    }
    const found = itemsNamed(cmd.item, items);
    const params = { item: echo(cmd.item), vault: vaultLabel(vault.value) };
    if (found.length !== 1) {
      await ctx.reply.text(t(locale, found.length === 0 ? 'backup.noMatch' : 'backup.ambiguous', { ...params, count: found.length }));
      return;
    }
    const item = found[0];
    const vaultKey = vaultKeyString(vault.value);
    const ticket = ctx.actions.ticketFor(`backupItem|${vaultKey}|${item.containerName}|${item.name}`, ctx.conversationId)!;
    const question = t(locale, 'action.backupItemQuestion', { entity: item.friendlyName, vault: params.vault });
    await ctx.reply.card(
      buildConfirmCard(question, { action: 'backupItem', vaultKey, container: item.containerName, item: item.name }, ticket, locale),
    );
  },
};
