-- ARGV: P, C → { {K, jobFlat, input, createdAt, cardId, cardDigest, teamId}, … } for each followed job that exists.
local c = ARGV[2]
local out = {}
for _, k in ipairs(redis.call('SMEMBERS', P..'conv:'..c)) do
  local job = redis.call('HGETALL', P..'job:'..k)
  local s = subscriber_of(k, c)
  if #job > 0 and s[1] then table.insert(out, { k, job, s[1], s[2], s[3], s[4], s[5] }) end
end
return out
