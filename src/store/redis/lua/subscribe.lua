-- ARGV: P, K, vaultJson, jobId, lastJobJson|'', nextPollAt, C, inputJson, now, teamId|'',
--   then jobsPerConversation, jobsTotal, pendingPerConversation, or nothing without caps
--   → {jobCreated, subscriptionCreated, refusing cap|''}.
-- Without a team id the stored one stays (SubscriptionStore.subscribe).
local k, c, now = ARGV[2], ARGV[7], ARGV[9]
if ARGV[11] then
  local refused = cap_refusal(k, c, ARGV[5] == '', ARGV[11], ARGV[12], ARGV[13])
  if refused then return { 0, 0, refused } end
end
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
return { created, 1 - existed, '' }
