-- wrk script for bench-ingest.ts: POSTs the submission in BODY_FILE with a fresh submission id per
-- request (the template holds __ID__), and counts non-201 answers.
local template = io.open(os.getenv("BODY_FILE")):read("*a")
local token = os.getenv("TOKEN")
local threads = {}
local tid = 0

function setup(thread)
  tid = tid + 1
  thread:set("thread_id", tid)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  failed = 0
  math.randomseed(os.time() * 1000 + thread_id)
end

function request()
  counter = counter + 1
  local id = string.format("%08x-0000-4000-8000-%04x%08x", math.random(0, 0x7fffffff), thread_id, counter)
  local body = template:gsub("__ID__", id, 1)
  return wrk.format("POST", "/api/v1/submissions", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
  }, body)
end

function response(status, headers, body)
  if status ~= 201 then
    failed = failed + 1
    if failed == 1 then io.stderr:write("first failure: " .. status .. " " .. body:sub(1, 300) .. "\n") end
  end
end

function done(summary, latency, requests)
  local f = 0
  for _, t in ipairs(threads) do f = f + t:get("failed") end
  io.write(string.format("RESULT requests=%d failed=%d p50_us=%d p95_us=%d duration_us=%d\n",
    summary.requests, f, latency:percentile(50), latency:percentile(95), summary.duration))
end
