import { toArmFailure } from '../azure/arm-failure';
import { buildDigestCard } from '../cards/digest-card';
import { formatRelative } from '../cards/format';
import { t } from '../cards/i18n';
import type { VaultId } from '../domain/job';
import { readDigests } from '../tracker/digest-read';
import { isTimeZone, parseTimeOfDay } from '../tracker/digest-time';
import { echo, resolveVault, vaultLabel } from './resolve';
import type { CommandContext, CommandDefinition } from './types';
import { changedBy } from './watch';
import { watchTarget } from './watch-target';

const PATTERN = /^digest(?:\s+(\S+))?(?:\s+at\s+(\S+))?(?:\s+in\s+(\S+(?:\s+vaults)?))?$/i;
const ALL_VAULTS = /^all\s+vaults$/i;

export interface DigestCommand {
  readonly kind: 'digest';
  readonly action?: string;
  readonly at?: string;
  readonly vault?: string;
}

/** `in <vault>` → that vault; `in all vaults` → every vault of the conversation; nothing → `fallback`. */
function vaultsOf(
  cmd: DigestCommand,
  ctx: CommandContext,
  fallback: readonly VaultId[],
): { vaults: readonly VaultId[] } | { message: string } {
  if (cmd.vault !== undefined && ALL_VAULTS.test(cmd.vault)) return { vaults: ctx.allowList.vaults };
  if (cmd.vault === undefined && fallback.length > 0) return { vaults: fallback };
  const one = resolveVault(cmd.vault, ctx.allowList, ctx.locale);
  return one.ok ? { vaults: [one.value] } : { message: one.message };
}

function vaultsText(vaults: readonly VaultId[], ctx: CommandContext): string {
  if (vaults.length > 1 && vaults.length === ctx.allowList.vaults.length) return t(ctx.locale, 'digest.allVaults');
  return vaults.map(vaultLabel).join(t(ctx.locale, 'list.separator'));
}

export const digestCommand: CommandDefinition<DigestCommand> = {
  kind: 'digest',
  words: ['digest'],
  examples: [
    'digest daily',
    'digest daily at 07:30',
    'digest daily at 7:30 in vault-prod',
    'digest daily in all vaults',
    'digest now',
    'digest off',
  ],
  help: 'help.digest',
  needsVault: true,
  manifest: {
    title: 'digest',
    description: 'command.digest',
  },
  match(text) {
    const m = PATTERN.exec(text);
    if (!m) return undefined;
    return {
      kind: 'digest',
      ...(m[1] !== undefined ? { action: m[1].toLowerCase() } : {}),
      ...(m[2] !== undefined ? { at: m[2] } : {}),
      ...(m[3] !== undefined ? { vault: m[3] } : {}),
    };
  },
  async handle(cmd, ctx) {
    const { locale } = ctx;
    const conversationId = watchTarget(ctx.subscriber).conversationId;
    if (cmd.action === 'off') {
      const removed = await ctx.digests.remove(conversationId);
      await ctx.reply.text(t(locale, removed ? 'digest.off' : 'digest.notSet', { name: changedBy(ctx) }));
      return;
    }
    if (cmd.action === 'now') {
      const stored = await ctx.digests.get(conversationId);
      const chosen = vaultsOf(
        cmd,
        ctx,
        stored?.vaults.filter((v) => ctx.allowList.vaults.some((a) => vaultLabel(a) === vaultLabel(v))) ?? [],
      );
      if ('message' in chosen) {
        await ctx.reply.text(chosen.message);
        return;
      }
      const now = ctx.clock.now();
      const digests = await readDigests(
        chosen.vaults,
        async (vault, filter) => {
          try {
            const r = await ctx.api.listJobs(vault, filter);
            return { jobs: r.value, ...(r.meta.truncated ? { truncated: true } : {}) };
          } catch (err) {
            return { failed: toArmFailure(err).kind };
          }
        },
        now,
      );
      await ctx.reply.card(buildDigestCard(digests, { locale, timeZone: ctx.timeZone, now }));
      return;
    }
    if (cmd.action !== 'daily') {
      await ctx.reply.text(t(locale, 'digest.usage'));
      return;
    }
    const at = cmd.at ?? '08:00';
    const tod = parseTimeOfDay(at);
    if (!tod) {
      await ctx.reply.text(t(locale, 'digest.badTime', { input: echo(at) }));
      return;
    }
    const chosen = vaultsOf(cmd, ctx, []);
    if ('message' in chosen) {
      await ctx.reply.text(chosen.message);
      return;
    }
    const timeZone = ctx.timeZone !== undefined && isTimeZone(ctx.timeZone) ? ctx.timeZone : 'UTC';
    const hhmm = `${String(tod.hh).padStart(2, '0')}:${String(tod.mm).padStart(2, '0')}`;
    const target = watchTarget(ctx.subscriber);
    const { nextAt } = await ctx.digests.set({
      ...target,
      setBy: ctx.subscriber.requester,
      at: hhmm,
      timeZone,
      vaults: chosen.vaults,
      ...(locale !== undefined ? { locale } : {}),
      ...(ctx.subscriber.teamId !== undefined ? { teamId: ctx.subscriber.teamId } : {}),
    });
    await ctx.reply.text(
      t(locale, 'digest.set', {
        name: changedBy(ctx),
        time: hhmm,
        zone: timeZone,
        vaults: vaultsText(chosen.vaults, ctx),
        relative: formatRelative(nextAt, ctx.clock.now(), locale),
      }),
    );
  },
};
