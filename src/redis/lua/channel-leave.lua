--[[
  Takes a story out of a channel unless a full archive page holds it or the channel's definition changed since the
  publisher read it. Archive pages are cut from the log by rank, so taking out a story at or after the first rank
  not in a full page changes no full page (and not their number); one in a full page stays, as archives never
  change once full.

  Input:
    KEYS[1] channel items
    KEYS[2] channel log
    KEYS[3] channel meta
    KEYS[4] the channels catalog hash
    ARGV[1] story id
    ARGV[2] archive page size
    ARGV[3] now (epoch ms)
    ARGV[4] channel id
    ARGV[5] SHA-1 of the definition read
  Output:
    1 when the story was taken out, 0 otherwise
]]
--- @include "includes/channel"
if not definitionIs(KEYS[4], ARGV[4], ARGV[5]) then return 0 end
local rank = redis.call('ZRANK', KEYS[2], ARGV[1])
if not rank then return redis.call('ZREM', KEYS[1], ARGV[1]) end
local pageSize = tonumber(ARGV[2])
if rank < math.floor(redis.call('ZCARD', KEYS[2]) / pageSize) * pageSize then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
bumpVersion(KEYS[3], ARGV[3])
return 1
