-- ARGV: prefix, samplesPerItem, itemsPerVault, then per sample: itemKey, vaultKey, jobId, endedAt, sampleJson
-- Reply: how many samples were new.
-- P.."dur:"..I ZSET job ids of item I scored by endedAt · P.."durs:"..I HASH job id → sample JSON
-- P.."duri:"..V ZSET items of vault V scored by their newest endedAt
local P = ARGV[1]
local keep = tonumber(ARGV[2])
local items = tonumber(ARGV[3])
local added = 0
local i = 4
while i + 4 <= #ARGV do
  local item, vault, job, at, json = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
  i = i + 5
  local z = P .. 'dur:' .. item
  if redis.call('ZSCORE', z, job) == false then
    added = added + 1
    redis.call('ZADD', z, at, job)
    redis.call('HSET', P .. 'durs:' .. item, job, json)
    -- Ties on endedAt are ordered by job id, as SQLite orders them.
    local old = redis.call('ZRANGE', z, 0, -(keep + 1))
    if #old > 0 then
      redis.call('ZREMRANGEBYRANK', z, 0, -(keep + 1))
      redis.call('HDEL', P .. 'durs:' .. item, unpack(old))
    end
    local vi = P .. 'duri:' .. vault
    local cur = redis.call('ZSCORE', vi, item)
    if cur == false or tonumber(cur) < tonumber(at) then redis.call('ZADD', vi, at, item) end
    local evicted = redis.call('ZRANGE', vi, 0, -(items + 1))
    if #evicted > 0 then
      for _, e in ipairs(evicted) do redis.call('DEL', P .. 'dur:' .. e, P .. 'durs:' .. e) end
      redis.call('ZREMRANGEBYRANK', vi, 0, -(items + 1))
    end
  end
end
return added
