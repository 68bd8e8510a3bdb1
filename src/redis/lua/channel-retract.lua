--[[
  Takes a retracted story out of a channel and leaves an Atom tombstone in its place. The story leaves the channel's
  members, and its log too unless a full archive page holds it: archive pages are cut from the log by rank, so
  taking it out there would move every later story to another page; the story's own record is deleted with the
  retraction, so it vanishes from that page all the same. The tombstones are bounded: older than the cutoff, or
  beyond the newest `max`, they go.

  Input:
    KEYS[1] channel items
    KEYS[2] channel log
    KEYS[3] channel meta
    KEYS[4] channel tombstones (sorted set: story id → deleted at, epoch ms)
    ARGV[1] story id
    ARGV[2] archive page size
    ARGV[3] now (epoch ms): the deletion time and the version bump
    ARGV[4] tombstone cutoff (epoch ms): older tombstones are dropped
    ARGV[5] most tombstones kept
  Output:
    1 when the story was in the channel (and is now a tombstone), 0 otherwise
]]
--- @include "includes/channel"
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
local rank = redis.call('ZRANK', KEYS[2], ARGV[1])
if rank then
  local pageSize = tonumber(ARGV[2])
  if rank >= math.floor(redis.call('ZCARD', KEYS[2]) / pageSize) * pageSize then redis.call('ZREM', KEYS[2], ARGV[1]) end
end
redis.call('ZADD', KEYS[4], ARGV[3], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', '(' .. ARGV[4])
redis.call('ZREMRANGEBYRANK', KEYS[4], 0, -1 - tonumber(ARGV[5]))
bumpVersion(KEYS[3], ARGV[3])
return 1
