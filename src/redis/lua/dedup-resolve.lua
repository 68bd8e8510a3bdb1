--[[
  Resolves one article against the story index and records the decision, atomically: two workers resolving copies
  of one story at the same moment are serialized by Redis, so the second sees the first one's entry.

  Input:
    KEYS[1] entry number counter (P:dd:seq)
    KEYS[2] entry by (source, guid) (P:dd:g:<digest>)
    KEYS[3] entry by canonical URL (P:dd:u:<digest>)
    KEYS[4] entry by content fingerprint (P:dd:f:<digest>)
    KEYS[5] decision of this attempt (P:dd:a:<attempt id>; P:dd:a:- for none)
    ARGV[1] key prefix (with its hash tag)
    ARGV[2] source id
    ARGV[3] proposed story id (used when the article is a new story)
    ARGV[4] fingerprint digest
    ARGV[5] shingle hashes (packed 32-bit big-endian)
    ARGV[6] LSH band keys (packed 32-bit big-endian)
    ARGV[7] has a guid (1/0)
    ARGV[8] retention, seconds
    ARGV[9] current generation
    ARGV[10] generations to look back
    ARGV[11] expire-at (epoch s) of the current generation's buckets
    ARGV[12] Jaccard threshold
    ARGV[13] containment threshold
    ARGV[14] min contained shingles
    ARGV[15] max entries per bucket
    ARGV[16] guid digest
    ARGV[17] URL digest
    ARGV[18] shard bits
    ARGV[19] max candidates confirmed
  Output:
    { outcome ('new' | 'duplicate' | 'updated' | 'unchanged'), story id, matched by ('' for none), new source (0/1) }
]]
--- @include "includes/story-index"
local sourceId, proposed, fp, sh, bands = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local hasGuid, ttl, gen, lookback, genExpireAt = ARGV[7] == '1', tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10]), ARGV[11]
local jaccardMin, containmentMin, containedMin, maxBucket = tonumber(ARGV[12]), tonumber(ARGV[13]), tonumber(ARGV[14]), tonumber(ARGV[15])
local guidDigest, urlDigest, shardBits, maxCand = ARGV[16], ARGV[17], tonumber(ARGV[18]), tonumber(ARGV[19])

