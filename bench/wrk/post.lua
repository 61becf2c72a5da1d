-- wrk script for the non-streaming benchmark: POST one fixed chat completions request, and at the end print a
-- single machine-readable line (BENCH ...) that bench/run.sh parses instead of wrk's human output.
--   BENCH_KEY    the API key sent as "Authorization: Bearer <key>"
--   BENCH_MODEL  the model id: stub-model for the direct call, bench/stub-model through Caravan
-- The body is built once: wrk then sends the same pre-formatted request bytes on every call, so the script
-- costs nothing per request (no request()/response() callbacks, which would run Lua for each call).

local key = os.getenv("BENCH_KEY") or "bench-key"
local model = os.getenv("BENCH_MODEL") or "stub-model"
-- BENCH_PROMPT_BYTES: the user message is this many bytes of English-like text (the prompt-size phase)
local prompt_bytes = tonumber(os.getenv("BENCH_PROMPT_BYTES") or "0")
local user = "Say hello to the benchmark."
if prompt_bytes > 0 then
  local words = "the quick brown fox jumps over the lazy dog while a benchmark measures every token of it "
  user = string.rep(words, math.floor(prompt_bytes / #words) + 1):sub(1, prompt_bytes)
end

-- BENCH_UNIQUE=1: every request carries its own seed, so that no two are alike (the response cache misses each
-- one and stores it); this runs a little Lua per request, in every path compared with it
local unique = os.getenv("BENCH_UNIQUE") == "1"

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. key
wrk.body = '{"model":"' .. model .. '","messages":['
    .. '{"role":"system","content":"You are a terse assistant."},'
    .. '{"role":"user","content":"' .. user .. '"}],'
    .. '"max_tokens":64,"temperature":0}'

if unique then
  local prefix = wrk.body:sub(1, -2) .. ',"seed":'
  local counter = 0
  request = function()
    counter = counter + 1
    return wrk.format(nil, nil, nil, prefix .. counter .. "}")
  end
end

-- summary.errors.status counts responses with status > 399; socket errors are connect/read/write/timeout.
-- Latencies are in microseconds.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%.1f p90_us=%.1f p99_us=%.1f mean_us=%.1f max_us=%.1f "
      .. "non2xx=%d connect_err=%d read_err=%d write_err=%d timeout_err=%d\n",
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean, latency.max,
    e.status, e.connect, e.read, e.write, e.timeout))
end
