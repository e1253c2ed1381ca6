-- ARGV: P, C, threadsFrom, threadsTo → subscriptions removed. Drops C and every id in
-- [threadsFrom, threadsTo) of the conversation index: C's threads (records.ts threadRange).
local ids = redis.call('ZRANGEBYLEX', P..'convs', '['..ARGV[3], '('..ARGV[4])
table.insert(ids, ARGV[2])
local n = 0
for _, c in ipairs(ids) do
  for _, k in ipairs(redis.call('SMEMBERS', P..'conv:'..c)) do
    if remove_subscription(k, c) >= 0 then n = n + 1 end
  end
  redis.call('DEL', P..'conv:'..c)
  redis.call('ZREM', P..'convs', c)
end
-- Its watches too, and those of its threads.
local wids = redis.call('ZRANGEBYLEX', P..'wconvs', '['..ARGV[3], '('..ARGV[4])
table.insert(wids, ARGV[2])
for _, c in ipairs(wids) do
  for _, v in ipairs(redis.call('HKEYS', P..'w:'..c)) do remove_watch(c, v) end
end
local dids = redis.call('ZRANGEBYLEX', P..'dgconvs', '['..ARGV[3], '('..ARGV[4])
table.insert(dids, ARGV[2])
for _, c in ipairs(dids) do remove_digest(c) end
return n
