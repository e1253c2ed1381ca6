-- ARGV: P, owner, C, day, nextAt, payloadJson|'' → 1, or 0 changing nothing when owner does not hold the lease.
-- The card is enqueued only for a day later than the last one sent (days compare as YYYY-MM-DD text).
local owner, c, day, payload = ARGV[2], ARGV[3], ARGV[4], ARGV[6]
local k = P..'dg:'..c
if redis.call('HGET', k, 'leaseOwner') ~= owner then return 0 end
local last = redis.call('HGET', k, 'lastDay')
if payload ~= '' and (not last or day > last) then
  local q = 'digest:\n'..c
  local id = redis.call('INCR', P..'seq')
  redis.call('HSET', P..'msg:'..id, 'jobKey', 'digest:', 'conversationId', c, 'kind', 'digest', 'payload', payload,
    'state', 'pending', 'attempts', 0, 'notBefore', '0')
  redis.call('SADD', P..'pending', id)
  redis.call('ZADD', P..'pq:'..q, id, id)
  refresh_head(q)
  redis.call('HSET', k, 'lastDay', day)
end
redis.call('HSET', k, 'nextAt', ARGV[5])
redis.call('HDEL', k, 'leaseOwner', 'leaseUntil')
redis.call('ZADD', P..'dgdue', ARGV[5], c)
return 1
