-- GET the URL given on wrk's command line (list pages, deep cursor page, substring search, pages).
--   BENCH_TOKEN=act_… BENCH_NAME=list_filtered wrk -c8 -d20s -s Benchmarks/wrk/get.lua 'http://127.0.0.1:8080/api/v1/...'
--   BENCH_COOKIE=aftercare_session=… BENCH_ACCEPT=text/html BENCH_EXPECT=200 BENCH_NAME=page_list \
--     wrk -c8 -d20s -s Benchmarks/wrk/get.lua 'http://127.0.0.1:8080/requests'
-- Headers and the status check come from report.lua.
local here = debug.getinfo(1, "S").source:match("^@(.*[/\\])") or "./"
dofile(here .. "report.lua")

wrk.method = "GET"
for k, v in pairs(bench.headers()) do
    wrk.headers[k] = v
end
