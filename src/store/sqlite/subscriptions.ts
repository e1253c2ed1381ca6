/** SubscriptionStore on SQLite: who follows which job. Transactions are built once per connection. */
import type { BackupJob, VaultId } from '../../domain/job';
import type { SubscriberInput } from '../../domain/subscriber';
import { teamOf, threadRange } from '../records';
import type { SubscribeCapKind, SubscribeCaps, SubscriptionStore } from '../types';
import { toFollowed, toJob, toSub } from './rows';
import { onFirstCall, type Connection, type Sync } from './sync';
import type { SqliteWatches } from './watches';
import type { SqliteDigests } from './digests';

type JobInput = { jobKey: string; vault: VaultId; jobId: string; lastJob?: BackupJob; nextPollAt: number };

/** Dropping a conversation or a team drops its watches and digest too (the bot can no longer post there). */
export function sqliteSubscriptions({ db, st }: Connection, watches: SqliteWatches, digests: SqliteDigests): Sync<SubscriptionStore> {
  /** Inside a transaction. */
  const removeSubscription = (jobKey: string, conversationId: string): number => {
    if (st.deleteSub.run(jobKey, conversationId).changes === 0) return -1;
    st.deletePendingOfPair.run(jobKey, conversationId);
    const remaining = st.countSubs.get(jobKey)?.n ?? 0;
    if (remaining === 0) st.deleteJob.run(jobKey);
    return remaining;
  };

  /** SubscriptionStore.refusedBy; inside subscribe's transaction, the check and the insert are one step. */
  const refusedBy = (jobKey: string, conversationId: string, pending: boolean, caps: SubscribeCaps): SubscribeCapKind | undefined => {
    const conversation = st.conversationCaps.get({ jobKey, conversationId });
    if (conversation?.has) return undefined;
    if ((conversation?.n ?? 0) >= caps.jobsPerConversation) return 'jobsPerConversation';
    if (pending && (conversation?.pending ?? 0) >= caps.pendingPerConversation) return 'pendingPerConversation';
    if (st.jobState.get(jobKey)?.state !== 'active' && (st.activeJobs.get()?.n ?? 0) >= caps.jobsTotal) return 'jobsTotal';
    return undefined;
  };

  const subscribe = onFirstCall(
    () =>
      db.transaction((job: JobInput, sub: SubscriberInput, now: number, caps?: SubscribeCaps) => {
        const refused = caps && refusedBy(job.jobKey, sub.conversationId, job.lastJob === undefined, caps);
        if (refused) return { jobCreated: false, subscriptionCreated: false, refused };
        const jobParams = {
          jobKey: job.jobKey,
          subscriptionId: job.vault.subscriptionId,
          resourceGroup: job.vault.resourceGroup,
          vaultName: job.vault.vaultName,
          jobId: job.jobId,
          lastJob: job.lastJob === undefined ? null : JSON.stringify(job.lastJob),
          nextPollAt: job.nextPollAt,
          now,
        };
        const subParams = {
          jobKey: job.jobKey,
          conversationId: sub.conversationId,
          ref: JSON.stringify(sub.conversationRef),
          requesterId: sub.requester.id,
          requesterName: sub.requester.name,
          locale: sub.locale ?? null,
          timeZone: sub.timeZone ?? null,
          teamId: teamOf(sub) ?? null,
          now,
        };
        const existing = st.getJob.get(job.jobKey);
        if (!existing) st.insertJob.run(jobParams);
        else if (existing.state === 'ended') st.reactivateJob.run(jobParams);
        const had = st.getSub.get(job.jobKey, sub.conversationId);
        if (had) st.updateSub.run(subParams);
        else st.insertSub.run(subParams);
        return { jobCreated: !existing || existing.state === 'ended', subscriptionCreated: !had };
      }).immediate,
  );

  const unsubscribe = onFirstCall(() => db.transaction(removeSubscription).immediate);

  const dropConversation = onFirstCall(
    () =>
      db.transaction((conversationId: string) => {
        const subs = st.subsOfConversationAndThreads.all({ id: conversationId, ...threadRange(conversationId) });
        for (const s of subs) removeSubscription(s.job_key, s.conversation_id);
        watches.dropConversation(conversationId);
        digests.dropConversation(conversationId);
        return subs.length;
      }).immediate,
  );

  const dropTeam = onFirstCall(
    () =>
      db.transaction((teamId: string) => {
        const subs = st.subsOfTeam.all(teamId);
        for (const s of subs) removeSubscription(s.job_key, s.conversation_id);
        watches.dropTeam(teamId);
        digests.dropTeam(teamId);
        return subs.length;
      }).immediate,
  );

  const listByConversation = (conversationId: string) => st.followedByConversation.all(conversationId).map(toFollowed);

  return {
    subscribe,
    refusedBy,
    unsubscribe,
    dropConversation,
    dropTeam,
    getJob: (jobKey) => {
      const row = st.getJob.get(jobKey);
      return row && toJob(row);
    },
    getSubscribers: (jobKey) => st.subsOfJob.all(jobKey).map(toSub),
    listByConversation,
    setCard: (jobKey, conversationId, activityId, digest) => {
      st.setCard.run({ jobKey, conversationId, activityId, digest });
    },
  };
}
