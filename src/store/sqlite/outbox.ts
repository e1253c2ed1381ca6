/** OutboxStore on SQLite: delivery under leases, in order per (job, conversation). */
import { METRICS, telemetry } from '../../core/telemetry';
import { toMessage, type StoredPayload } from '../records';
import type { OutboxRecord, OutboxStore } from '../types';
import { toSub } from './rows';
import type { Statements } from './statements';
import { onFirstCall, type Connection, type Sync } from './sync';
import type { SqliteDigests } from './digests';
import type { SqliteWatches } from './watches';

/** Inside a transaction (commitPoll's). A card replaces the unclaimed pending cards of its queue (coalescing). */
export function enqueue(st: Statements, jobKey: string, conversationId: string, payload: StoredPayload): void {
  let notBefore = 0;
  if (payload.kind === 'card') {
    for (const old of st.replaceableCards.all(jobKey, conversationId)) {
      // Keep a retry's backoff: the conversation was throttled, the newer card waits as long.
      notBefore = Math.max(notBefore, old.not_before);
      st.deleteMessage.run(old.id);
      // Counted here, in the transaction: only the SQLite store counts coalesced cards (the Redis Lua script does not report them).
      telemetry().counter(METRICS.cardUpdatesCoalesced, 'Card updates replaced by a newer one before they were sent').add(1);
    }
  }
  st.insertMessage.run({ jobKey, conversationId, kind: payload.kind, payload: JSON.stringify(payload), notBefore });
}

export function sqliteOutbox({ db, st }: Connection, watches: SqliteWatches, digests: SqliteDigests): Sync<OutboxStore> {
  const claim = onFirstCall(
    () =>
      db.transaction((owner: string, now: number, leaseMs: number, limit: number) => {
        const out: OutboxRecord[] = [];
        for (const { id } of st.dueMessages.all({ now, limit })) {
          const m = st.getMessage.get(id);
          if (!m) continue;
          const payload = JSON.parse(m.payload) as StoredPayload;
          const row = st.getSub.get(m.job_key, m.conversation_id);
          // A watch notice goes to the watch (queue `watch:<vault>`), a digest to the digest, a tracker message to the subscription.
          const sub = row
            ? toSub(row)
            : (watches.subscriberOf(m.job_key, m.conversation_id, payload) ?? digests.subscriberOf(m.job_key, m.conversation_id));
          if (!sub) continue;
          st.leaseMessage.run({ owner, until: now + leaseMs, id });
          out.push({
            id,
            jobKey: m.job_key,
            conversationId: m.conversation_id,
            message: toMessage(payload, sub),
            attempts: m.attempts,
            notBefore: m.not_before,
          });
        }
        return out;
      }).immediate,
  );

  const complete = onFirstCall(
    () =>
      db.transaction((id: number, result: { activityId?: string; digest?: string }) => {
        const m = st.getMessage.get(id);
        if (!m || m.state !== 'pending') return;
        if (m.kind !== 'card') {
          watches.recordCard(m.conversation_id, JSON.parse(m.payload) as StoredPayload, result.activityId);
          st.markSent.run(id);
          return;
        }
        st.setCard.run({
          jobKey: m.job_key,
          conversationId: m.conversation_id,
          activityId: result.activityId ?? null,
          digest: result.digest ?? null,
        });
        // A delivered card is fully described by the subscription's card id and digest.
        st.deleteMessage.run(id);
      }).immediate,
  );

  return {
    claimMessages: (owner, now, leaseMs, limit) => (limit <= 0 ? [] : claim(owner, now, leaseMs, limit)),
    completeMessage: (_owner, id, result) => complete(id, result),
    retryMessage: (owner, id, notBefore, error) => {
      st.retryMessage.run({ owner, id, notBefore, error });
    },
    failMessage: (owner, id, error) => {
      st.failMessage.run({ owner, id, error });
    },
    nextMessageAt: () => st.nextMessageAt.get()?.at ?? undefined,
  };
}
