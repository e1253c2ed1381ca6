import { t } from '../cards/i18n';
import type { WatchMode } from '../domain/watch';
import { echo, resolveVault, vaultLabel } from './resolve';
import type { CommandContext, CommandDefinition } from './types';
import { watchTarget } from './watch-target';

const PATTERN = /^watch(?:\s+(\S+))?(?:\s+in\s+(\S+))?$/i;
const MODES: Readonly<Record<string, WatchMode>> = {
  failures: 'failures',
  failure: 'failures',
  failed: 'failures',
  all: 'all',
  everything: 'all',
};

export interface WatchCommand {
  readonly kind: 'watch';
  /** As typed; checked in the handler, so a wrong word gets an answer rather than "did you mean". */
  readonly mode?: string;
  readonly vault?: string;
}

/** "‹name›" of the person who changed a watch, as the channel is told. */
export function changedBy(ctx: CommandContext): string {
  return ctx.subscriber.requester.name || ctx.subscriber.requester.id;
}

export const watchCommand: CommandDefinition<WatchCommand> = {
  kind: 'watch',
  words: ['watch'],
  examples: ['watch', 'watch failures', 'watch all in vault-prod', 'watch in rg-backup/vault-prod', 'WATCH Failures'],
  help: 'help.watch',
  needsVault: true,
  manifest: {
    title: 'watch',
    description: 'command.watch',
  },
  match(text) {
    const m = PATTERN.exec(text);
    if (!m) return undefined;
    // `watch in vault` reads "in" as the mode word without this.
    const mode = m[1] !== undefined && m[1].toLowerCase() !== 'in' ? m[1] : undefined;
    return { kind: 'watch', ...(mode !== undefined ? { mode } : {}), ...(m[2] !== undefined ? { vault: m[2] } : {}) };
  },
  async handle(cmd, ctx) {
    const { locale } = ctx;
    const mode = cmd.mode === undefined ? 'failures' : MODES[cmd.mode.toLowerCase()];
    if (mode === undefined) {
      await ctx.reply.text(t(locale, 'watch.badMode', { input: echo(cmd.mode ?? '') }));
      return;
    }
    const vault = resolveVault(cmd.vault, ctx.allowList, locale);
    if (!vault.ok) {
      await ctx.reply.text(vault.message);
      return;
    }
    const target = watchTarget(ctx.subscriber);
    const result = await ctx.watches.set({
      ...target,
      vault: vault.value,
      mode,
      setBy: ctx.subscriber.requester,
      ...(ctx.locale !== undefined ? { locale: ctx.locale } : {}),
      ...(ctx.timeZone !== undefined ? { timeZone: ctx.timeZone } : {}),
      ...(ctx.subscriber.teamId !== undefined ? { teamId: ctx.subscriber.teamId } : {}),
    });
    if (result === 'capped') {
      await ctx.reply.text(t(locale, 'watch.capped', { limit: ctx.watches.limits.watchesPerConversation }));
      return;
    }
    const params = { name: changedBy(ctx), vault: vaultLabel(vault.value), mode: t(locale, `watch.mode.${mode}`) };
    // The watch is the channel's: its change is a new post in the channel, not a reply in this thread.
    await ctx.reply.announce(t(locale, result === 'created' ? 'watch.set.created' : 'watch.set.updated', params));
  },
};
