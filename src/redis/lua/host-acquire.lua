--[[
  Takes a politeness slot for one host, in one round trip and atomically across workers (see acquire in
  includes/host-slots.lua).

  Input:
    KEYS[1] host state (hash: pausedUntil, nextSlotAt)
    KEYS[2] host's slots in flight (sorted set of holders by lease expiry)
    ARGV[1] now (epoch ms)
    ARGV[2] max requests in flight to the host
    ARGV[3] min ms between requests
    ARGV[4] lease ms
    ARGV[5] holder id
  Output:
    0 when granted, else the epoch ms at which to try again
]]
--- @include "includes/host-slots"
return acquire(KEYS[1], KEYS[2], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5])
