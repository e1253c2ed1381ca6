/**
 * Every SQL statement of the SQLite store, prepared once per connection (the store is called at
 * a high rate by the tracker; re-preparing would dominate its cost), on first use: preparing all
 * of them would cost more than opening an in-memory store, which tests do thousands of times.
 */
import type Database from 'better-sqlite3';

export interface JobRow {
  job_key: string;
  subscription_id: string;
  resource_group: string;
  vault_name: string;
  job_id: string;
  created_at: number;
  state: 'active' | 'ended';
  end_reason: string | null;
  last_job: string | null;
  next_poll_at: number;
  schedule: string;
  lease_owner: string | null;
  lease_until: number | null;
}

export interface SubRow {
  job_key: string;
  conversation_id: string;
  conversation_ref: string;
  requester_id: string;
  requester_name: string;
  locale: string | null;
  time_zone: string | null;
  team_id: string | null;
  created_at: number;
  card_activity_id: string | null;
  card_digest: string | null;
}

/** A row of followedByConversation in raw mode: SubRow's columns in order, then JobRow's from subscription_id on. */
export type FollowedTuple = [
  ...[
    job_key: string,
    conversation_id: string,
    conversation_ref: string,
    requester_id: string,
    requester_name: string,
    locale: string | null,
    time_zone: string | null,
    team_id: string | null,
    created_at: number,
    card_activity_id: string | null,
    card_digest: string | null,
  ],
  ...[
    subscription_id: string,
    resource_group: string,
    vault_name: string,
    job_id: string,
    job_created_at: number,
    state: 'active' | 'ended',
    end_reason: string | null,
    last_job: string | null,
    next_poll_at: number,
    schedule: string,
    lease_owner: string | null,
    lease_until: number | null,
  ],
];

export interface OutboxRow {
  id: number;
  job_key: string;
  conversation_id: string;
  kind: string;
  payload: string;
  state: 'pending' | 'sent' | 'failed';
  attempts: number;
  not_before: number;
  lease_owner: string | null;
  lease_until: number | null;
}

/**
 * A LIMIT bound as a plain parameter (`LIMIT @limit`) makes SQLite (3.51 here) plan with its value and
 * mark the statement to be prepared again at every new binding, and better-sqlite3 binds on every
 * call: a claim was parsed and planned each time (about 34 us instead of 4 us per call, most of a
 * virtual-clock benchmark step). Bound inside an expression, the value is only read at run time.
 */
const LIMIT_PARAM = 'LIMIT CAST(@limit AS INTEGER)';

/** The oldest pending message of its (job, conversation) queue. */
const IS_QUEUE_HEAD = `NOT EXISTS (SELECT 1 FROM outbox p
  WHERE p.job_key = o.job_key AND p.conversation_id = o.conversation_id AND p.state = 'pending' AND p.id < o.id)`;

