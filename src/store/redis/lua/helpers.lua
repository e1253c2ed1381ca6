-- Helpers shared by the scripts; the loader (lua.ts) prepends this file to each. ARGV[1] is always the key prefix.
local P = ARGV[1]

local function refresh_head(q)
  local old = redis.call('HGET', P..'headof', q)
  if old then redis.call('ZREM', P..'heads', old) end
  local first = redis.call('ZRANGE', P..'pq:'..q, 0, 0)
  if #first == 0 then
    redis.call('HDEL', P..'headof', q)
    return
  end
  local id = first[1]
  local m = redis.call('HMGET', P..'msg:'..id, 'notBefore', 'leaseOwner', 'leaseUntil')
  local at = m[1]
  if m[2] and tonumber(m[3]) > tonumber(at) then at = m[3] end
  local member = string.format('%016d', tonumber(id))..'|'..q
  redis.call('ZADD', P..'heads', at, member)
  redis.call('HSET', P..'headof', q, member)
end

local function delete_message(q, id)
  redis.call('ZREM', P..'pq:'..q, id)
  redis.call('DEL', P..'msg:'..id)
  redis.call('SREM', P..'pending', id)
end

local function drop_pending(k, c)
  local q = k..'\n'..c
  local ids = redis.call('ZRANGE', P..'pq:'..q, 0, -1)
  for _, id in ipairs(ids) do delete_message(q, id) end
  refresh_head(q)
end

-- One fewer subscription of C stored with team T.
local function team_release(t, c)
  if redis.call('HINCRBY', P..'team:'..t, c, -1) <= 0 then redis.call('HDEL', P..'team:'..t, c) end
end

-- Removes one subscription; returns the remaining count, or -1 when it did not exist.
local function remove_subscription(k, c)
  if redis.call('HDEL', P..'subs:'..k, c) == 0 then return -1 end
  redis.call('HDEL', P..'subat:'..k, c)
  redis.call('HDEL', P..'cardid:'..k, c)
  redis.call('HDEL', P..'carddig:'..k, c)
  local t = redis.call('HGET', P..'subteam:'..k, c)
  if t then
    redis.call('HDEL', P..'subteam:'..k, c)
    team_release(t, c)
  end
  redis.call('SREM', P..'conv:'..c, k)
  if redis.call('EXISTS', P..'conv:'..c) == 0 then redis.call('ZREM', P..'convs', c) end
  drop_pending(k, c)
  local n = redis.call('HLEN', P..'subs:'..k)
  if n == 0 then
    redis.call('DEL', P..'job:'..k, P..'subs:'..k, P..'subat:'..k, P..'cardid:'..k, P..'carddig:'..k, P..'subteam:'..k)
    redis.call('ZREM', P..'due', k)
  end
  return n
end

-- {input, createdAt, cardId, cardDigest, teamId}; absent values are false (nil replies).
local function subscriber_of(k, c)
  return { redis.call('HGET', P..'subs:'..k, c), redis.call('HGET', P..'subat:'..k, c),
    redis.call('HGET', P..'cardid:'..k, c), redis.call('HGET', P..'carddig:'..k, c),
    redis.call('HGET', P..'subteam:'..k, c) }
end

-- Watches (WatchStore): removes C's watch of vault V with its pending notices; 1, or 0 when none.
local function remove_watch(c, v)
  if redis.call('HDEL', P..'w:'..c, v) == 0 then return 0 end
  redis.call('HDEL', P..'wat:'..c, v)
  local t = redis.call('HGET', P..'wteamof:'..c, v)
  if t then
    redis.call('HDEL', P..'wteamof:'..c, v)
    redis.call('SREM', P..'wteam:'..t, c..'\n'..v)
  end
  redis.call('SREM', P..'wv:'..v, c)
  if redis.call('EXISTS', P..'wv:'..v) == 0 then redis.call('ZREM', P..'wvaults', v) end
  if redis.call('EXISTS', P..'w:'..c) == 0 then redis.call('ZREM', P..'wconvs', c) end
  drop_pending('watch:'..v, c)
  return 1
end

-- Digests (DigestStore): removes C's digest and its undelivered card; 1, or 0 when none.
local function remove_digest(c)
  local k = P..'dg:'..c
  if redis.call('EXISTS', k) == 0 then return 0 end
  local t = redis.call('HGET', k, 'teamId')
  if t then redis.call('SREM', P..'dgteam:'..t, c) end
  redis.call('DEL', k)
  redis.call('ZREM', P..'dgdue', c)
  redis.call('ZREM', P..'dgconvs', c)
  drop_pending('digest:', c)
  return 1
end

-- The cap that refuses C one more subscription of K (SubscriptionStore.refusedBy), or nil. Active ⇔ in "due".
local function cap_refusal(k, c, pending, per_conversation, total, pending_per_conversation)
  local active, unconfirmed = 0, 0
  for _, j in ipairs(redis.call('SMEMBERS', P..'conv:'..c)) do
    if redis.call('ZSCORE', P..'due', j) then
      if j == k then return nil end
      active = active + 1
      if redis.call('HEXISTS', P..'job:'..j, 'lastJob') == 0 then unconfirmed = unconfirmed + 1 end
    end
  end
  if active >= tonumber(per_conversation) then return 'jobsPerConversation' end
  if pending and unconfirmed >= tonumber(pending_per_conversation) then return 'pendingPerConversation' end
  if not redis.call('ZSCORE', P..'due', k) and redis.call('ZCARD', P..'due') >= tonumber(total) then return 'jobsTotal' end
  return nil
end
