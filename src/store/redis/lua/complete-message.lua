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
  if ARGV[4] == '1' and string.sub(k, 1, 6) == 'watch:' then
    local w = redis.call('HMGET', mk, 'wjob', 'wevent')
    -- A watch's start card: its id, so the end replaces it in place.
    if w[2] == 'started' and redis.call('HEXISTS', P..'wann:'..c, w[1]..'|started') == 1 then
      redis.call('HSET', P..'wcard:'..c, w[1], ARGV[5])
    end
  end
  redis.call('HSET', mk, 'state', 'sent')
  redis.call('HDEL', mk, 'leaseOwner', 'leaseUntil')
  redis.call('ZREM', P..'pq:'..q, id)
  redis.call('SREM', P..'pending', id)
  redis.call('EXPIRE', mk, ARGV[3])
end
refresh_head(q)
return 1
