/**
 * Card buttons (Action.Submit): Refresh polls now and updates the card in place; Stop tracking
 * removes this conversation's subscription and turns the card into a snapshot without buttons.
 * The button data is read by `parseCardAction` in src/cards (beside the template that writes it).
 *
 * `replyToId` (which activity the button was on) comes from the client like the data: a card is
 * updated in place only when it is the card the bot itself stored for this job in this
 * conversation. Any other id (a forged one, or an old card no longer tracked) updates nothing:
 * Refresh posts a fresh card instead, and the mismatch is logged.
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
    // The vault named by the key (its shape checked by the schema), not the free `vault` field.
    const [, resourceGroup, vaultName] = action.jobKey.split('/');
    await ctx.reply.text(
      t(locale, 'error.vaultNotAllowed', {
        vault: `${resourceGroup}/${vaultName}`,
        allowed: ctx.allowList.vaults.map(vaultLabel).join(t(locale, 'list.separator')),
      }),
    );
    return;
  }
  const conversationId = ctx.conversationId;
  const cardOpts = { locale, timeZone: ctx.timeZone, portalUrl: ctx.portalUrl };

  const jobKey = jobKeyString(key);
  const entry = (await ctx.tracker.listForConversation(conversationId)).find((e) => e.jobKey === jobKey);
  // The activity this button may update: the card the bot stored for this job here, if the button is on it.
  const ownCard = ctx.replyToId !== undefined && entry?.subscriber.cardActivityId === ctx.replyToId ? ctx.replyToId : undefined;
  if (ctx.replyToId !== undefined && ownCard === undefined) {
    ctx.logger.warn(
      { jobKey, replyToId: ctx.replyToId.slice(0, 200), storedCard: entry?.subscriber.cardActivityId },
      'card button names an activity the bot did not store for this job here: not updating it',
    );
  }

  if (action.action === 'untrack') {
    const removed = await ctx.tracker.untrack(key, conversationId);
    if (entry?.lastJob && ownCard !== undefined) {
      await ctx.reply.updateCard(ownCard, jobCard(entry.lastJob, key, { ...cardOpts, now: ctx.clock.now(), tracking: false }));
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
  const tracked = entry !== undefined;
  const actions = await ctx.actions?.view(outcome.job, key, conversationId);
  const card = jobCard(outcome.job, key, {
    ...cardOpts,
    now: ctx.clock.now(),
    tracking: tracked,
    ...(actions ? { actions } : {}),
    ...(outcome.eta ? { eta: outcome.eta } : {}),
  });
  if (ownCard !== undefined) {
    await ctx.reply.updateCard(ownCard, card);
    await ctx.tracker.recordCard(jobKey, conversationId, ownCard, visibleDigest(outcome.job));
  } else {
    const id = await ctx.reply.card(card);
    if (tracked && id !== undefined) await ctx.tracker.recordCard(jobKey, conversationId, id, visibleDigest(outcome.job));
  }
}
