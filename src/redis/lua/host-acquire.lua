--[[
  Takes a politeness slot for one host, in one round trip and atomically across workers: drops expired leases,
  then either grants a slot (a lease that frees itself if its holder dies) or says when to come back.

  Input:
    KEYS[1] host state (hash: pausedUntil, nextSlotAt)
    KEYS[2] host's slots in flight (sorted set of holders by lease expiry)
    ARGV[1] now (epoch ms)
    ARGV[2] max requests in flight to the host
    ARGV[3] min ms between request starts
    ARGV[4] lease ms
    ARGV[5] holder id
  Output:
    0 when granted, else the epoch ms at which to try again
]]
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local paused = tonumber(redis.call('HGET', KEYS[1], 'pausedUntil') or '0')
if paused > now then return paused end
local nextSlot = tonumber(redis.call('HGET', KEYS[1], 'nextSlotAt') or '0')
if nextSlot > now then return nextSlot end
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[2]) then return now + math.max(tonumber(ARGV[3]), 50) end
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[4]), ARGV[5])
redis.call('HSET', KEYS[1], 'nextSlotAt', now + tonumber(ARGV[3]))
local ttl = math.ceil((tonumber(ARGV[4]) + tonumber(ARGV[3])) / 1000) + 60
redis.call('EXPIRE', KEYS[1], ttl)
redis.call('EXPIRE', KEYS[2], ttl)
return 0
