-- POST /api/v1/service-requests: registration throughput and latency.
-- CUSTOMER_ID (required) must name an existing customer; every request gets its own phone
-- number and one of a few fault descriptions, so later searches see realistic rows.
-- The token comes from BENCH_TOKEN (see report.lua).
--   CUSTOMER_ID=1 BENCH_TOKEN=act_… BENCH_NAME=register_c32 wrk -t2 -c32 -d20s -s Benchmarks/wrk/register.lua http://127.0.0.1:8080
local here = debug.getinfo(1, "S").source:match("^@(.*[/\\])") or "./"
dofile(here .. "report.lua")

local customer = os.getenv("CUSTOMER_ID")
if not customer or not customer:match("^%d+$") then
    error("CUSTOMER_ID must be set to an existing customer's integer id")
end

local faults = { "复印件打印模糊", "卡纸", "不制冷", "开机无显示", "漏水", "异响，打印有黑线" }
local priorities = { "normal", "high", "normal", "normal" }

local next_thread = 0
function thread_setup(thread)
    next_thread = next_thread + 1
    thread:set("thread_no", next_thread)
end

thread_no = 0
local counter = 0
local headers = bench.headers({ ["Content-Type"] = "application/json" })

function request()
    counter = counter + 1
    local phone = string.format("139%02d%06d", thread_no % 100, counter % 1000000)
    local body = string.format(
        '{"customerId":%s,"channel":"phone","type":"repair","faultDescription":"%s",'
            .. '"priority":"%s","contactName":"王先生","contactPhone":"%s","unitIds":[]}',
        customer,
        faults[(counter % #faults) + 1],
        priorities[(counter % #priorities) + 1],
        phone
    )
    return wrk.format("POST", "/api/v1/service-requests", headers, body)
end
