--[[
  Re-files a channel after a backfill. A story already in the channel is skipped, so a story a concurrent publish
  just filed is never duplicated. When membership changed, the arrival log is renumbered by publication time: the
  channel was redefined, so its archive pages are cut afresh (oldest story first) rather than leaving old stories
  after newer ones (and the count of pages the retention sweep trimmed starts again at 0).

  Input:
    KEYS[1] channel items
    KEYS[2] channel log
    KEYS[3] channel meta
    KEYS[4] the channels catalog hash
    ARGV[1] now (epoch ms)
    ARGV[2] channel id
    ARGV[3] definition digest
    ARGV[4] number of adds
    ARGV[5...] (published-at score, id) pairs oldest first, then ids to remove
  Output:
    -1 when the catalog definition no longer has that digest (a newer definition's job will do the work, so this
    one must not record a stale digest or membership), else how many stories moved
]]
--- @include "includes/channel"
if not definitionIs(KEYS[4], ARGV[2], ARGV[3]) then return -1 end
local changed = 0
local adds = tonumber(ARGV[4])
for i = 0, adds - 1 do
  local id = ARGV[6 + 2 * i]
  if not redis.call('ZSCORE', KEYS[1], id) then
    redis.call('ZADD', KEYS[1], ARGV[5 + 2 * i], id)
    changed = changed + 1
  end
end
for j = 5 + 2 * adds, #ARGV do
  changed = changed + redis.call('ZREM', KEYS[1], ARGV[j])
  redis.call('ZREM', KEYS[2], ARGV[j])
end
redis.call('HSET', KEYS[3], 'definitionDigest', ARGV[3])
if changed == 0 then return 0 end
local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
redis.call('DEL', KEYS[2])
for i, id in ipairs(ids) do redis.call('ZADD', KEYS[2], i, id) end
redis.call('HSET', KEYS[3], 'seq', #ids, 'trimmed', 0)
bumpVersion(KEYS[3], ARGV[1])
return changed
