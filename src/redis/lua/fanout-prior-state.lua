--[[
  What a fan-out job finds done already, per subscription, as a bitmask: 1 = in the event's done set, 2 = its own
  deliver job exists, 4 = its story's published job exists (only when published job keys are given). One command
  per fan-out, whatever the number of subscriptions. The job keys are BullMQ's job hashes, named by the queue's
  own key scheme (`queue.toKey(jobId)`, never spelled out here): only their existence is read.

  Input:
    KEYS[1] the event's done set
    KEYS[2...n+1] each subscription's own deliver job key
    KEYS[n+2...2n+1] each subscription's published job key (optional)
    ARGV[1...n] subscription ids
  Output:
    one bitmask per subscription, in order
]]
local n = #ARGV
local withPublished = #KEYS > n + 1
local out = {}
for i = 1, n do
  local flags = 0
  if redis.call('SISMEMBER', KEYS[1], ARGV[i]) == 1 then flags = flags + 1 end
  if redis.call('EXISTS', KEYS[1 + i]) == 1 then flags = flags + 2 end
  if withPublished and redis.call('EXISTS', KEYS[1 + n + i]) == 1 then flags = flags + 4 end
  out[i] = flags
end
return out
