-- Corrects what calls took of token limits once their real usage is known (see take.lua).
-- KEYS[i]: a token bucket; ARGV[2i-1]: its limit per 60 s; ARGV[2i]: tokens to add (negative gives back).
-- A bucket already empty again (TAT in the past) has nothing to give back.
if redis.replicate_commands then redis.replicate_commands() end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local period = 60000
for i = 1, #KEYS do
  local interval = period / tonumber(ARGV[2 * i - 1])
  local tat = tonumber(redis.call('GET', KEYS[i]))
  local before = 0
  if tat and tat > now then before = tat - now end
  local after = before + tonumber(ARGV[2 * i]) * interval
  if after <= 0 then
    redis.call('DEL', KEYS[i])
  else
    -- a call that used more than it took may push the bucket past one period: later calls wait for it
    redis.call('SET', KEYS[i], string.format('%.17g', now + after), 'PX', math.max(1, math.ceil(after)))
  end
end
return 1
