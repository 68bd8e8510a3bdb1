--[[
  What the story index scripts share: key names built from the prefix (ARGV[1] of every story index script),
  where an entry's band keys live in the bucket hashes, and taking an entry out of its band buckets.

  Lua side of the story index. The worker reads the index and takes the decision (dedup/story-index.ts: lookups in
  one round trip, candidates compared in the worker); dedup-claim.lua only records it, atomically, after checking
  that nothing the decision rests on changed since the worker read it (else the worker reads again).

  Key layout (P is the prefix with its hash tag, so every key sits in one Cluster slot):
    P:dd:seq            counter of entry numbers (no TTL: numbers must never be reused)
    P:dd:e:<n>          hash, one per entry (an outlet's article): s story id, src source id, f fingerprint digest,
                        gn generation, nb bytes of band keys, gk/uk digests of its guid and URL keys. Only small
                        fields, so Redis keeps it as a compact listpack.
    P:dd:x:<n>          string: the entry's LSH band keys, then its sorted shingle hashes (32-bit big-endian);
                        apart from the hash because one long value would turn the whole hash into a hashtable
    P:dd:g:<digest>     entry number by (source, guid)
    P:dd:u:<digest>     entry number by canonical URL
    P:dd:f:<digest>     entry number by content fingerprint
    P:dd:s:<story id>   hash: src:<source id> → order of arrival, e:<n> → 1, n → sources so far
    P:dd:a:<attempt>    string: the decision already taken for one attempt (a job id), kept a day
    P:dd:b:<gen>:<shard> hash: band bucket → comma-separated entry numbers. Buckets are grouped by generation
                        (a slice of the retention window) because Redis 7.0 cannot expire hash fields: a whole
                        generation's keys expire together, retention + one generation after it began. One hash
                        per generation by default (shard bits 0), so an entry's 32 buckets are read with one HMGET.
  Candidate entry records are read by computed names; they share the hash tag, so this is Cluster-safe in practice.
]]
local P = ARGV[1]
local function ekey(n) return P .. ':dd:e:' .. n end
local function xkey(n) return P .. ':dd:x:' .. n end
local function bkey(g, shard) return P .. ':dd:b:' .. g .. ':' .. shard end

local function u32(s, i)
  local a, b, c, d = string.byte(s, i, i + 3)
  return ((a * 256 + b) * 256 + c) * 256 + d
end

-- Band i (0-based) with key k lives in shard floor(k / 2^low) under field i * 2^low + k % 2^low (low = 32 - shard
-- bits), as bandSlots in story-index.ts computes it. Answers the bucket fields grouped by shard, each with the
-- positions (1-based band numbers) of its fields: { { shard, { field, … }, { position, … } }, … }.
local function band_groups(blob, shardBits)
  local span = 2 ^ (32 - shardBits)
  local groups, byShard = {}, {}
  for i = 1, #blob, 4 do
    local k = u32(blob, i)
    local shard = string.format('%d', math.floor(k / span))
    local group = byShard[shard]
    if not group then
      group = { shard, {}, {} }
      byShard[shard] = group
      groups[#groups + 1] = group
    end
    group[2][#group[2] + 1] = string.format('%d', ((i - 1) / 4) * span + k % span)
    group[3][#group[3] + 1] = (i + 3) / 4
  end
  return groups
end

-- The buckets of one generation for those groups, in band order ('' for an empty bucket).
local function read_buckets(gen, groups)
  local values = {}
  for _, group in ipairs(groups) do
    local got = redis.call('HMGET', bkey(gen, group[1]), unpack(group[2]))
    for j, position in ipairs(group[3]) do values[position] = got[j] or '' end
  end
  return values
end

-- Writes the buckets of one generation (values in band order; '' deletes the field), one HSET per shard.
local function write_buckets(gen, groups, values, expireAt)
  for _, group in ipairs(groups) do
    local key = bkey(gen, group[1])
    local set, del = {}, {}
    for j, position in ipairs(group[3]) do
      local v = values[position]
      if v == '' then del[#del + 1] = group[2][j] else set[#set + 1] = group[2][j]; set[#set + 1] = v end
    end
    if #del > 0 then redis.call('HDEL', key, unpack(del)) end
    if #set > 0 then
      redis.call('HSET', key, unpack(set))
      if expireAt then redis.call('EXPIREAT', key, expireAt) end
    end
  end
end

local function unindex(num, gen, blob, shardBits)
  if not gen or not blob or blob == '' then return end
  local groups = band_groups(blob, shardBits)
  local values = read_buckets(gen, groups)
  for position, v in pairs(values) do
    local kept = {}
    for x in string.gmatch(v, '[^,]+') do if x ~= num then kept[#kept + 1] = x end end
    values[position] = table.concat(kept, ',')
  end
  write_buckets(gen, groups, values, nil)
end
