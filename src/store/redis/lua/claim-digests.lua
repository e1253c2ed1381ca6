-- ARGV: P, owner, now, leaseUntil, limit, C|'' → { {C, input, createdAt, nextAt}, … } due and not leased, earliest first;
-- with C, only that conversation's digest (a BullMQ digest job claims its own).
local owner, now, untilAt, limit, only = ARGV[2], tonumber(ARGV[3]), ARGV[4], tonumber(ARGV[5]), ARGV[6]
local out = {}
local candidates
if only ~= nil and only ~= '' then
  local score = redis.call('ZSCORE', P..'dgdue', only)
  candidates = {}
  if score and tonumber(score) <= now then candidates = { only } end
else
  candidates = redis.call('ZRANGEBYSCORE', P..'dgdue', '-inf', ARGV[3])
end
for _, c in ipairs(candidates) do
  if #out >= limit then break end
  local k = P..'dg:'..c
  local d = redis.call('HMGET', k, 'input', 'createdAt', 'nextAt', 'leaseUntil')
  if d[1] and (not d[4] or tonumber(d[4]) <= now) then
    redis.call('HSET', k, 'leaseOwner', owner, 'leaseUntil', untilAt)
    table.insert(out, { c, d[1], d[2], d[3] })
  end
end
return out
