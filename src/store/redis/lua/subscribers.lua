-- ARGV: P, K → { {C, input, createdAt, cardId, cardDigest, teamId}, … }.
local k = ARGV[2]
local out = {}
for _, c in ipairs(redis.call('HKEYS', P..'subs:'..k)) do
  local s = subscriber_of(k, c)
  table.insert(out, { c, s[1], s[2], s[3], s[4], s[5] })
end
return out
