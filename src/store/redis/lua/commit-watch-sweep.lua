-- ARGV: P, owner, V, stateJson, now, forgetBefore, n, then n × (C, kind, payloadJson, jobId|'', event|'', m, m × announcement "jobId|event").
-- Returns 1, or 0 changing nothing when owner does not hold the sweep's lease.
local owner, v, now = ARGV[2], ARGV[3], ARGV[5]
local k = P..'wsweep:'..v
if redis.call('HGET', k, 'leaseOwner') ~= owner then return 0 end
redis.call('HSET', k, 'state', ARGV[4])
redis.call('HDEL', k, 'leaseOwner', 'leaseUntil')
local i = 8
for _ = 1, tonumber(ARGV[7]) do
  local c, kind, payload, wjob, wevent, m = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], tonumber(ARGV[i + 5])
  local first = i + 6
  i = first + m
  local fresh = redis.call('HEXISTS', P..'w:'..c, v) == 1
  for j = first, first + m - 1 do
    if fresh and redis.call('HEXISTS', P..'wann:'..c, ARGV[j]) == 1 then fresh = false end
  end
  if fresh then
    for j = first, first + m - 1 do
      redis.call('HSET', P..'wann:'..c, ARGV[j], now)
      redis.call('ZADD', P..'wannat', now, c..'\n'..ARGV[j])
    end
    local q = 'watch:'..v..'\n'..c
    local id = redis.call('INCR', P..'seq')
    redis.call('HSET', P..'msg:'..id, 'jobKey', 'watch:'..v, 'conversationId', c, 'kind', kind, 'payload', payload,
      'state', 'pending', 'attempts', 0, 'notBefore', '0', 'wjob', wjob, 'wevent', wevent)
    redis.call('SADD', P..'pending', id)
    redis.call('ZADD', P..'pq:'..q, id, id)
    refresh_head(q)
  end
end
-- Forget old announcements (bounded per call; the next sweeps continue).
local old = redis.call('ZRANGEBYSCORE', P..'wannat', '-inf', '('..ARGV[6], 'LIMIT', 0, 500)
for _, member in ipairs(old) do
  local nl = string.find(member, '\n', 1, true)
  local c, field = string.sub(member, 1, nl - 1), string.sub(member, nl + 1)
  redis.call('HDEL', P..'wann:'..c, field)
  local bar = string.find(field, '|', 1, true)
  if string.sub(field, bar + 1) == 'started' then redis.call('HDEL', P..'wcard:'..c, string.sub(field, 1, bar - 1)) end
  redis.call('ZREM', P..'wannat', member)
end
return 1
