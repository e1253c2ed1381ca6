-- ARGV: prefix, vaultKey, now, everyMs
-- Reply: 1 when the vault's history was not read since now - everyMs (and now it is noted), else 0.
-- P.."hist" HASH vault key → when its history was last read
local P, vault, now, every = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local last = redis.call('HGET', P .. 'hist', vault)
if last ~= false and tonumber(last) > now - every then return 0 end
redis.call('HSET', P .. 'hist', vault, ARGV[3])
return 1