-- A retried attempt (KEYS[5], the caller's attempt id) gets its first decision back: a worker that died after
-- deciding "new" but before handing the story on must not see "unchanged" the second time.
local memo = KEYS[5]
if memo == P .. ':dd:a:-' then memo = nil end
if memo then
  local prior = redis.call('GET', memo)
  if prior then return cjson.decode(prior) end
end
local function decided(reply)
  if memo then redis.call('SET', memo, cjson.encode(reply), 'EX', 86400) end
  return reply
end

local function skey(id) return P .. ':dd:s:' .. id end
local function touch_entry(n)
  local r = redis.call('HMGET', ekey(n), 'gk', 'uk', 'f')
  redis.call('EXPIRE', ekey(n), ttl)
  redis.call('EXPIRE', xkey(n), ttl)
  if r[1] then redis.call('EXPIRE', P .. ':dd:g:' .. r[1], ttl) end
  if r[2] then redis.call('EXPIRE', P .. ':dd:u:' .. r[2], ttl) end
  if r[3] then redis.call('EXPIRE', P .. ':dd:f:' .. r[3], ttl) end
end
local function index_bands(num)
  for _, slot in ipairs(band_slots(bands, shardBits)) do
    local key = bkey(gen, slot[1])
    local v = redis.call('HGET', key, slot[2])
    if v then
      local list = {}
      for x in string.gmatch(v, '[^,]+') do list[#list + 1] = x end
      list[#list + 1] = num
      -- a bucket shared by very many entries is boilerplate-like; the newest ones are the useful candidates
      while #list > maxBucket do table.remove(list, 1) end
      v = table.concat(list, ',')
    else
      v = num
    end
    redis.call('HSET', key, slot[2], v)
    redis.call('EXPIREAT', key, genExpireAt)
  end
end

-- 1. The same entry again: same source and guid, or same canonical URL from the same source.
local entry, by, urlOther = nil, nil, nil
if hasGuid then
  local n = redis.call('GET', KEYS[2])
  if n and redis.call('EXISTS', ekey(n)) == 1 then entry, by = n, 'guid' end
end
if not entry then
  local n = redis.call('GET', KEYS[3])
  if n then
    local src = redis.call('HGET', ekey(n), 'src')
    if src == sourceId then entry, by = n, 'url' elseif src then urlOther = n end
  end
end
if entry then
  local r = redis.call('HMGET', ekey(entry), 's', 'f', 'gn', 'nb')
  local story = r[1]
  local outcome = 'unchanged'
  if r[2] ~= fp then
    outcome = 'updated'
    local old = redis.call('GET', xkey(entry))
    if old and r[4] then unindex(entry, r[3], string.sub(old, 1, tonumber(r[4])), shardBits) end
    if r[2] and redis.call('GET', P .. ':dd:f:' .. r[2]) == entry then redis.call('DEL', P .. ':dd:f:' .. r[2]) end
    redis.call('HSET', ekey(entry), 'f', fp, 'gn', gen, 'nb', #bands)
    if #bands > 0 then redis.call('SET', xkey(entry), bands .. sh, 'EX', ttl) else redis.call('DEL', xkey(entry)) end
    redis.call('SET', KEYS[4], entry, 'EX', ttl, 'NX')
    index_bands(entry)
  end
  if hasGuid then redis.call('SET', KEYS[2], entry, 'EX', ttl); redis.call('HSET', ekey(entry), 'gk', guidDigest) end
  if not urlOther then redis.call('SET', KEYS[3], entry, 'EX', ttl, 'NX') end
  touch_entry(entry)
  redis.call('EXPIRE', skey(story), ttl)
  return decided({ outcome, story, by, 0 })
end

-- 2. A copy of a known story: exact URL of another source, exact fingerprint, or a confirmed LSH candidate.
local story, matchedBy, matchedEntry = nil, nil, nil
if urlOther then
  story, matchedBy, matchedEntry = redis.call('HGET', ekey(urlOther), 's'), 'url', urlOther
end
if not story then
  local n = redis.call('GET', KEYS[4])
  if n then
    local s = redis.call('HGET', ekey(n), 's')
    if s then story, matchedBy, matchedEntry = s, 'fingerprint', n end
  end
end
if not story and #bands > 0 and #sh > 0 then
  local slots = band_slots(bands, shardBits)
  local hits, cands = {}, {}
  for g = gen - lookback + 1, gen do
    for _, slot in ipairs(slots) do
      local v = redis.call('HGET', bkey(g, slot[1]), slot[2])
      if v then
        for x in string.gmatch(v, '[^,]+') do
          if hits[x] then hits[x] = hits[x] + 1
          elseif #cands < maxCand then hits[x] = 1; cands[#cands + 1] = x end
        end
      end
    end
  end
  if #cands > 0 then
    -- more shared bands means a higher Jaccard: confirm the likeliest first and stop at the first confirmed
    table.sort(cands, function(a, b) return hits[a] > hits[b] end)
    local mine = decode_u32(sh)
    for _, c in ipairs(cands) do
      local r = redis.call('HMGET', ekey(c), 's', 'nb')
      local x = r[1] and r[2] and redis.call('GET', xkey(c))
      if x then
        local other = decode_u32(string.sub(x, tonumber(r[2]) + 1))
        local o, i, j, x, y = 0, 1, 1, mine[1], other[1]
        while x and y do
          if x == y then o = o + 1; i = i + 1; j = j + 1; x = mine[i]; y = other[j]
          elseif x < y then i = i + 1; x = mine[i]
          else j = j + 1; y = other[j] end
        end
        local union = #mine + #other - o
        local smaller = math.min(#mine, #other)
        local jac = union > 0 and o / union or 0
        local con = smaller > 0 and o / smaller or 0
        if o > 0 and (jac >= jaccardMin or (con >= containmentMin and smaller >= containedMin)) then
          story, matchedBy, matchedEntry = r[1], 'near-duplicate', c
          break
        end
      end
    end
  end
end

-- 3. Write the new entry (for a copy too, so its re-fetch is 'unchanged' and later copies can match it).
local num = tostring(redis.call('INCR', KEYS[1]))
local outcome = 'duplicate'
if not story then story, outcome = proposed, 'new' end
local exact = matchedBy == 'url' or matchedBy == 'fingerprint'
local rec = { 's', story, 'src', sourceId, 'f', fp, 'gn', gen }
-- an exact copy adds nothing to match against, so it skips the shingles and bands
if not exact and #bands > 0 then
  rec[#rec + 1] = 'nb'; rec[#rec + 1] = #bands
  redis.call('SET', xkey(num), bands .. sh, 'EX', ttl)
end
if hasGuid then rec[#rec + 1] = 'gk'; rec[#rec + 1] = guidDigest; redis.call('SET', KEYS[2], num, 'EX', ttl) end
if redis.call('SET', KEYS[3], num, 'EX', ttl, 'NX') then rec[#rec + 1] = 'uk'; rec[#rec + 1] = urlDigest end
redis.call('SET', KEYS[4], num, 'EX', ttl, 'NX')
redis.call('HSET', ekey(num), unpack(rec))
redis.call('EXPIRE', ekey(num), ttl)
if not exact then index_bands(num) end
if matchedEntry then touch_entry(matchedEntry) end
local sk = skey(story)
local newSource = 0
if redis.call('HEXISTS', sk, 'src:' .. sourceId) == 0 then
  redis.call('HSET', sk, 'src:' .. sourceId, redis.call('HINCRBY', sk, 'n', 1))
  newSource = 1
end
redis.call('HSET', sk, 'e:' .. num, 1)
redis.call('EXPIRE', sk, ttl)
return decided({ outcome, story, matchedBy or '', newSource })
