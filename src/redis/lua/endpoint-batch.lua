--[[
  Every finish and admission of one event-loop turn of the deliver stage in one command. Finishes run first, so a
  lease they free can go to an admission of the same batch.

  An endpoint's keys are built here from the deliver key prefix and the subscription id, exactly as
  redis/keys.ts names them (`deliveryLeases` and the others: <prefix><id>:<suffix>): passing four or five key names
  per call, and deduplicating them per batch, cost more client CPU than anything else in the batch. All keys share
  the deliver group's hash tag (`{prefix:deliver}`, the disabled and stats hashes declared in KEYS included), so
  they live in one slot on Redis Cluster too (src/redis/README.md, "Slot map").

  Input:
    KEYS[1] the disabled subscriptions hash
    KEYS[2] the delivery stats hash
    ARGV[1] the deliver key prefix (`deliveryKeyPrefix`)
    ARGV[2] number of finishes
    ARGV[3] number of admissions
    ARGV[4] their fields, newline-separated, finishes first (FINISH_FIELDS each, then ADMIT_FIELDS each). One
            argument per batch instead of several per call: ioredis' per-argument cost showed in the profile.
  Output:
    flattened: one value per finish (see finish), then kind and wait per admission (see admit)
]]

-- Fields per call, as endpoint-state.ts packs them (see finish and admit below).
local FINISH_FIELDS = 9
local ADMIT_FIELDS = 6

-- Splits the packed argument (no field holds a newline: ids do not, and a JSON log entry never does).
local function fields(s)
  local out, i, n = {}, 1, 0
  while true do
    local j = string.find(s, '\n', i, true)
    n = n + 1
    if not j then
      out[n] = string.sub(s, i)
      return out
    end
    out[n] = string.sub(s, i, j - 1)
    i = j + 1
  end
end

local function endpointKey(prefix, id, suffix)
  return prefix .. id .. ':' .. suffix
end

-- The end of an attempt (cheaper for client and server than a MULTI of six): log, trim, free the lease, count the
-- outcome, then clear the failure streak on success or start it (NX) and answer its start (-1: none; on success
-- after an exhausted delivery, 'recovered <exhausted at>'). A fan-out
-- attempt also records its success in the event's done set, in the same command, so a retried fan-out job never
-- misses it. Fields: subscription id, last log index, lease id, outcome, ok (1/0), now, the event's done set
-- ('' = none), done set TTL ms, the log entry.
local function finish(prefix, stats, f, o)
  local id = f[o + 1]
  local log = endpointKey(prefix, id, 'log')
  redis.call('LPUSH', log, f[o + 9])
  redis.call('LTRIM', log, 0, tonumber(f[o + 2]))
  redis.call('ZREM', endpointKey(prefix, id, 'leases'), f[o + 3])
  redis.call('HINCRBY', stats, f[o + 4], 1)
  local failing = endpointKey(prefix, id, 'failing-since')
  if f[o + 5] == '1' then
    if f[o + 7] ~= '' then
      redis.call('SADD', f[o + 7], id)
      redis.call('PEXPIRE', f[o + 7], tonumber(f[o + 8]))
    end
    redis.call('DEL', failing)
    -- A success after an exhausted delivery is a recovery: answered once (the mark goes), for delivery.recovered.
    local exhausted = redis.call('GETDEL', endpointKey(prefix, id, 'exhausted-at'))
    if exhausted then return 'recovered ' .. exhausted end
    return -1
  end
  redis.call('SET', failing, f[o + 6], 'NX')
  return tonumber(redis.call('GET', failing))
end

-- Admission, atomically for all workers: refuses when the subscription is disabled, the endpoint asked us to wait,
-- it already has `maxConcurrency` deliveries in flight, or its rate limit's next start time has not come; otherwise
-- it takes a lease (expiring, so a killed worker's lease frees itself) and moves the next start time one interval
-- on. The rate limit spaces starts evenly (a GCRA without burst: the key holds the earliest next start), so no
-- 1-second window, wherever it falls, ever sees more than the limit. Fields: subscription id, now, lease id, lease
-- expiry, max concurrency, ms between starts (0 = no limit). Answers kind and wait.
local function admit(prefix, disabled, f, o)
  local id = f[o + 1]
  if redis.call('HEXISTS', disabled, id) == 1 then return 'disabled', 0 end
  local now = tonumber(f[o + 2])
  local untilMs = tonumber(redis.call('GET', endpointKey(prefix, id, 'paused-until')) or '0')
  if untilMs > now then return 'paused', untilMs - now end
  local leases = endpointKey(prefix, id, 'leases')
  redis.call('ZREMRANGEBYSCORE', leases, '-inf', now)
  if not redis.call('ZSCORE', leases, f[o + 3]) and redis.call('ZCARD', leases) >= tonumber(f[o + 5]) then return 'busy', 0 end
  local interval = tonumber(f[o + 6])
  if interval > 0 then
    local nextStart = endpointKey(prefix, id, 'next-start')
    local nextMs = tonumber(redis.call('GET', nextStart) or '0')
    if nextMs > now then return 'rate', nextMs - now end
    redis.call('SET', nextStart, now + interval, 'PX', interval + 1000)
  end
  redis.call('ZADD', leases, f[o + 4], f[o + 3])
  return 'ok', 0
end

local prefix = ARGV[1]
local f = fields(ARGV[4])
local out = {}
local finishes = tonumber(ARGV[2])
for i = 0, finishes - 1 do
  out[#out + 1] = finish(prefix, KEYS[2], f, i * FINISH_FIELDS)
end
local base = finishes * FINISH_FIELDS
for i = 0, tonumber(ARGV[3]) - 1 do
  local kind, wait = admit(prefix, KEYS[1], f, base + i * ADMIT_FIELDS)
  out[#out + 1] = kind
  out[#out + 1] = wait
end
return out
