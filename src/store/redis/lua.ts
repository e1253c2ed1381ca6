/**
 * The Lua scripts of the Redis store. Every change that touches more than one key runs as one
 * script, so it is atomic and isolated like a SQLite transaction: two instances claiming at the
 * same moment are serialised by Redis, never interleaved.
 *
 * Key layout (P = the store's key prefix, K = job key, C = conversation id, Q = K.."\n"..C):
 *   P.."due"        ZSET  active job keys scored by nextPollAt (active ⇔ member)
 *   P.."job:"..K    HASH  vault, jobId, createdAt, state, endReason, lastJob, nextPollAt, schedule, leaseOwner, leaseUntil
 *   P.."subs:"..K   HASH  C → SubscriberInput JSON (written verbatim from TypeScript, never re-encoded here)
 *   P.."subat:"..K, P.."cardid:"..K, P.."carddig:"..K   HASH  C → createdAt / card activity id / card digest
 *   P.."conv:"..C   SET   job keys the conversation follows
 *   P.."convs"      ZSET  every C with a conv set, all scored 0: a lexicographic index, so the threads of a
 *                         channel (C..";messageid="..…) are one ZRANGEBYLEX range (see threadRange in records.ts)
 *   P.."convs:indexed" STRING set once "convs" holds the conversations written before it existed
 *   P.."subteam:"..K HASH C → team id the subscription is stored with (only subscriptions in a team)
 *   P.."team:"..T   HASH  C → how many subscriptions of C are stored with team T: the team's conversations,
 *                         kept exact by every script that adds or removes a subscription
 *   P.."seq"        STRING message id counter (never reused)
 *   P.."msg:"..id   HASH  jobKey, conversationId, kind, payload, state, attempts, notBefore, leaseOwner, leaseUntil, lastError
 *   P.."pq:"..Q     ZSET  pending message ids of one (job, conversation), scored by id: delivery order
 *   P.."heads"      ZSET  one member per non-empty queue, "<16-digit head id>|"..Q, scored by when that head is
 *                         claimable (notBefore, or leaseUntil while leased); sorting members sorts by id
 *   P.."headof"     HASH  Q → its current member of heads
 *   P.."pending"    SET   ids of pending messages (for stats)
 * Times arrive from TypeScript as decimal strings (Lua would print large numbers in exponent form).
 */

/** Helpers shared by the scripts; prepended to each. */
const HELPERS = `
local P = ARGV[1]

local function refresh_head(q)
  local old = redis.call('HGET', P..'headof', q)
  if old then redis.call('ZREM', P..'heads', old) end
  local first = redis.call('ZRANGE', P..'pq:'..q, 0, 0)
  if #first == 0 then
    redis.call('HDEL', P..'headof', q)
    return
  end
  local id = first[1]
  local m = redis.call('HMGET', P..'msg:'..id, 'notBefore', 'leaseOwner', 'leaseUntil')
  local at = m[1]
  if m[2] and tonumber(m[3]) > tonumber(at) then at = m[3] end
  local member = string.format('%016d', tonumber(id))..'|'..q
  redis.call('ZADD', P..'heads', at, member)
  redis.call('HSET', P..'headof', q, member)
end

local function delete_message(q, id)
  redis.call('ZREM', P..'pq:'..q, id)
  redis.call('DEL', P..'msg:'..id)
  redis.call('SREM', P..'pending', id)
end

local function drop_pending(k, c)
  local q = k..'\\n'..c
  local ids = redis.call('ZRANGE', P..'pq:'..q, 0, -1)
  for _, id in ipairs(ids) do delete_message(q, id) end
  refresh_head(q)
end

-- One fewer subscription of C stored with team T.
local function team_release(t, c)
  if redis.call('HINCRBY', P..'team:'..t, c, -1) <= 0 then redis.call('HDEL', P..'team:'..t, c) end
end

-- Removes one subscription; returns the remaining count, or -1 when it did not exist.
local function remove_subscription(k, c)
  if redis.call('HDEL', P..'subs:'..k, c) == 0 then return -1 end
  redis.call('HDEL', P..'subat:'..k, c)
  redis.call('HDEL', P..'cardid:'..k, c)
  redis.call('HDEL', P..'carddig:'..k, c)
  local t = redis.call('HGET', P..'subteam:'..k, c)
  if t then
    redis.call('HDEL', P..'subteam:'..k, c)
    team_release(t, c)
  end
  redis.call('SREM', P..'conv:'..c, k)
  if redis.call('EXISTS', P..'conv:'..c) == 0 then redis.call('ZREM', P..'convs', c) end
  drop_pending(k, c)
  local n = redis.call('HLEN', P..'subs:'..k)
  if n == 0 then
    redis.call('DEL', P..'job:'..k, P..'subs:'..k, P..'subat:'..k, P..'cardid:'..k, P..'carddig:'..k, P..'subteam:'..k)
    redis.call('ZREM', P..'due', k)
  end
  return n
end

-- {input, createdAt, cardId, cardDigest, teamId}; absent values are false (nil replies).
local function subscriber_of(k, c)
  return { redis.call('HGET', P..'subs:'..k, c), redis.call('HGET', P..'subat:'..k, c),
    redis.call('HGET', P..'cardid:'..k, c), redis.call('HGET', P..'carddig:'..k, c),
    redis.call('HGET', P..'subteam:'..k, c) }
end
`;

