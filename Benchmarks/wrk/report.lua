-- Shared by the other scripts in this folder (loaded with dofile before anything else). It
--
-- 1. builds the headers every request carries (`bench.headers()`), from the environment:
--      BENCH_TOKEN   a personal access token, sent as `Authorization: Bearer …` (the JSON API)
--      BENCH_COOKIE  a Cookie header, e.g. `aftercare_session=…` (the HTML pages)
--      BENCH_ACCEPT  the Accept header (default application/json)
-- 2. checks the status of every response against BENCH_EXPECT: a comma-separated list of statuses
--    or classes, e.g. `2xx` (the default), `200` (a page: a 303 would be the way to /login) or
--    `303` (a successful sign-in). Responses outside it are counted as `unexpected`, and the first
--    one is printed on a `BENCH_SAMPLE` line;
-- 3. prints one parseable line per wrk run, e.g.
--      BENCH name=list_filtered conns=8 threads=2 duration_s=20.00 requests=41234 rps=2061.7
--            p50_ms=3.41 p95_ms=6.02 p99_ms=9.87 max_ms=41.20 non2xx=0 socket_errors=0 timeouts=0
--            expect=2xx unexpected=0 s2xx=41234 s3xx=0 s4xx=0 s5xx=0
--    (one line). Latencies are wrk's (coordinated-omission-prone, closed-loop) per-request times.
--    `non2xx` is wrk's own count of statuses >= 400; `unexpected` is the count against BENCH_EXPECT.
--    Labels come from the environment: BENCH_NAME, BENCH_CONNS, BENCH_THREADS.
--
-- A script that needs its own per-thread setup defines `thread_setup(thread)`, not `setup`.

bench = {}

function bench.env(name)
    local value = os.getenv(name)
    if value == "" then
        return nil
    end
    return value
end

-- The common headers plus `extra` (a new table each call; wrk.format adds Host and Content-Length).
function bench.headers(extra)
    local h = { ["Accept"] = bench.env("BENCH_ACCEPT") or "application/json" }
    local token = bench.env("BENCH_TOKEN")
    if token then
        h["Authorization"] = "Bearer " .. token
    end
    local cookie = bench.env("BENCH_COOKIE")
    if cookie then
        h["Cookie"] = cookie
    end
    for k, v in pairs(extra or {}) do
        h[k] = v
    end
    return h
end

local expect = bench.env("BENCH_EXPECT") or "2xx"
local accepted = {}
for item in expect:gmatch("[^,%s]+") do
    local class = item:match("^(%d)xx$")
    if class then
        accepted[#accepted + 1] = { class = tonumber(class) }
    elseif item:match("^%d%d%d$") then
        accepted[#accepted + 1] = { status = tonumber(item) }
    else
        error("BENCH_EXPECT: '" .. item .. "' is neither a status (303) nor a class (2xx)")
    end
end

local function is_expected(status)
    for _, a in ipairs(accepted) do
        if a.status == status or a.class == math.floor(status / 100) then
            return true
        end
    end
    return false
end

-- Per-thread counters (each wrk thread has its own Lua state); done() adds them up.
unexpected, s2xx, s3xx, s4xx, s5xx, sample = 0, 0, 0, 0, 0, ""

function response(status, headers, body)
    local class = math.floor(status / 100)
    if class == 2 then
        s2xx = s2xx + 1
    elseif class == 3 then
        s3xx = s3xx + 1
    elseif class == 4 then
        s4xx = s4xx + 1
    else
        s5xx = s5xx + 1
    end
    if not is_expected(status) then
        unexpected = unexpected + 1
        if sample == "" then
            local location = headers["location"] or headers["Location"] or ""
            sample = string.format("status=%d location=%s body=%s", status, location,
                (((body or ""):sub(1, 300)):gsub("%s+", " ")))
        end
    end
end

local threads = {}
function setup(thread)
    threads[#threads + 1] = thread
    if thread_setup then
        thread_setup(thread)
    end
end

function done(summary, latency, requests)
    local seconds = summary.duration / 1e6
    local e = summary.errors
    local total = { unexpected = 0, s2xx = 0, s3xx = 0, s4xx = 0, s5xx = 0 }
    local first = ""
    for _, t in ipairs(threads) do
        for k in pairs(total) do
            total[k] = total[k] + (t:get(k) or 0)
        end
        local s = t:get("sample")
        if first == "" and s and s ~= "" then
            first = s
        end
    end
    io.write(string.format(
        "BENCH name=%s conns=%s threads=%s duration_s=%.2f requests=%d rps=%.1f "
            .. "p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f max_ms=%.2f non2xx=%d socket_errors=%d timeouts=%d "
            .. "expect=%s unexpected=%d s2xx=%d s3xx=%d s4xx=%d s5xx=%d\n",
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
        e.timeout,
        expect,
        total.unexpected,
        total.s2xx,
        total.s3xx,
        total.s4xx,
        total.s5xx
    ))
    if first ~= "" then
        io.write("BENCH_SAMPLE name=" .. (os.getenv("BENCH_NAME") or "unnamed") .. " " .. first .. "\n")
    end
end
