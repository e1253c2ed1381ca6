/** SQLite rows to the records every backend returns (the conformance suite compares them deeply). */
import type { BackupJob } from '../../domain/job';
import type { EndReason, JsonObject, Subscriber } from '../../domain/subscriber';
import { toSubscriber } from '../records';
import type { TrackedJobRecord } from '../types';
import type { FollowedTuple, JobRow, SubRow } from './statements';

export function toJob(r: JobRow): TrackedJobRecord {
  return toJobCreatedAt(r, r.created_at);
}

/** For a job row joined with a subscription row, whose created_at took the column name. */
export function toJobCreatedAt(r: Omit<JobRow, 'created_at'>, createdAt: number): TrackedJobRecord {
  return {
    jobKey: r.job_key,
    vault: { subscriptionId: r.subscription_id, resourceGroup: r.resource_group, vaultName: r.vault_name },
    jobId: r.job_id,
    createdAt,
    state: r.state,
    ...(r.end_reason !== null ? { endReason: r.end_reason as EndReason } : {}),
    ...(r.last_job !== null ? { lastJob: JSON.parse(r.last_job) as BackupJob } : {}),
    nextPollAt: r.next_poll_at,
    schedule: JSON.parse(r.schedule) as Record<string, unknown>,
    ...(r.lease_owner !== null ? { leaseOwner: r.lease_owner } : {}),
    ...(r.lease_until !== null ? { leaseUntil: r.lease_until } : {}),
  };
}

export function toSub(r: SubRow): Subscriber {
  return toSubscriber({
    jobKey: r.job_key,
    conversationId: r.conversation_id,
    conversationRef: JSON.parse(r.conversation_ref) as JsonObject,
    requesterId: r.requester_id,
    requesterName: r.requester_name,
    locale: r.locale,
    timeZone: r.time_zone,
    teamId: r.team_id,
    createdAt: r.created_at,
    cardActivityId: r.card_activity_id,
    cardDigest: r.card_digest,
  });
}

/** A followedByConversation row (raw mode) as the job and subscriber every backend returns. */
export function toFollowed(v: FollowedTuple): { job: TrackedJobRecord; subscriber: Subscriber } {
  const [job_key, conversation_id, conversation_ref, requester_id, requester_name, locale, time_zone, team_id, created_at] = v;
  const [card_activity_id, card_digest, subscription_id, resource_group, vault_name, job_id, job_created_at] = [
    v[9],
    v[10],
    v[11],
    v[12],
    v[13],
    v[14],
    v[15],
  ];
  const [state, end_reason, last_job, next_poll_at, schedule, lease_owner, lease_until] = [v[16], v[17], v[18], v[19], v[20], v[21], v[22]];
  const job = {
    job_key,
    subscription_id,
    resource_group,
    vault_name,
    job_id,
    state,
    end_reason,
    last_job,
    next_poll_at,
    schedule,
    lease_owner,
    lease_until,
  };
  const sub = {
    job_key,
    conversation_id,
    conversation_ref,
    requester_id,
    requester_name,
    locale,
    time_zone,
    team_id,
    created_at,
    card_activity_id,
    card_digest,
  };
  return { job: toJobCreatedAt(job, job_created_at), subscriber: toSub(sub) };
}
