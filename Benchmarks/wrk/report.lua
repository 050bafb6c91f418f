-- Shared by the other scripts in this folder (loaded with dofile): prints one parseable line
-- per wrk run, e.g.
--   BENCH name=list_filtered conns=8 threads=2 duration_s=20.00 requests=41234 rps=2061.7
--         p50_ms=3.41 p95_ms=6.02 p99_ms=9.87 max_ms=41.20 non2xx=0 socket_errors=0 timeouts=0
-- (one line). Latencies are wrk's (coordinated-omission-prone, closed-loop) per-request times.
-- Labels come from the environment: BENCH_NAME, BENCH_CONNS, BENCH_THREADS.

function done(summary, latency, requests)
    local seconds = summary.duration / 1e6
    local e = summary.errors
    io.write(string.format(
        "BENCH name=%s conns=%s threads=%s duration_s=%.2f requests=%d rps=%.1f "
            .. "p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f max_ms=%.2f non2xx=%d socket_errors=%d timeouts=%d\n",
        os.getenv("BENCH_NAME") or "unnamed",
        os.getenv("BENCH_CONNS") or "?",
        os.getenv("BENCH_THREADS") or "?",
        seconds,
        summary.requests,
        summary.requests / seconds,
        latency:percentile(50) / 1000,
        latency:percentile(95) / 1000,
        latency:percentile(99) / 1000,
        latency.max / 1000,
        e.status,
        e.connect + e.read + e.write,
        e.timeout
    ))
end
