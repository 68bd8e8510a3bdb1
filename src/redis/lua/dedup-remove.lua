--[[
  Forgets a story: deletes it, its entries, their exact keys (where they still point at the entry) and their band
  bucket entries.

  Input:
    KEYS[1] the story (P:dd:s:<story id>)
    ARGV[1] key prefix (with its hash tag)
    ARGV[2] shard bits
  Output:
    the number of entries removed
]]
--- @include "includes/story-index"
local shardBits = tonumber(ARGV[2])
local fields = redis.call('HKEYS', KEYS[1])
local removed = 0
for _, f in ipairs(fields) do
  local num = string.match(f, '^e:(.+)$')
  if num then
    local r = redis.call('HMGET', ekey(num), 'gk', 'uk', 'f', 'gn', 'nb')
    local exact = { { 'g', r[1] }, { 'u', r[2] }, { 'f', r[3] } }
    for _, x in ipairs(exact) do
      if x[2] then
        local k = P .. ':dd:' .. x[1] .. ':' .. x[2]
        if redis.call('GET', k) == num then redis.call('DEL', k) end
      end
    end
    local x = redis.call('GET', xkey(num))
    if x and r[5] then unindex(num, r[4], string.sub(x, 1, tonumber(r[5])), shardBits) end
    redis.call('DEL', ekey(num), xkey(num))
    removed = removed + 1
  end
end
redis.call('DEL', KEYS[1])
return removed
