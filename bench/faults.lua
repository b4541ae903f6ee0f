-- The faults scenarios (bench/faults.py): as edits.lua, each wrk thread asks for the
-- pages given after `--` in turn and counts the answers that are not 2xx; it also counts
-- the 5xx among them, and the answers of each second of the clock (os.time(), the only
-- clock wrk's Lua has), so the run can say when the errors came. Prints one JSON line,
-- as edits.lua does, with "server_errors" and "seconds" ({"<unix second>": [answers,
-- 5xx, other non-2xx]}) added.
local threads = {}

function setup(thread)
  thread:set("offset", #threads)
  table.insert(threads, thread)
end

function init(args)
  paths = args
  index = offset
  non_2xx = 0
  server_errors = 0
  -- Three flat tables (second -> count): wrk copies a flat table between threads, but
  -- crashes on a table of tables.
  answers, fives, others = {}, {}, {}
end

function request()
  index = index % #paths + 1
  return wrk.format("GET", paths[index])
end

function response(status, headers, body)
  local now = os.time()
  answers[now] = (answers[now] or 0) + 1
  if status >= 500 then
    server_errors = server_errors + 1
    fives[now] = (fives[now] or 0) + 1
  elseif status < 200 or status > 299 then
    others[now] = (others[now] or 0) + 1
  end
  if status < 200 or status > 299 then
    non_2xx = non_2xx + 1
  end
end

function done(summary, latency, requests)
  local non_2xx, server_errors, merged = 0, 0, {}
  for _, thread in ipairs(threads) do
    non_2xx = non_2xx + thread:get("non_2xx")
    server_errors = server_errors + thread:get("server_errors")
    for i, name in ipairs({"answers", "fives", "others"}) do
      for second, count in pairs(thread:get(name)) do
        merged[second] = merged[second] or {0, 0, 0}
        merged[second][i] = merged[second][i] + count
      end
    end
  end
  local parts = {}
  for second, counts in pairs(merged) do
    table.insert(parts, string.format('"%d": [%d, %d, %d]', second, counts[1], counts[2], counts[3]))
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"connect_errors": %d, "read_errors": %d, "write_errors": %d, ' ..
    '"status_errors": %d, "timeouts": %d, "non_2xx": %d, "server_errors": %d, ' ..
    '"seconds": {%s}}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout, non_2xx,
    server_errors, table.concat(parts, ", ")))
end
