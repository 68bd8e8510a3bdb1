--[[
  What the story index scripts share: key names built from the prefix (ARGV[1] of every story index script),
  reading packed 32-bit values, and taking an entry out of its band buckets.

  Lua side of the story index. One script makes the whole decision and writes it, so two workers resolving copies
  of one story at the same moment are serialized by Redis: the second sees the first one's entry.

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
                        generation's keys expire together, retention + one generation after it began.
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

-- struct.unpack in chunks: far faster than byte arithmetic, and within Lua's C stack limit
local CHUNK = 200
local CHUNK_FMT = '>' .. string.rep('I4', CHUNK)
local function decode_u32(s)
  local out, n, pos = {}, #s / 4, 1
  while n > 0 do
    local take = math.min(n, CHUNK)
    local vals = { struct.unpack(take == CHUNK and CHUNK_FMT or ('>' .. string.rep('I4', take)), s, pos) }
    pos = vals[take + 1]
    for k = 1, take do out[#out + 1] = vals[k] end
    n = n - take
  end
  return out
end

-- band i (0-based) with key k lives in shard floor(k / 2^low) under field i * 2^low + k % 2^low
local function band_slots(blob, shardBits)
  local span = 2 ^ (32 - shardBits)
  local out = {}
  for i = 1, #blob, 4 do
    local k = u32(blob, i)
    local band = (i - 1) / 4
    out[#out + 1] = { string.format('%d', math.floor(k / span)), string.format('%d', band * span + k % span) }
  end
  return out
end

local function unindex(num, gen, blob, shardBits)
  if not gen or not blob or blob == '' then return end
  for _, slot in ipairs(band_slots(blob, shardBits)) do
    local key = bkey(gen, slot[1])
    local v = redis.call('HGET', key, slot[2])
    if v then
      local kept = {}
      for x in string.gmatch(v, '[^,]+') do if x ~= num then kept[#kept + 1] = x end end
      if #kept == 0 then redis.call('HDEL', key, slot[2]) else redis.call('HSET', key, slot[2], table.concat(kept, ',')) end
    end
  end
end
