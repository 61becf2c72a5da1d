-- Takes one call's share of each of its rate limits, all or nothing, in one round trip (GCRA).
-- KEYS[i]: one bucket per limit. ARGV[2i-1]: the limit per 60 s; ARGV[2i]: what this call costs of it
-- (1 request, or its tokens). A bucket holds its "theoretical arrival time" (TAT), in ms since the epoch: the
-- moment it is empty again. A call fits when, after adding its cost, the bucket would not be more than one
-- period ahead of now. Redis's clock is the only clock, so every replica sees the same time.
-- Returns {allowed, then per key: remaining, reset ms, retry ms (0 fits, -1 never fits)}.
if redis.replicate_commands then redis.replicate_commands() end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local period = 60000
local allowed = 1
local out = {0}
local ahead = {}
for i = 1, #KEYS do
  local limit = tonumber(ARGV[2 * i - 1])
  local cost = tonumber(ARGV[2 * i])
  local interval = period / limit
  -- computed relative to now, so that small numbers keep their precision; the slack absorbs the rounding of
  -- the stored TAT (a float near 1.7e12) and is never as much as one unit of the limit
  local slack = math.min(0.01, interval / 2)
  local tat = tonumber(redis.call('GET', KEYS[i]))
  local before = 0
  if tat and tat > now then before = tat - now end
  local after = before + cost * interval
  if cost > limit then
    allowed = 0
    out[#out + 1] = math.floor((period - before) / interval + 0.001)
    out[#out + 1] = math.ceil(before - 0.001)
    out[#out + 1] = -1
  elseif after - period > slack then
    allowed = 0
    out[#out + 1] = math.max(0, math.floor((period - before) / interval + 0.001))
    out[#out + 1] = math.ceil(before - 0.001)
    out[#out + 1] = math.max(1, math.ceil(after - period - 0.001))
  else
    out[#out + 1] = math.max(0, math.floor((period - after) / interval + 0.001))
    out[#out + 1] = math.ceil(after - 0.001)
    out[#out + 1] = 0
  end
  ahead[i] = after
end
if allowed == 1 then
  for i = 1, #KEYS do
    redis.call('SET', KEYS[i], string.format('%.17g', now + ahead[i]), 'PX', math.max(1, math.ceil(ahead[i])))
  end
end
out[1] = allowed
return out
