-- ARGV: P, id, sentTtlSeconds, hasActivityId '1'|'0', activityId, hasDigest, digest.
local id = ARGV[2]
local mk = P..'msg:'..id
local m = redis.call('HMGET', mk, 'state', 'kind', 'jobKey', 'conversationId')
if m[1] ~= 'pending' then return 0 end
local k, c = m[3], m[4]
local q = k..'\n'..c
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