/**
 * ARGV: P, K, vaultJson, jobId, lastJobJson|'', nextPollAt, C, inputJson, now, teamId|'' → {jobCreated, subscriptionCreated}.
 * Without a team id the stored one stays (StateStore.subscribe).
 */
const SUBSCRIBE = `
local k, c, now = ARGV[2], ARGV[7], ARGV[9]
local jk = P..'job:'..k
local state = redis.call('HGET', jk, 'state')
local created = 0
if (not state) or state == 'ended' then
  redis.call('DEL', jk)
  redis.call('HSET', jk, 'vault', ARGV[3], 'jobId', ARGV[4], 'createdAt', now, 'state', 'active', 'nextPollAt', ARGV[6], 'schedule', '{}')
  if ARGV[5] ~= '' then redis.call('HSET', jk, 'lastJob', ARGV[5]) end
  redis.call('ZADD', P..'due', ARGV[6], k)
  created = 1
end
local existed = redis.call('HEXISTS', P..'subs:'..k, c)
redis.call('HSET', P..'subs:'..k, c, ARGV[8])
if existed == 0 then redis.call('HSET', P..'subat:'..k, c, now) end
local team, old = ARGV[10], redis.call('HGET', P..'subteam:'..k, c)
if team ~= '' and team ~= old then
  if old then team_release(old, c) end
  redis.call('HSET', P..'subteam:'..k, c, team)
  redis.call('HINCRBY', P..'team:'..team, c, 1)
end
redis.call('SADD', P..'conv:'..c, k)
redis.call('ZADD', P..'convs', 0, c)
return { created, 1 - existed }
`;

/** ARGV: P, K, C. */
const UNSUBSCRIBE = `return remove_subscription(ARGV[2], ARGV[3])`;

/**
 * ARGV: P, C, threadsFrom, threadsTo → subscriptions removed. Drops C and every id in
 * [threadsFrom, threadsTo) of the conversation index: C's threads (records.ts threadRange).
 */
const DROP_CONVERSATION = `
local ids = redis.call('ZRANGEBYLEX', P..'convs', '['..ARGV[3], '('..ARGV[4])
table.insert(ids, ARGV[2])
local n = 0
for _, c in ipairs(ids) do
  for _, k in ipairs(redis.call('SMEMBERS', P..'conv:'..c)) do
    if remove_subscription(k, c) >= 0 then n = n + 1 end
  end
  redis.call('DEL', P..'conv:'..c)
  redis.call('ZREM', P..'convs', c)
end
return n
`;

/**
 * ARGV: P, T → subscriptions removed: those stored with team T, found through the team's conversations.
 * The conversation's subscriptions of another team or none (possible only for ids Teams reuses) stay.
 */
