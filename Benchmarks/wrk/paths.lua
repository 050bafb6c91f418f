-- GET a rotating list of paths read from the file named by PATHS_FILE, one path per line
-- (e.g. /api/v1/service-requests?number=SR-2026-000123), so that lookups by number, serial or
-- phone, or request detail pages (/requests/123) do not hit the same row every time. Each thread
-- starts at a different offset. Headers (token, cookie, Accept) and the status check come from report.lua.
--   PATHS_FILE=lookup_number.txt BENCH_TOKEN=act_… BENCH_NAME=lookup_number wrk -c8 -d20s -s Benchmarks/wrk/paths.lua http://127.0.0.1:8080
local here = debug.getinfo(1, "S").source:match("^@(.*[/\\])") or "./"
dofile(here .. "report.lua")

local paths = {}
local file = os.getenv("PATHS_FILE")
if file then
    for line in io.lines(file) do
        if line:match("^/") then
            paths[#paths + 1] = line
        end
    end
end
if #paths == 0 then
    error("PATHS_FILE must name a file of request paths, one per line")
end

local next_offset = 0
function thread_setup(thread)
    next_offset = next_offset + 7919
    thread:set("index", next_offset)
end

index = 0
local headers = bench.headers()
function request()
    index = index + 1
    return wrk.format("GET", paths[(index % #paths) + 1], headers)
end
