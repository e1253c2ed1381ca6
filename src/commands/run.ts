/** Routes a parsed command (through the registry) or a card button to its handler. */
import { t } from '../cards/i18n';
import { handleCardAction } from './card-action';
import { findCommand, type ParsedCommand } from './registry';
import { noVaultText } from './resolve';
import type { CardAction, CommandContext } from './types';

export async function runCommand(cmd: ParsedCommand, ctx: CommandContext): Promise<void> {
  if (cmd.kind === 'empty') return ctx.reply.text(t(ctx.locale, 'unknown.empty'));
  if (cmd.kind === 'unknown') return ctx.reply.text(t(ctx.locale, 'unknown.command', { text: cmd.text, command: cmd.suggestion }));
  const command = findCommand(cmd.kind);
  // Every other kind was produced by a registered command's match().
  if (!command) throw new Error(`no command registered for kind ${cmd.kind}`);
  // The access policy gives this conversation no vault: one clear answer instead of a failed lookup.
  if (command.needsVault && ctx.allowList.vaults.length === 0) return ctx.reply.text(noVaultText(ctx.allowList, ctx.locale));
  return command.handle(cmd, ctx);
}

export async function runCardAction(action: CardAction, ctx: CommandContext): Promise<void> {
  if (ctx.allowList.vaults.length === 0) return ctx.reply.text(noVaultText(ctx.allowList, ctx.locale));
  return handleCardAction(action, ctx);
}