const DROP_TEAM = `
local t = ARGV[2]
local n = 0
for _, c in ipairs(redis.call('HKEYS', P..'team:'..t)) do
  for _, k in ipairs(redis.call('SMEMBERS', P..'conv:'..c)) do
    if redis.call('HGET', P..'subteam:'..k, c) == t and remove_subscription(k, c) >= 0 then n = n + 1 end
  end
end
-- Empty by now unless an older build removed subscriptions without updating it: nothing left to find.
redis.call('DEL', P..'team:'..t)
return n
`;

/** ARGV: P, C… → how many were added. Adds to the conversation index each C that still has a conv set. */
const INDEX_CONVERSATIONS = `
local n = 0
for i = 2, #ARGV do
  if redis.call('EXISTS', P..'conv:'..ARGV[i]) == 1 then n = n + redis.call('ZADD', P..'convs', 0, ARGV[i]) end
end
return n
`;

/** ARGV: P, C → { {K, jobFlat, input, createdAt, cardId, cardDigest, teamId}, … } for each followed job that exists. */
const LIST_BY_CONVERSATION = `
local c = ARGV[2]
local out = {}
for _, k in ipairs(redis.call('SMEMBERS', P..'conv:'..c)) do
  local job = redis.call('HGETALL', P..'job:'..k)
  local s = subscriber_of(k, c)
  if #job > 0 and s[1] then table.insert(out, { k, job, s[1], s[2], s[3], s[4], s[5] }) end
end
return out
`;

/** ARGV: P, K → { {C, input, createdAt, cardId, cardDigest, teamId}, … }. */
const SUBSCRIBERS = `
local k = ARGV[2]
local out = {}
for _, c in ipairs(redis.call('HKEYS', P..'subs:'..k)) do
  local s = subscriber_of(k, c)
  table.insert(out, { c, s[1], s[2], s[3], s[4], s[5] })
end
return out
`;

/** ARGV: P, K, C, activityId, digest. */
const SET_CARD = `
local k, c = ARGV[2], ARGV[3]
if redis.call('HEXISTS', P..'subs:'..k, c) == 0 then return 0 end
redis.call('HSET', P..'cardid:'..k, c, ARGV[4])
redis.call('HSET', P..'carddig:'..k, c, ARGV[5])
return 1
`;

/** ARGV: P → {activeJobs, subscriptions of active jobs, pending messages}. */
const STATS = `
local subs = 0
for _, k in ipairs(redis.call('ZRANGE', P..'due', 0, -1)) do subs = subs + redis.call('HLEN', P..'subs:'..k) end
return { redis.call('ZCARD', P..'due'), subs, redis.call('SCARD', P..'pending') }
`;

/**
 * ARGV: P, owner, now, leaseUntil, limit → {K, flat HGETALL} of each claimed job, earliest nextPollAt first.
 * Walks the due jobs in order in pages, passing over leased ones (few: bounded by polls in flight).
 */
const CLAIM_JOBS = `
local owner, now, untilAt, limit = ARGV[2], tonumber(ARGV[3]), ARGV[4], tonumber(ARGV[5])
local out = {}
local offset = 0
while #out < limit do
  local keys = redis.call('ZRANGEBYSCORE', P..'due', '-inf', ARGV[3], 'LIMIT', offset, 100)
  if #keys == 0 then break end
  for _, k in ipairs(keys) do
    local jk = P..'job:'..k
    local lease = redis.call('HMGET', jk, 'leaseOwner', 'leaseUntil')
    if ((not lease[1]) or tonumber(lease[2]) <= now) and redis.call('HLEN', P..'subs:'..k) > 0 then
      redis.call('HSET', jk, 'leaseOwner', owner, 'leaseUntil', untilAt)
      table.insert(out, { k, redis.call('HGETALL', jk) })
      if #out >= limit then break end
    end
  end
  offset = offset + #keys
end
return out
`;

