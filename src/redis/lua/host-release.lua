--[[
  Gives a politeness slot back; the host's next request waits the spacing from now (see release in
  includes/host-slots.lua).

  Input:
    KEYS[1] host state (hash: pausedUntil, nextSlotAt)
    KEYS[2] host's slots in flight (sorted set of holders by lease expiry)
    ARGV[1] holder id
    ARGV[2] now (epoch ms)
    ARGV[3] min ms between requests
  Output:
    1
]]
--- @include "includes/host-slots"
return release(KEYS[1], KEYS[2], ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]))
