--[[
  Pauses a host until a time (never shortens a longer pause already set).

  Input:
    KEYS[1] host state (hash: pausedUntil, nextSlotAt)
    ARGV[1] paused until (epoch ms)
  Output:
    1
]]
local current = tonumber(redis.call('HGET', KEYS[1], 'pausedUntil') or '0')
local untilTs = tonumber(ARGV[1])
if untilTs > current then
  redis.call('HSET', KEYS[1], 'pausedUntil', untilTs)
  redis.call('PEXPIREAT', KEYS[1], untilTs + 60000)
end
return 1