/**
 * ARGV: P, owner, K, lastJob|'', nextPollAt, scheduleJson, end|'', n, then n × (C, kind, payloadJson).
 * Returns 1, or 0 changing nothing when owner does not hold the lease.
 */
const COMMIT_POLL = `
local owner, k = ARGV[2], ARGV[3]
local jk = P..'job:'..k
if redis.call('HGET', jk, 'leaseOwner') ~= owner then return 0 end
if ARGV[4] ~= '' then redis.call('HSET', jk, 'lastJob', ARGV[4]) end
redis.call('HSET', jk, 'nextPollAt', ARGV[5], 'schedule', ARGV[6])
redis.call('HDEL', jk, 'leaseOwner', 'leaseUntil')
if ARGV[7] ~= '' then
  redis.call('HSET', jk, 'state', 'ended', 'endReason', ARGV[7])
  redis.call('ZREM', P..'due', k)
else
  redis.call('ZADD', P..'due', ARGV[5], k)
end
local n = tonumber(ARGV[8])
for i = 0, n - 1 do
  local c, kind, payload = ARGV[9 + 3 * i], ARGV[10 + 3 * i], ARGV[11 + 3 * i]
  if redis.call('HEXISTS', P..'subs:'..k, c) == 1 then
    local q = k..'\\n'..c
    local notBefore = 0
    if kind == 'card' then
      -- Coalescing: an unclaimed pending card of this queue is replaced, keeping its backoff.
      for _, id in ipairs(redis.call('ZRANGE', P..'pq:'..q, 0, -1)) do
        local m = redis.call('HMGET', P..'msg:'..id, 'kind', 'leaseOwner', 'notBefore')
        if m[1] == 'card' and not m[2] then
          notBefore = math.max(notBefore, tonumber(m[3]))
          delete_message(q, id)
        end
      end
    end
    local id = redis.call('INCR', P..'seq')
    redis.call('HSET', P..'msg:'..id, 'jobKey', k, 'conversationId', c, 'kind', kind, 'payload', payload,
      'state', 'pending', 'attempts', 0, 'notBefore', string.format('%d', notBefore))
    redis.call('SADD', P..'pending', id)
    redis.call('ZADD', P..'pq:'..q, id, id)
    refresh_head(q)
  end
end
return 1
`;

/** ARGV: P, owner, K, nextPollAt|''. */
const RELEASE_JOB = `
local jk = P..'job:'..ARGV[3]
if redis.call('HGET', jk, 'leaseOwner') ~= ARGV[2] then return 0 end
redis.call('HDEL', jk, 'leaseOwner', 'leaseUntil')
if ARGV[4] ~= '' then
  redis.call('HSET', jk, 'nextPollAt', ARGV[4])
  if redis.call('HGET', jk, 'state') == 'active' then redis.call('ZADD', P..'due', ARGV[4], ARGV[3]) end
end
return 1
`;

/**
 * ARGV: P, owner, now, leaseUntil, limit → { {id, K, C, payload, attempts, notBefore, input, createdAt, cardId, cardDigest, teamId}, … }.
 * Only queue heads are candidates; among the claimable ones the oldest ids go first.
 */
const CLAIM_MESSAGES = `
local owner, untilAt, limit = ARGV[2], ARGV[4], tonumber(ARGV[5])
local candidates = redis.call('ZRANGEBYSCORE', P..'heads', '-inf', ARGV[3])
table.sort(candidates)
local out = {}
for _, member in ipairs(candidates) do
  if #out >= limit then break end
  local bar = string.find(member, '|', 1, true)
  local id = tostring(tonumber(string.sub(member, 1, bar - 1)))
  local q = string.sub(member, bar + 1)
  local mk = P..'msg:'..id
  local m = redis.call('HMGET', mk, 'jobKey', 'conversationId', 'payload', 'attempts', 'notBefore')
  local s = subscriber_of(m[1], m[2])
  if s[1] then
    redis.call('HSET', mk, 'leaseOwner', owner, 'leaseUntil', untilAt)
    refresh_head(q)
    table.insert(out, { id, m[1], m[2], m[3], m[4], m[5], s[1], s[2], s[3], s[4], s[5] })
  end
end
return out
`;

