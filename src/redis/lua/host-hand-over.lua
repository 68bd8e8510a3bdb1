--[[
  A redirect hop in one round trip: gives back the slot the holder has on one host, then asks for one on the next.

  Input:
    KEYS[1] next host's state
    KEYS[2] next host's slots in flight
    KEYS[3] previous host's state
    KEYS[4] previous host's slots in flight
    ARGV[1] now (epoch ms)
    ARGV[2] max requests in flight to a host
    ARGV[3] min ms between requests
    ARGV[4] lease ms
    ARGV[5] holder id
  Output:
    0 when the next host granted a slot, else the epoch ms at which to try again (the previous slot is given back
    either way)
]]
--- @include "includes/host-slots"
release(KEYS[3], KEYS[4], ARGV[5], tonumber(ARGV[1]), tonumber(ARGV[3]))
return acquire(KEYS[1], KEYS[2], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5])
