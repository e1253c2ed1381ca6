-- ARGV: P, C, inputJson, teamId|'', now, nextAt → 'created' | 'updated'.
local c, t = ARGV[2], ARGV[4]
local k = P..'dg:'..c
local existed = redis.call('EXISTS', k) == 1
if not existed then redis.call('HSET', k, 'createdAt', ARGV[5]) end
redis.call('HSET', k, 'input', ARGV[3], 'nextAt', ARGV[6])
if t ~= '' and not redis.call('HGET', k, 'teamId') then
  redis.call('HSET', k, 'teamId', t)
  redis.call('SADD', P..'dgteam:'..t, c)
end
redis.call('ZADD', P..'dgdue', ARGV[6], c)
redis.call('ZADD', P..'dgconvs', 0, c)
if existed then return 'updated' end
return 'created'
