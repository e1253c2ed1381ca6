-- ARGV: P, K, C, activityId, digest.
local k, c = ARGV[2], ARGV[3]
if redis.call('HEXISTS', P..'subs:'..k, c) == 0 then return 0 end
redis.call('HSET', P..'cardid:'..k, c, ARGV[4])
redis.call('HSET', P..'carddig:'..k, c, ARGV[5])
return 1
