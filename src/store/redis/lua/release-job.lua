-- ARGV: P, owner, K, nextPollAt|''.
local jk = P..'job:'..ARGV[3]
if redis.call('HGET', jk, 'leaseOwner') ~= ARGV[2] then return 0 end
redis.call('HDEL', jk, 'leaseOwner', 'leaseUntil')
if ARGV[4] ~= '' then
  redis.call('HSET', jk, 'nextPollAt', ARGV[4])
  if redis.call('HGET', jk, 'state') == 'active' then redis.call('ZADD', P..'due', ARGV[4], ARGV[3]) end
end
return 1
