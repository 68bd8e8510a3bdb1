--[[
  Stores a verified subscription of our hub, within the caps: a callback new to the topic is refused when the topic
  or the callback's host already holds its maximum (expired subscriptions count until the sweep removes them).
  A renewal (the callback is already subscribed to the topic) is always stored.

  Input:
    KEYS[1] the topic's subscriptions (hash callback -> JSON)
    KEYS[2] the callback host's subscriptions (hash "topic\ncallback" -> expiry, epoch ms)
    KEYS[3] every subscription's expiry (sorted set "topic\ncallback" scored by expiry, epoch ms)
    ARGV[1] callback URL
    ARGV[2] subscription JSON
    ARGV[3] expiry (epoch ms)
    ARGV[4] most subscriptions per topic
    ARGV[5] most subscriptions per callback host
    ARGV[6] member name ("topic\ncallback")
  Output:
    'ok', or the cap that refused it: 'topic' or 'host'
]]
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then
  if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[4]) then return 'topic' end
  if redis.call('HLEN', KEYS[2]) >= tonumber(ARGV[5]) then return 'host' end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[6], ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[6])
return 'ok'
