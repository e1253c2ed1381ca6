/** Routes a parsed command or a card button to its handler. */
import { t } from '../cards/i18n';
import { handleCardAction } from './card-action';
import { helpCommand } from './help';
import { jobsCommand } from './jobs';
import { trackJobCommand } from './track-job';
import { trackOperationCommand } from './track-operation';
import { trackingCommand } from './tracking';
import type { CardAction, CommandContext, ParsedCommand } from './types';
import { untrackCommand } from './untrack';

export async function runCommand(cmd: ParsedCommand, ctx: CommandContext): Promise<void> {
  switch (cmd.kind) {
    case 'trackJob':
      return trackJobCommand.handle(cmd, ctx);
    case 'trackOperation':
      return trackOperationCommand.handle(cmd, ctx);
    case 'untrack':
      return untrackCommand.handle(cmd, ctx);
    case 'tracking':
      return trackingCommand.handle(cmd, ctx);
    case 'jobs':
      return jobsCommand.handle(cmd, ctx);
    case 'help':
      return helpCommand.handle(cmd, ctx);
    case 'empty':
      return ctx.reply.text(t(ctx.locale, 'unknown.empty'));
    case 'unknown':
      return ctx.reply.text(t(ctx.locale, 'unknown.command', { text: cmd.text, command: cmd.suggestion }));
  }
}

export async function runCardAction(action: CardAction, ctx: CommandContext): Promise<void> {
  return handleCardAction(action, ctx);
}
