--[[
  A source's feed answered 304: the entries of its last document are still listed, so they are stamped again (the
  newest stamp marks the last listing).

  Input:
    KEYS[1] seen-at (sorted set entry key -> last listed, pipeline clock)
    ARGV[1] now (epoch ms)
  Output:
    the number of entries stamped
]]
local newest = redis.call('ZREVRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #newest == 0 then return 0 end
local keys = redis.call('ZRANGEBYSCORE', KEYS[1], newest[2], newest[2])
for i = 1, #keys, 500 do
  local args = {}
  for j = i, math.min(i + 499, #keys) do
    args[#args + 1] = ARGV[1]
    args[#args + 1] = keys[j]
  end
  redis.call('ZADD', KEYS[1], 'GT', unpack(args))
end
return #keys
