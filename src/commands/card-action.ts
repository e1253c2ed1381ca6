/**
 * Card buttons (Action.Submit): Refresh polls now and updates the card in place; Stop tracking
 * removes this conversation's subscription and turns the card into a snapshot without buttons.
 * The button data is read by `parseCardAction` in src/cards (beside the template that writes it).
 */
import { jobKeyString } from '../azure/ids';
import { t } from '../cards/i18n';
import { visibleDigest } from '../tracker/visible';
import { resolveCardJob, vaultLabel } from './resolve';
import type { CardAction, CommandContext } from './types';
import { armFailureText, jobCard } from './views';

export async function handleCardAction(action: CardAction, ctx: CommandContext): Promise<void> {
  const { locale } = ctx;
  const key = resolveCardJob(action.jobKey, action.jobId, ctx.allowList);
  if (!key) {
    // A card from another deployment, or tampered data: say which vaults are usable, touch nothing.
    await ctx.reply.text(
      t(locale, 'error.vaultNotAllowed', {
        vault: action.vault.slice(0, 80),
        allowed: ctx.allowList.vaults.map(vaultLabel).join(t(locale, 'list.separator')),
      }),
    );
    return;
  }
  const conversationId = ctx.subscriber.conversationId;
  const cardOpts = { locale, timeZone: ctx.timeZone, portalUrl: ctx.portalUrl };

  if (action.action === 'untrack') {
    const entry = (await ctx.tracker.listForConversation(conversationId)).find((e) => e.jobKey === jobKeyString(key));
    const removed = await ctx.tracker.untrack(key, conversationId);
    if (entry?.lastJob && ctx.replyToId !== undefined) {
      await ctx.reply.updateCard(ctx.replyToId, jobCard(entry.lastJob, key, { ...cardOpts, now: ctx.clock.now(), tracking: false }));
    }
    const params = { jobId: key.jobId, vault: vaultLabel(key.vault) };
    await ctx.reply.text(t(locale, removed ? 'untrack.done' : 'untrack.notTracked', params));
    return;
  }

  const outcome = await ctx.tracker.refresh(key, conversationId);
  if (!outcome.ok) {
    await ctx.reply.text(
      armFailureText(
        { kind: outcome.error, message: outcome.message, requiredRole: outcome.requiredRole, retryAfterMs: outcome.retryAfterMs },
        { vault: key.vault, jobId: key.jobId },
        locale,
      ),
    );
    return;
  }
  const tracked = (await ctx.tracker.listForConversation(conversationId)).some((e) => e.jobKey === jobKeyString(key));
  const card = jobCard(outcome.job, key, { ...cardOpts, now: ctx.clock.now(), tracking: tracked });
  if (ctx.replyToId !== undefined) {
    await ctx.reply.updateCard(ctx.replyToId, card);
    if (tracked) await ctx.tracker.recordCard(jobKeyString(key), conversationId, ctx.replyToId, visibleDigest(outcome.job));
  } else {
    const id = await ctx.reply.card(card);
    if (tracked && id !== undefined) await ctx.tracker.recordCard(jobKeyString(key), conversationId, id, visibleDigest(outcome.job));
  }
}
