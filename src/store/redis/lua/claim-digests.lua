-- ARGV: P, owner, now, leaseUntil, limit → { {C, input, createdAt, nextAt}, … } due and not leased, earliest first.
local owner, now, untilAt, limit = ARGV[2], tonumber(ARGV[3]), ARGV[4], tonumber(ARGV[5])
local out = {}
for _, c in ipairs(redis.call('ZRANGEBYSCORE', P..'dgdue', '-inf', ARGV[3])) do
  if #out >= limit then break end
  local k = P..'dg:'..c
  local d = redis.call('HMGET', k, 'input', 'createdAt', 'nextAt', 'leaseUntil')
  if d[1] and (not d[4] or tonumber(d[4]) <= now) then
    redis.call('HSET', k, 'leaseOwner', owner, 'leaseUntil', untilAt)
    table.insert(out, { c, d[1], d[2], d[3] })
  end
end
return out
