-- ARGV: P, owner, V, now, leaseUntil → the sweep's state JSON ('{}' when never swept), or false when another owner holds it.
local owner, v, now = ARGV[2], ARGV[3], tonumber(ARGV[4])
local k = P..'wsweep:'..v
local s = redis.call('HMGET', k, 'state', 'leaseOwner', 'leaseUntil')
if s[2] and s[2] ~= owner and tonumber(s[3]) > now then return false end
redis.call('HSET', k, 'leaseOwner', owner, 'leaseUntil', ARGV[5])
return s[1] or '{}'
