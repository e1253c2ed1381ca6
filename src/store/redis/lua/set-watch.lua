-- ARGV: P, C, V, inputJson, now, max, teamId|'' → 'created' | 'updated' | 'capped'.
local c, v, input, now, max, t = ARGV[2], ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6]), ARGV[7]
if redis.call('HEXISTS', P..'w:'..c, v) == 1 then
  redis.call('HSET', P..'w:'..c, v, input)
  -- As a subscription: a change without a team id keeps the stored one.
  if t ~= '' and not redis.call('HGET', P..'wteamof:'..c, v) then
    redis.call('HSET', P..'wteamof:'..c, v, t)
    redis.call('SADD', P..'wteam:'..t, c..'\n'..v)
  end
  return 'updated'
end
if redis.call('HLEN', P..'w:'..c) >= max then return 'capped' end
redis.call('HSET', P..'w:'..c, v, input)
redis.call('HSET', P..'wat:'..c, v, now)
if t ~= '' then
  redis.call('HSET', P..'wteamof:'..c, v, t)
  redis.call('SADD', P..'wteam:'..t, c..'\n'..v)
end
redis.call('SADD', P..'wv:'..v, c)
redis.call('ZADD', P..'wvaults', 0, v)
redis.call('ZADD', P..'wconvs', 0, c)
return 'created'
