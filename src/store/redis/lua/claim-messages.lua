-- ARGV: P, owner, now, leaseUntil, limit → { {id, K, C, payload, attempts, notBefore, input, createdAt, cardId, cardDigest, teamId}, … }.
-- Only queue heads are candidates; among the claimable ones the oldest ids go first.
local owner, untilAt, limit = ARGV[2], ARGV[4], tonumber(ARGV[5])
local candidates = redis.call('ZRANGEBYSCORE', P..'heads', '-inf', ARGV[3])
table.sort(candidates)
local out = {}
for _, member in ipairs(candidates) do
  if #out >= limit then break end
  local bar = string.find(member, '|', 1, true)
  local id = tostring(tonumber(string.sub(member, 1, bar - 1)))
  local q = string.sub(member, bar + 1)
  local mk = P..'msg:'..id
  local m = redis.call('HMGET', mk, 'jobKey', 'conversationId', 'payload', 'attempts', 'notBefore', 'wjob', 'wevent')
  local s
  if string.sub(m[1], 1, 6) == 'watch:' then
    -- A watch notice goes to the watch: {watch input, createdAt, the start's card id for an end, false, team}.
    local v = string.sub(m[1], 7)
    local card = false
    if m[7] == 'ended' then card = redis.call('HGET', P..'wcard:'..m[2], m[6]) end
    s = { redis.call('HGET', P..'w:'..m[2], v), redis.call('HGET', P..'wat:'..m[2], v), card, false,
      redis.call('HGET', P..'wteamof:'..m[2], v) }
  elseif m[1] == 'digest:' then
    local d = redis.call('HMGET', P..'dg:'..m[2], 'input', 'createdAt', 'teamId')
    s = { d[1], d[2], false, false, d[3] }
  else
    s = subscriber_of(m[1], m[2])
  end
  if s[1] then
    redis.call('HSET', mk, 'leaseOwner', owner, 'leaseUntil', untilAt)
    refresh_head(q)
    table.insert(out, { id, m[1], m[2], m[3], m[4], m[5], s[1], s[2], s[3], s[4], s[5] })
  end
end
return out
