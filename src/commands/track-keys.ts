/**
 * Tracks resolved jobs and posts one card per job: the step shared by `track job`, `track
 * operation` (after the operation yielded its jobs) and nothing else.
 */
import { jobKeyString } from '../azure/ids';
import { isTerminal, type JobKey } from '../domain/job';
import { t } from '../cards/i18n';
import { capText } from '../cards/messages';
import { entityName, operationName, statusWord } from '../cards/job-view';
import { visibleDigest } from '../tracker/visible';
import type { TrackOutcome } from '../tracker/ports';
import { vaultLabel } from './resolve';
import type { CommandContext, ReplyPort } from './types';
import { armFailureText, jobCard } from './views';

export async function trackKeys(keys: readonly JobKey[], ctx: CommandContext, port: ReplyPort): Promise<void> {
  // Poll all jobs at once (one turn, one wait), answer in the order the user wrote them. Each
  // subscribe waits for the one before it, so at a cap the jobs written last are the ones refused.
  const pending: Array<Promise<TrackOutcome>> = [];
  for (const key of keys) pending.push(ctx.tracker.track(key, ctx.subscriber, { after: pending.at(-1) }));
  const outcomes = await Promise.all(pending);
  for (let i = 0; i < keys.length; i++) {
    await answer(keys[i], outcomes[i], ctx, port);
  }
}

async function answer(key: JobKey, outcome: TrackOutcome, ctx: CommandContext, port: ReplyPort): Promise<void> {
  const { locale } = ctx;
  if (!outcome.ok && outcome.error === 'capped') {
    await port.text(capText(outcome.cap, { limit: outcome.limit, jobId: key.jobId }, locale));
    return;
  }
  if (!outcome.ok && outcome.subscribed === true) {
    // Tracked anyway: the tracker posts the card when Azure answers (see TrackerService.track).
    const id = outcome.error === 'throttled' ? 'track.throttled' : 'track.unreachable';
    await port.text(t(locale, id, { jobId: key.jobId, vault: vaultLabel(key.vault) }));
    return;
  }
  if (!outcome.ok) {
    await port.text(
      armFailureText(
        { kind: outcome.error, message: outcome.message, requiredRole: outcome.requiredRole },
        { vault: key.vault, jobId: key.jobId },
        locale,
      ),
    );
    return;
  }
  const { job } = outcome;
  const finished = outcome.finished || isTerminal(job.status);
  const actions = await ctx.actions?.view(job, key, ctx.conversationId);
  const card = jobCard(job, key, {
    locale,
    timeZone: ctx.timeZone,
    now: ctx.clock.now(),
    portalUrl: ctx.portalUrl,
    tracking: !finished,
    ...(actions ? { actions } : {}),
    ...(outcome.eta ? { eta: outcome.eta } : {}),
  });
  const params = { entity: entityName(job, locale), operation: operationName(job, locale), vault: vaultLabel(key.vault) };
  if (finished) {
    // Nothing will update this card, so its id is not needed: the explanation travels with it.
    await port.card(card, t(locale, 'track.alreadyFinished', { ...params, status: statusWord(job, locale) }));
    return;
  }
  // A card kept current is sent alone: an activity with text and a card gets no id from some
  // clients (the Agents Playground answers it with 202), and without the id the tracker would
  // post a second card instead of updating this one. The card says itself that it stays current.
  if (outcome.alreadyTracked) await port.text(t(locale, 'track.alreadyTracking', params));
  const activityId = await port.card(card);
  if (activityId !== undefined) {
    await ctx.tracker.recordCard(jobKeyString(key), ctx.conversationId, activityId, visibleDigest(job));
  }
}
