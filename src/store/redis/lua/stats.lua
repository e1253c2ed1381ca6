-- ARGV: P → {activeJobs, subscriptions of active jobs, pending messages}.
local subs = 0
for _, k in ipairs(redis.call('ZRANGE', P..'due', 0, -1)) do subs = subs + redis.call('HLEN', P..'subs:'..k) end
return { redis.call('ZCARD', P..'due'), subs, redis.call('SCARD', P..'pending') }