/** ARGV: P, id, sentTtlSeconds, hasActivityId '1'|'0', activityId, hasDigest, digest. */
const COMPLETE_MESSAGE = `
local id = ARGV[2]
local mk = P..'msg:'..id
local m = redis.call('HMGET', mk, 'state', 'kind', 'jobKey', 'conversationId')
if m[1] ~= 'pending' then return 0 end
local k, c = m[3], m[4]
local q = k..'\\n'..c
if m[2] == 'card' then
  if redis.call('HEXISTS', P..'subs:'..k, c) == 1 then
    if ARGV[4] == '1' then redis.call('HSET', P..'cardid:'..k, c, ARGV[5]) end
    if ARGV[6] == '1' then redis.call('HSET', P..'carddig:'..k, c, ARGV[7]) end
  end
  -- A delivered card is fully described by the subscription's card id and digest.
  delete_message(q, id)
else
  redis.call('HSET', mk, 'state', 'sent')
  redis.call('HDEL', mk, 'leaseOwner', 'leaseUntil')
  redis.call('ZREM', P..'pq:'..q, id)
  redis.call('SREM', P..'pending', id)
  redis.call('EXPIRE', mk, ARGV[3])
end
refresh_head(q)
return 1
`;

/** ARGV: P, owner, id, notBefore, error. */
const RETRY_MESSAGE = `
local mk = P..'msg:'..ARGV[3]
local m = redis.call('HMGET', mk, 'state', 'leaseOwner', 'jobKey', 'conversationId')
if m[1] ~= 'pending' or m[2] ~= ARGV[2] then return 0 end
redis.call('HINCRBY', mk, 'attempts', 1)
redis.call('HSET', mk, 'notBefore', ARGV[4], 'lastError', ARGV[5])
redis.call('HDEL', mk, 'leaseOwner', 'leaseUntil')
refresh_head(m[3]..'\\n'..m[4])
return 1
`;

/** ARGV: P, owner, id, error, failedTtlSeconds. */
const FAIL_MESSAGE = `
local id = ARGV[3]
local mk = P..'msg:'..id
local m = redis.call('HMGET', mk, 'state', 'leaseOwner', 'jobKey', 'conversationId')
if m[1] ~= 'pending' or m[2] ~= ARGV[2] then return 0 end
local q = m[3]..'\\n'..m[4]
redis.call('HINCRBY', mk, 'attempts', 1)
redis.call('HSET', mk, 'state', 'failed', 'lastError', ARGV[4])
redis.call('HDEL', mk, 'leaseOwner', 'leaseUntil')
redis.call('ZREM', P..'pq:'..q, id)
redis.call('SREM', P..'pending', id)
redis.call('EXPIRE', mk, ARGV[5])
refresh_head(q)
return 1
`;

export const SCRIPTS = {
  bjSubscribe: SUBSCRIBE,
  bjUnsubscribe: UNSUBSCRIBE,
  bjDropConversation: DROP_CONVERSATION,
  bjDropTeam: DROP_TEAM,
  bjIndexConversations: INDEX_CONVERSATIONS,
  bjListByConversation: LIST_BY_CONVERSATION,
  bjSubscribers: SUBSCRIBERS,
  bjSetCard: SET_CARD,
  bjStats: STATS,
  bjClaimJobs: CLAIM_JOBS,
  bjCommitPoll: COMMIT_POLL,
  bjReleaseJob: RELEASE_JOB,
  bjClaimMessages: CLAIM_MESSAGES,
  bjCompleteMessage: COMPLETE_MESSAGE,
  bjRetryMessage: RETRY_MESSAGE,
  bjFailMessage: FAIL_MESSAGE,
} as const;

export type ScriptName = keyof typeof SCRIPTS;

/** The full source of a script: the shared helpers, then its body. */
export function scriptSource(name: ScriptName): string {
  return `${HELPERS}\n${SCRIPTS[name]}`;
}
