-- ARGV: P, owner, now, leaseUntil, limit → {K, flat HGETALL} of each claimed job, earliest nextPollAt first.
-- Walks the due jobs in order in pages, passing over leased ones (few: bounded by polls in flight).
local owner, now, untilAt, limit = ARGV[2], tonumber(ARGV[3]), ARGV[4], tonumber(ARGV[5])
local out = {}
local offset = 0
while #out < limit do
  local keys = redis.call('ZRANGEBYSCORE', P..'due', '-inf', ARGV[3], 'LIMIT', offset, 100)
  if #keys == 0 then break end
  for _, k in ipairs(keys) do
    local jk = P..'job:'..k
    local lease = redis.call('HMGET', jk, 'leaseOwner', 'leaseUntil')
    if ((not lease[1]) or tonumber(lease[2]) <= now) and redis.call('HLEN', P..'subs:'..k) > 0 then
      redis.call('HSET', jk, 'leaseOwner', owner, 'leaseUntil', untilAt)
      table.insert(out, { k, redis.call('HGETALL', jk) })
      if #out >= limit then break end
    end
  end
  offset = offset + #keys
end
return out
