--[[
  Files a story in a channel, unless the channel's definition changed since the publisher read it.

  Input:
    KEYS[1] channel items (sorted set by published time)
    KEYS[2] channel log (sorted set by arrival sequence)
    KEYS[3] channel meta (hash: version, lastModified, seq)
    KEYS[4] the channels catalog hash
    ARGV[1] published-at score
    ARGV[2] story id
    ARGV[3] now (epoch ms)
    ARGV[4] channel id
    ARGV[5] SHA-1 of the definition read ('' = no check)
  Output:
    1 when filed (or already there), 0 when superseded
]]
--- @include "includes/channel"
if ARGV[5] ~= '' and not definitionIs(KEYS[4], ARGV[4], ARGV[5]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
if not redis.call('ZSCORE', KEYS[2], ARGV[2]) then
  redis.call('ZADD', KEYS[2], redis.call('HINCRBY', KEYS[3], 'seq', 1), ARGV[2])
end
bumpVersion(KEYS[3], ARGV[3])
return 1
