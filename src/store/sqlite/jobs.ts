/** JobStore on SQLite: due polls claimed under leases, and their commits with the outbox messages they make. */
import { payloadOf } from '../records';
import type { JobStore, JobUpdate, OutboxInput } from '../types';
import { enqueue } from './outbox';
import { toJob } from './rows';
import { onFirstCall, type Connection, type Sync } from './sync';

export function sqliteJobs({ db, st }: Connection): Sync<JobStore> {
  const commit = onFirstCall(
    () =>
      db.transaction((owner: string, update: JobUpdate, messages: readonly OutboxInput[]) => {
        const job = st.leaseOf.get(update.jobKey);
        if (!job || job.lease_owner !== owner) return false;
        st.commitJob.run({
          jobKey: update.jobKey,
          lastJob: update.lastJob === undefined ? null : JSON.stringify(update.lastJob),
          nextPollAt: update.nextPollAt,
          schedule: JSON.stringify(update.schedule),
          end: update.end ?? null,
        });
        // Serialising inside the transaction: a value that cannot be stored rolls everything back.
        for (const m of messages) {
          if (st.hasSub.get(update.jobKey, m.conversationId)) enqueue(st, update.jobKey, m.conversationId, payloadOf(m));
        }
        return true;
      }).immediate,
  );

  return {
    claimDueJobs: (owner, now, leaseMs, limit) => {
      if (limit <= 0) return [];
      const rows = st.claimJobs.all({ owner, now, until: now + leaseMs, limit });
      // RETURNING gives no order guarantee.
      return rows.sort((a, b) => a.next_poll_at - b.next_poll_at).map(toJob);
    },
    nextDueAt: () => st.nextDueAt.get()?.at,
    commitPoll: commit,
    releaseJob: (owner, jobKey, nextPollAt) => {
      st.releaseJob.run({ owner, jobKey, nextPollAt: nextPollAt ?? null });
    },
  };
}
