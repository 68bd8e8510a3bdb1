--[[
  Removes one subscription of our hub whose lease ran out, unless it was renewed since the sweep listed it.

  Input:
    KEYS[1] every subscription's expiry (sorted set "topic\ncallback" scored by expiry, epoch ms)
    KEYS[2] the topic's subscriptions (hash callback -> JSON)
    KEYS[3] what was last pushed to each callback of the topic (hash callback -> digest)
    KEYS[4] the callback host's subscriptions (hash "topic\ncallback" -> expiry)
    ARGV[1] member name ("topic\ncallback")
    ARGV[2] callback URL
    ARGV[3] now (epoch ms)
  Output:
    1 when removed, 0 when renewed meanwhile or already gone
]]
local expiry = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not expiry or tonumber(expiry) > tonumber(ARGV[3]) then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[2])
redis.call('HDEL', KEYS[3], ARGV[2])
redis.call('HDEL', KEYS[4], ARGV[1])
return 1
