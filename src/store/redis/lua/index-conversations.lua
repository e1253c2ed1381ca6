-- ARGV: P, C… → how many were added. Adds to the conversation index each C that still has a conv set.
local n = 0
for i = 2, #ARGV do
  if redis.call('EXISTS', P..'conv:'..ARGV[i]) == 1 then n = n + redis.call('ZADD', P..'convs', 0, ARGV[i]) end
end
return n