export function prepareStatements(db: Database.Database) {
  const s =
    <P extends unknown[] | object = unknown[], R = unknown>(sql: string) =>
    () =>
      db.prepare<P, R>(sql);
  return onFirstUse({
    getJob: s<[string], JobRow>('SELECT * FROM jobs WHERE job_key = ?'),
    // A commit checks its lease on every poll: without the job's JSON columns, which it does not need.
    leaseOf: s<[string], { lease_owner: string | null }>('SELECT lease_owner FROM jobs WHERE job_key = ?'),
    insertJob:
      s<object>(`INSERT INTO jobs (job_key, subscription_id, resource_group, vault_name, job_id, created_at, state, last_job, next_poll_at, schedule)
      VALUES (@jobKey, @subscriptionId, @resourceGroup, @vaultName, @jobId, @now, 'active', @lastJob, @nextPollAt, '{}')`),
    reactivateJob: s<object>(`UPDATE jobs SET state = 'active', end_reason = NULL, created_at = @now, last_job = @lastJob,
      next_poll_at = @nextPollAt, schedule = '{}', lease_owner = NULL, lease_until = NULL WHERE job_key = @jobKey`),
    deleteJob: s<[string]>('DELETE FROM jobs WHERE job_key = ?'),
    commitJob: s<object>(`UPDATE jobs SET last_job = COALESCE(@lastJob, last_job), next_poll_at = @nextPollAt, schedule = @schedule,
      state = CASE WHEN @end IS NULL THEN state ELSE 'ended' END, end_reason = COALESCE(@end, end_reason),
      lease_owner = NULL, lease_until = NULL WHERE job_key = @jobKey`),
    releaseJob: s<object>(`UPDATE jobs SET lease_owner = NULL, lease_until = NULL, next_poll_at = COALESCE(@nextPollAt, next_poll_at)
      WHERE job_key = @jobKey AND lease_owner = @owner`),
    // One statement, so atomic on its own. The subquery walks jobs_due in next_poll_at order and
    // stops after `limit` hits; leased rows it passes over are few (bounded by in-flight polls).
    claimJobs: s<object, JobRow>(`UPDATE jobs SET lease_owner = @owner, lease_until = @until WHERE job_key IN (
        SELECT j.job_key FROM jobs j WHERE j.state = 'active' AND j.next_poll_at <= @now
          AND (j.lease_until IS NULL OR j.lease_until <= @now)
          AND EXISTS (SELECT 1 FROM subscriptions s WHERE s.job_key = j.job_key)
        ORDER BY j.next_poll_at ${LIMIT_PARAM})
      RETURNING *`),
    nextDueAt: s<[], { at: number }>(`SELECT next_poll_at AS at FROM jobs WHERE state = 'active' ORDER BY next_poll_at LIMIT 1`),

    getSub: s<[string, string], SubRow>('SELECT * FROM subscriptions WHERE job_key = ? AND conversation_id = ?'),
    hasSub: s<[string, string], { 1: 1 }>('SELECT 1 FROM subscriptions WHERE job_key = ? AND conversation_id = ?'),
    subsOfJob: s<[string], SubRow>('SELECT * FROM subscriptions WHERE job_key = ? ORDER BY created_at, conversation_id'),
    // One statement, so one consistent read, with each subscription's job beside it. Raw (arrays, see
    // FollowedTuple): better-sqlite3 builds a row object key by key, and for these 23 columns that was
    // half the statement's cost on every `tracking` message.
    followedByConversation: () =>
      db
        .prepare<[string], FollowedTuple>(
          `SELECT s.job_key, s.conversation_id, s.conversation_ref, s.requester_id, s.requester_name, s.locale, s.time_zone,
      s.team_id, s.created_at, s.card_activity_id, s.card_digest,
      j.subscription_id, j.resource_group, j.vault_name, j.job_id, j.created_at, j.state, j.end_reason,
      j.last_job, j.next_poll_at, j.schedule, j.lease_owner, j.lease_until
      FROM subscriptions s JOIN jobs j ON j.job_key = s.job_key WHERE s.conversation_id = ? ORDER BY s.created_at, s.job_key`,
        )
        .raw(true),
    // Two index ranges on subscriptions_by_conversation: the id itself, and its threads as a byte-order
    // range (threadRange); a LIKE would read `%`/`_` in the id as wildcards and ignore case.
    subsOfConversationAndThreads: s<{ id: string; from: string; to: string }, { job_key: string; conversation_id: string }>(
      `SELECT job_key, conversation_id FROM subscriptions WHERE conversation_id = @id OR (conversation_id >= @from AND conversation_id < @to)`,
    ),
    subsOfTeam: s<[string], { job_key: string; conversation_id: string }>(
      'SELECT job_key, conversation_id FROM subscriptions WHERE team_id = ?',
    ),
    countSubs: s<[string], { n: number }>('SELECT count(*) AS n FROM subscriptions WHERE job_key = ?'),
    // The caps (SubscriptionStore.refusedBy): a range of subscriptions_by_conversation, each job by its key.
    conversationCaps: s<{ jobKey: string; conversationId: string }, { n: number; pending: number; has: number }>(`SELECT
      count(*) AS n, coalesce(sum(j.last_job IS NULL), 0) AS pending, coalesce(max(s.job_key = @jobKey), 0) AS has
      FROM subscriptions s JOIN jobs j ON j.job_key = s.job_key WHERE s.conversation_id = @conversationId AND j.state = 'active'`),
    jobState: s<[string], { state: 'active' | 'ended' }>('SELECT state FROM jobs WHERE job_key = ?'),
    // Counted on the jobs_due index, without reading a row.
    activeJobs: s<[], { n: number }>(`SELECT count(*) AS n FROM jobs WHERE state = 'active'`),
    insertSub:
      s<object>(`INSERT INTO subscriptions (job_key, conversation_id, conversation_ref, requester_id, requester_name, locale, time_zone, team_id, created_at)
      VALUES (@jobKey, @conversationId, @ref, @requesterId, @requesterName, @locale, @timeZone, @teamId, @now)`),
    updateSub: s<object>(`UPDATE subscriptions SET conversation_ref = @ref, requester_id = @requesterId, requester_name = @requesterName,
      locale = @locale, time_zone = @timeZone, team_id = COALESCE(@teamId, team_id) WHERE job_key = @jobKey AND conversation_id = @conversationId`),
    deleteSub: s<[string, string]>('DELETE FROM subscriptions WHERE job_key = ? AND conversation_id = ?'),
    setCard:
      s<object>(`UPDATE subscriptions SET card_activity_id = COALESCE(@activityId, card_activity_id), card_digest = COALESCE(@digest, card_digest)
      WHERE job_key = @jobKey AND conversation_id = @conversationId`),

    stats: s<[], { activeJobs: number; subscriptions: number; pendingMessages: number }>(`SELECT
      (SELECT count(*) FROM jobs WHERE state = 'active') AS activeJobs,
      (SELECT count(*) FROM jobs j JOIN subscriptions s ON s.job_key = j.job_key WHERE j.state = 'active') AS subscriptions,
      (SELECT count(*) FROM outbox WHERE state = 'pending') AS pendingMessages`),

    insertMessage: s<object>(`INSERT INTO outbox (job_key, conversation_id, kind, payload, not_before)
      VALUES (@jobKey, @conversationId, @kind, @payload, @notBefore)`),
    replaceableCards: s<[string, string], { id: number; not_before: number }>(`SELECT id, not_before FROM outbox
      WHERE job_key = ? AND conversation_id = ? AND state = 'pending' AND kind = 'card' AND lease_owner IS NULL`),
    getMessage: s<[number], OutboxRow>('SELECT * FROM outbox WHERE id = ?'),
    deleteMessage: s<[number]>('DELETE FROM outbox WHERE id = ?'),
    deletePendingOfPair: s<[string, string]>(`DELETE FROM outbox WHERE job_key = ? AND conversation_id = ? AND state = 'pending'`),
    dueMessages: s<object, { id: number }>(`SELECT o.id FROM outbox o
      WHERE o.state = 'pending' AND o.not_before <= @now AND (o.lease_until IS NULL OR o.lease_until <= @now) AND ${IS_QUEUE_HEAD}
      ORDER BY o.id ${LIMIT_PARAM}`),
    leaseMessage: s<object>('UPDATE outbox SET lease_owner = @owner, lease_until = @until WHERE id = @id'),
    markSent: s<[number]>(`UPDATE outbox SET state = 'sent', lease_owner = NULL, lease_until = NULL WHERE id = ?`),
    retryMessage:
      s<object>(`UPDATE outbox SET attempts = attempts + 1, not_before = @notBefore, last_error = @error, lease_owner = NULL, lease_until = NULL
      WHERE id = @id AND state = 'pending' AND lease_owner = @owner`),
    failMessage:
      s<object>(`UPDATE outbox SET attempts = attempts + 1, state = 'failed', last_error = @error, lease_owner = NULL, lease_until = NULL
      WHERE id = @id AND state = 'pending' AND lease_owner = @owner`),
    nextMessageAt: s<
      [],
      { at: number | null }
    >(`SELECT min(CASE WHEN o.lease_owner IS NULL THEN o.not_before ELSE max(o.not_before, o.lease_until) END) AS at
      FROM outbox o WHERE o.state = 'pending' AND ${IS_QUEUE_HEAD}`),
  });
}

/** An object whose property `k` is `make[k]()`, called on first read and kept. */
function onFirstUse<T extends Record<string, () => unknown>>(make: T): { readonly [K in keyof T]: ReturnType<T[K]> } {
  const out = {};
  for (const [key, build] of Object.entries(make)) {
    Object.defineProperty(out, key, {
      configurable: true,
      get: () => {
        const value = build();
        Object.defineProperty(out, key, { value });
        return value;
      },
    });
  }
  return out as { readonly [K in keyof T]: ReturnType<T[K]> };
}

export type Statements = ReturnType<typeof prepareStatements>;
