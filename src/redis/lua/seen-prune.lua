--[[
  Prunes a source's seen entries that were last listed by its feed before the cutoff. An entry still in the feed
  is never pruned: every fetched document re-stamps the entries it lists (a 304 re-stamps those of the last
  document), so only entries missing from the newest listing are older than it; the bound is therefore the older
  of the cutoff and the newest listing.

  Input:
    KEYS[1] seen entries (hash entry key -> digest)
    KEYS[2] seen-at (sorted set entry key -> last listed, pipeline clock)
    ARGV[1] cutoff (epoch ms; entries listed before it go)
    ARGV[2] most entries to prune in this call
  Output:
    the number of entries pruned
]]
local newest = redis.call('ZREVRANGE', KEYS[2], 0, 0, 'WITHSCORES')
if #newest == 0 then return 0 end
local bound = math.min(tonumber(ARGV[1]), tonumber(newest[2]))
local keys = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. bound, 'LIMIT', 0, tonumber(ARGV[2]))
if #keys == 0 then return 0 end
for i = 1, #keys, 500 do
  local chunk = { unpack(keys, i, math.min(i + 499, #keys)) }
  redis.call('HDEL', KEYS[1], unpack(chunk))
  redis.call('ZREM', KEYS[2], unpack(chunk))
end
return #keys
