--[[
  The request is over: its slot goes back, and the host's next request starts no sooner than the spacing from now.
  Spacing from the end as well as from the start, so that the time we spend between taking a slot and sending
  (or a slow answer) never shortens the gap the host sees between one request and the next.

  Input:
    KEYS[1] host state (hash: pausedUntil, nextSlotAt)
    KEYS[2] host's slots in flight (sorted set of holders by lease expiry)
    ARGV[1] holder id
    ARGV[2] now (epoch ms)
    ARGV[3] min ms between request starts
  Output:
    1
]]
redis.call('ZREM', KEYS[2], ARGV[1])
local nextSlot = tonumber(ARGV[2]) + tonumber(ARGV[3])
if nextSlot > tonumber(redis.call('HGET', KEYS[1], 'nextSlotAt') or '0') then
  redis.call('HSET', KEYS[1], 'nextSlotAt', nextSlot)
  redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[3]) / 1000) + 60)
end
return 1
