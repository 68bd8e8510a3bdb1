--[[
  What the channel scripts share: whether the catalog still holds the channel definition the caller read (by the
  SHA-1 of its stored JSON, see publish/backfill.ts `definitionDigest`), and the version bump that tells every feed
  cache the channel changed.
]]
local function definitionIs(catalog, channelId, digest)
  local definition = redis.call('HGET', catalog, channelId)
  return definition ~= false and redis.sha1hex(definition) == digest
end
local function bumpVersion(meta, now)
  redis.call('HINCRBY', meta, 'version', 1)
  redis.call('HSET', meta, 'lastModified', now)
end
