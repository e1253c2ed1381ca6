-- ARGV: P, owner, id, error, failedTtlSeconds.
local id = ARGV[3]
local mk = P..'msg:'..id
local m = redis.call('HMGET', mk, 'state', 'leaseOwner', 'jobKey', 'conversationId')
if m[1] ~= 'pending' or m[2] ~= ARGV[2] then return 0 end
local q = m[3]..'\n'..m[4]
redis.call('HINCRBY', mk, 'attempts', 1)
redis.call('HSET', mk, 'state', 'failed', 'lastError', ARGV[4])
redis.call('HDEL', mk, 'leaseOwner', 'leaseUntil')
redis.call('ZREM', P..'pq:'..q, id)
redis.call('SREM', P..'pending', id)
redis.call('EXPIRE', mk, ARGV[5])
refresh_head(q)
return 1
