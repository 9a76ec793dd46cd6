-- wrk script: POST the body in $BENCH_BODY with the headers in $BENCH_HEADERS ("Name: value|Name: value"),
-- and print one machine-readable line at the end (latencies in microseconds).
wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY")
wrk.headers["Content-Type"] = "application/json"
for h in string.gmatch(os.getenv("BENCH_HEADERS") or "", "[^|]+") do
  local name, value = string.match(h, "^%s*([^:]+):%s*(.-)%s*$")
  if name then wrk.headers[name] = value end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH rps=%.1f p50=%d p90=%d p99=%d max=%d requests=%d non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, summary.requests, e.status, e.connect, e.read, e.write, e.timeout))
end
