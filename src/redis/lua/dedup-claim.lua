--[[
  Records the decision a worker took on one article (dedup/story-index.ts), atomically, provided the index is still
  as the worker read it: the three exact keys hold what the worker saw, the entry the decision rests on still exists
  and, for a decision the band buckets took part in, this generation's buckets of the article's bands are unchanged.
  Otherwise nothing is written and the worker reads again ('retry'): two workers resolving copies of one story at
  the same moment never both file it as new, since the second one's check sees the first one's entry. The
  comparison of candidates is the worker's; this script only checks and writes.

  Input:
    KEYS[1] entry number counter (P:dd:seq)
    KEYS[2] entry by (source, guid) (P:dd:g:<digest>)
    KEYS[3] entry by canonical URL (P:dd:u:<digest>)
    KEYS[4] entry by content fingerprint (P:dd:f:<digest>)
    KEYS[5] decision of this attempt (P:dd:a:<attempt id>; P:dd:a:- for none)
    ARGV[1] key prefix: the dd group's hash tag (`{prefix:dd}`), so the entry, bucket and story keys built from it
            share the declared keys' slot
    ARGV[2] source id
    ARGV[3] decision: 'same' (the source's entry ARGV[5] seen again), 'copy' (of the story of entry ARGV[5]) or 'new'
    ARGV[4] story id: the proposed one for 'new', else the story of entry ARGV[5]
    ARGV[5] entry number the decision rests on ('' for 'new')
    ARGV[6] matched by ('guid' | 'url' | 'fingerprint' | 'near-duplicate'; '' for 'new')
    ARGV[7] what the worker read in KEYS[2] ('' for nothing)
    ARGV[8] what the worker read in KEYS[3] ('' for nothing)
    ARGV[9] what the worker read in KEYS[4] ('' for nothing)
    ARGV[10] SHA-1 of this generation's buckets of the article's bands as the worker read them, joined by '|'
             in band order ('' when the decision did not use the buckets)
    ARGV[11] fingerprint digest
    ARGV[12] shingle hashes (packed 32-bit big-endian)
    ARGV[13] LSH band keys (packed 32-bit big-endian)
    ARGV[14] has a guid (1/0)
    ARGV[15] retention, seconds
    ARGV[16] current generation
    ARGV[17] expire-at (epoch s) of the current generation's buckets
    ARGV[18] max entries per bucket
    ARGV[19] guid digest
    ARGV[20] URL digest
    ARGV[21] shard bits
  Output:
    { outcome ('new' | 'duplicate' | 'updated' | 'unchanged'), story id, matched by ('' for none), new source (0/1) },
    or { 'retry' } when the index changed under the worker's decision
]]
--- @include "includes/story-index"
local sourceId, decision, story, basis, matchedBy = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local fp, sh, bands = ARGV[11], ARGV[12], ARGV[13]
local hasGuid, ttl, gen, genExpireAt = ARGV[14] == '1', tonumber(ARGV[15]), tonumber(ARGV[16]), ARGV[17]
local maxBucket, guidDigest, urlDigest, shardBits = tonumber(ARGV[18]), ARGV[19], ARGV[20], tonumber(ARGV[21])

-- A retried attempt (KEYS[5], the caller's attempt id) gets its first decision back: a worker that died after
-- deciding "new" but before handing the story on must not see "unchanged" the second time.
local memo = KEYS[5]
if memo == P .. ':dd:a:-' then memo = nil end
if memo then
  local prior = redis.call('GET', memo)
  if prior then return cjson.decode(prior) end
end

-- 1. Is the index still as the worker read it?
local exactNow = redis.call('MGET', KEYS[2], KEYS[3], KEYS[4])
for i = 1, 3 do
  if (exactNow[i] or '') ~= ARGV[6 + i] then return { 'retry' } end
end
if basis ~= '' and redis.call('EXISTS', ekey(basis)) == 0 then return { 'retry' } end
local groups = #bands > 0 and band_groups(bands, shardBits) or {}
local current = nil
if ARGV[10] ~= '' then
  current = read_buckets(gen, groups)
  if redis.sha1hex(table.concat(current, '|')) ~= ARGV[10] then return { 'retry' } end
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
-- appends the entry to this generation's buckets of its bands (values: the buckets as read, or nil to read them)
local function index_bands(num, values)
  values = values or read_buckets(gen, groups)
  local updated = {}
  for position, v in pairs(values) do
    local list = {}
    for x in string.gmatch(v, '[^,]+') do list[#list + 1] = x end
    list[#list + 1] = num
    -- a bucket shared by very many entries is boilerplate-like; the newest ones are the useful candidates
    while #list > maxBucket do table.remove(list, 1) end
    updated[position] = table.concat(list, ',')
  end
  write_buckets(gen, groups, updated, genExpireAt)
end

-- 2. The same entry again: its edit (a new fingerprint) is re-indexed.
if decision == 'same' then
  local entry = basis
  local r = redis.call('HMGET', ekey(entry), 's', 'f', 'gn', 'nb')
  local outcome = 'unchanged'
  if r[2] ~= fp then
    outcome = 'updated'
    local old = redis.call('GET', xkey(entry))
    if old and r[4] then unindex(entry, r[3], string.sub(old, 1, tonumber(r[4])), shardBits) end
    if r[2] and redis.call('GET', P .. ':dd:f:' .. r[2]) == entry then redis.call('DEL', P .. ':dd:f:' .. r[2]) end
    redis.call('HSET', ekey(entry), 'f', fp, 'gn', gen, 'nb', #bands)
    if #bands > 0 then redis.call('SET', xkey(entry), bands .. sh, 'EX', ttl) else redis.call('DEL', xkey(entry)) end
    redis.call('SET', KEYS[4], entry, 'EX', ttl, 'NX')
    if #bands > 0 then index_bands(entry, nil) end
  end
  if hasGuid then redis.call('SET', KEYS[2], entry, 'EX', ttl); redis.call('HSET', ekey(entry), 'gk', guidDigest) end
  -- the URL key stays with the entry that had it first (another source's, when the worker matched by guid)
  redis.call('SET', KEYS[3], entry, 'EX', ttl, 'NX')
  touch_entry(entry)
  redis.call('EXPIRE', skey(r[1]), ttl)
  return decided({ outcome, r[1], matchedBy, 0 })
end

-- 3. A new entry: a copy of a known story (filed with it, so its re-fetch is 'unchanged' and later copies can
-- match it), or a new story.
local num = tostring(redis.call('INCR', KEYS[1]))
local outcome = decision == 'copy' and 'duplicate' or 'new'
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
if not exact and #bands > 0 then index_bands(num, current) end
if basis ~= '' then touch_entry(basis) end
local sk = skey(story)
local newSource = 0
if redis.call('HEXISTS', sk, 'src:' .. sourceId) == 0 then
  redis.call('HSET', sk, 'src:' .. sourceId, redis.call('HINCRBY', sk, 'n', 1), 'e:' .. num, 1)
  newSource = 1
else
  redis.call('HSET', sk, 'e:' .. num, 1)
end
redis.call('EXPIRE', sk, ttl)
return decided({ outcome, story, matchedBy, newSource })
