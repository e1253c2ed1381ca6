/** Routes a parsed command (through the registry) or a card button to its handler. */
import { t } from '../cards/i18n';
import { METRICS, telemetry } from '../core/telemetry';
import { handleCardAction } from './card-action';
import { findCommand, type ParsedCommand } from './registry';
import { noVaultText } from './resolve';
import type { CardAction, CommandContext } from './types';

/** One span per command (its ARM calls and replies are children) and a count by name and outcome (ok, error). */
export function runCommand(cmd: ParsedCommand, ctx: CommandContext): Promise<void> {
  return measured(cmd.kind, () => dispatch(cmd, ctx));
}

export function runCardAction(action: CardAction, ctx: CommandContext): Promise<void> {
  return measured(`button ${action.action}`, async () => {
    if (ctx.allowList.vaults.length === 0) return ctx.reply.text(noVaultText(ctx.allowList, ctx.locale));
    return handleCardAction(action, ctx);
  });
}

async function measured(name: string, fn: () => Promise<void>): Promise<void> {
  const commands = telemetry().counter(METRICS.commands, 'Commands and buttons by name and outcome');
  try {
    await telemetry().span(`command ${name}`, { 'command.name': name }, fn);
    commands.add(1, { command: name, outcome: 'ok' });
  } catch (err) {
    commands.add(1, { command: name, outcome: 'error' });
    throw err;
  }
}

async function dispatch(cmd: ParsedCommand, ctx: CommandContext): Promise<void> {
  if (cmd.kind === 'empty') return ctx.reply.text(t(ctx.locale, 'unknown.empty'));
  if (cmd.kind === 'unknown') return ctx.reply.text(t(ctx.locale, 'unknown.command', { text: cmd.text, command: cmd.suggestion }));
  const command = findCommand(cmd.kind);
  // Every other kind was produced by a registered command's match().
  if (!command) throw new Error(`no command registered for kind ${cmd.kind}`);
  // The access policy gives this conversation no vault: one clear answer instead of a failed lookup.
  if (command.needsVault && ctx.allowList.vaults.length === 0) return ctx.reply.text(noVaultText(ctx.allowList, ctx.locale));
  return command.handle(cmd, ctx);
}
