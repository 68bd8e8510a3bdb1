--[[
  What the host politeness scripts share: taking a slot and giving one back.

  acquire: atomic across workers, drops expired leases, then either grants a slot (a lease that frees itself if
  its holder dies) or says when to come back (0 when granted, else the epoch ms to try again).

  release: the request is over, its slot goes back, and the host's next request starts no sooner than the spacing
  from now. Spacing from the end as well as from the start, so that the time we spend between taking a slot and
  sending (or a slow answer) never shortens the gap the host sees between one request and the next. Expiries only
  grow: the state may carry a longer pause.
]]
local function acquire(state, active, now, maxConcurrent, spacing, lease, holder)
  redis.call('ZREMRANGEBYSCORE', active, '-inf', now)
  local paused = tonumber(redis.call('HGET', state, 'pausedUntil') or '0')
  if paused > now then return paused end
  local nextSlot = tonumber(redis.call('HGET', state, 'nextSlotAt') or '0')
  if nextSlot > now then return nextSlot end
  if redis.call('ZCARD', active) >= maxConcurrent then return now + math.max(spacing, 50) end
  redis.call('ZADD', active, now + lease, holder)
  redis.call('HSET', state, 'nextSlotAt', now + spacing)
  local ttl = math.ceil((lease + spacing) / 1000) + 60
  if redis.call('TTL', state) < ttl then redis.call('EXPIRE', state, ttl) end
  redis.call('EXPIRE', active, ttl)
  return 0
end

local function release(state, active, holder, now, spacing)
  redis.call('ZREM', active, holder)
  local nextSlot = now + spacing
  if nextSlot > tonumber(redis.call('HGET', state, 'nextSlotAt') or '0') then
    redis.call('HSET', state, 'nextSlotAt', nextSlot)
    local ttl = math.ceil(spacing / 1000) + 60
    if redis.call('TTL', state) < ttl then redis.call('EXPIRE', state, ttl) end
  end
  return 1
end
