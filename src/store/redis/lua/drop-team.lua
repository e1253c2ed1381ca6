-- ARGV: P, T → subscriptions removed: those stored with team T, found through the team's conversations.
-- The conversation's subscriptions of another team or none (possible only for ids Teams reuses) stay.
local t = ARGV[2]
local n = 0
for _, c in ipairs(redis.call('HKEYS', P..'team:'..t)) do
  for _, k in ipairs(redis.call('SMEMBERS', P..'conv:'..c)) do
    if redis.call('HGET', P..'subteam:'..k, c) == t and remove_subscription(k, c) >= 0 then n = n + 1 end
  end
end
-- Empty by now unless an older build removed subscriptions without updating it: nothing left to find.
redis.call('DEL', P..'team:'..t)
for _, cv in ipairs(redis.call('SMEMBERS', P..'wteam:'..t)) do
  local nl = string.find(cv, '\n', 1, true)
  remove_watch(string.sub(cv, 1, nl - 1), string.sub(cv, nl + 1))
end
redis.call('DEL', P..'wteam:'..t)
for _, c in ipairs(redis.call('SMEMBERS', P..'dgteam:'..t)) do remove_digest(c) end
redis.call('DEL', P..'dgteam:'..t)
return n
