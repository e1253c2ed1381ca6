-- ARGV: P, owner, id, notBefore, error.
local mk = P..'msg:'..ARGV[3]
local m = redis.call('HMGET', mk, 'state', 'leaseOwner', 'jobKey', 'conversationId')
if m[1] ~= 'pending' or m[2] ~= ARGV[2] then return 0 end
redis.call('HINCRBY', mk, 'attempts', 1)
redis.call('HSET', mk, 'notBefore', ARGV[4], 'lastError', ARGV[5])
redis.call('HDEL', mk, 'leaseOwner', 'leaseUntil')
refresh_head(m[3]..'\n'..m[4])
return 1
