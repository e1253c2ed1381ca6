-- ARGV: P, owner, K, lastJob|'', nextPollAt, scheduleJson, end|'', n, then n × (C, kind, payloadJson).
-- Returns 1, or 0 changing nothing when owner does not hold the lease.
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
    local q = k..'\n'..c
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
