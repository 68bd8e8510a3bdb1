--[[
  Records that a story was stored or changed, in the index by change time that incremental reads page through
  (`GET /api/v1/items?updatedSince=&cursor=`). Each change gets a stamp that is its time in epoch ms, or one more
  than the highest stamp in the index when that is later: stamps strictly increase in the order changes commit,
  so a reader whose cursor is a stamp never misses a change committed after its read (it lands above the cursor).

  Input:
    KEYS[1] the index by change (sorted set story id -> stamp)
    ARGV[1] now (epoch ms)
    ARGV[2] story id
  Output:
    the stamp given to the change
]]
local now = tonumber(ARGV[1])
local top = redis.call('ZREVRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local stamp = now
if top[2] and tonumber(top[2]) >= stamp then stamp = tonumber(top[2]) + 1 end
redis.call('ZADD', KEYS[1], stamp, ARGV[2])
return stamp
