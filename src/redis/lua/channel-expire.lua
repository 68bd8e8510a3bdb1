--[[
  Takes stories that aged out (limits.retention) out of a channel, without an event. They leave the channel's
  membership at once; the arrival log, which RFC 5005 archive pages are cut from by rank, loses whole pages only,
  from its front, once none of a page's stories is left: the count of stories trimmed so is kept in the meta hash
  (`trimmed`), so the page numbers of the pages that remain never move.

  Input:
    KEYS[1] channel items
    KEYS[2] channel log
    KEYS[3] channel meta
    ARGV[1] archive page size
    ARGV[2] now (epoch ms)
    ARGV[3...] ids of the stories that aged out
  Output:
    the number of stories taken out of the channel's membership plus the number of log entries trimmed
]]
--- @include "includes/channel"
local changed = 0
for i = 3, #ARGV do changed = changed + redis.call('ZREM', KEYS[1], ARGV[i]) end
local pageSize = tonumber(ARGV[1])
while redis.call('ZCARD', KEYS[2]) >= pageSize do
  local page = redis.call('ZRANGE', KEYS[2], 0, pageSize - 1)
  for _, id in ipairs(page) do
    if redis.call('ZSCORE', KEYS[1], id) then page = nil break end
  end
  if not page then break end
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, pageSize - 1)
  redis.call('HINCRBY', KEYS[3], 'trimmed', pageSize)
  changed = changed + pageSize
end
if changed > 0 then bumpVersion(KEYS[3], ARGV[2]) end
return changed
