-- GET the URL given on wrk's command line (list pages, deep cursor page, substring search).
--   BENCH_NAME=list_filtered wrk -c8 -d20s -s Benchmarks/wrk/get.lua 'http://127.0.0.1:8080/api/v1/...'
local here = debug.getinfo(1, "S").source:match("^@(.*[/\\])") or "./"
dofile(here .. "report.lua")

wrk.method = "GET"
wrk.headers["Accept"] = "application/json"
