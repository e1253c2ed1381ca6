/** Turns a decision's effects into one outbox message per subscriber. */
import type { JobKey } from '../domain/job';
import type { OutboxInput } from '../store/types';
import type { Subscriber } from '../domain/subscriber';
import type { Effect } from './schedule';
import { shownDigest } from './visible';
import type { EtaBasis } from '../domain/durations';

/** `eta`: what the job's estimate is made from, carried by its card messages so the card shows the expected end. */
export function toOutbox(effects: readonly Effect[], key: JobKey, subscribers: readonly Subscriber[], eta?: EtaBasis): OutboxInput[] {
  const withEta = eta ? { eta } : {};
  const out: OutboxInput[] = [];
  for (const sub of subscribers) {
    const conversationId = sub.conversationId;
    for (const e of effects) {
      if (e.kind === 'card') {
        // The bot may already show this state (it posted the first card, or the Refresh button updated it).
        if (sub.cardDigest === shownDigest(e.job, e.etaStep)) continue;
        out.push({ kind: 'card', job: e.job, key, conversationId, ...withEta, ...(e.etaStep !== undefined ? { etaStep: e.etaStep } : {}) });
      } else if (e.kind === 'final') {
        out.push({ kind: 'final', job: e.job, key, conversationId, ...withEta });
      } else {
        out.push({ kind: 'notice', notice: e.notice, key, conversationId, ...(e.detail !== undefined ? { detail: e.detail } : {}) });
      }
    }
  }
  return out;
}
