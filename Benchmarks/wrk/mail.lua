-- POST /api/v1/mail/inbound: the mail gateway's ingest rate. Every request is a new message (its own
-- Message-ID) from MAIL_FROM, a demo customer's contact, so each opens a request, its conversation entry and
-- its acknowledgement, as a real message does. The gateway's secret comes from MAILGATE_TOKEN.
--   MAIL_FROM=service1@example.com MAILGATE_TOKEN=… BENCH_NAME=mail_ingest wrk -t2 -c8 -d20s \
--     -s Benchmarks/wrk/mail.lua http://127.0.0.1:8080
local here = debug.getinfo(1, "S").source:match("^@(.*[/\\])") or "./"
dofile(here .. "report.lua")

local from = os.getenv("MAIL_FROM") or error("MAIL_FROM must name a demo contact's address")
local token = os.getenv("MAILGATE_TOKEN") or error("MAILGATE_TOKEN must be the server's gateway secret")

local next_thread = 0
function thread_setup(thread)
    next_thread = next_thread + 1
    thread:set("thread_no", next_thread)
end

thread_no = 0
local counter = 0
local faults = { "复印件打印模糊，有黑色条纹", "第二纸盒卡纸，显示 J-21", "空调不制冷，压缩机不启动", "屏幕开机无显示" }
local headers = bench.headers({
    ["Content-Type"] = "message/rfc822",
    ["X-Aftercare-Mailgate-Token"] = token,
})

function request()
    counter = counter + 1
    local fault = faults[(counter % #faults) + 1]
    local body = table.concat({
        "From: =?UTF-8?B?546L5YWI55Sf?= <" .. from .. ">",
        "To: service@desk.example",
        "Subject: " .. fault,
        string.format("Message-ID: <bench-%d-%d-%d@example.com>", thread_no, counter, os.time()),
        "Date: Mon, 07 Dec 2026 09:00:00 +0800",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
        "",
        "您好，" .. fault .. "。请尽快安排工程师上门，谢谢。",
        "",
    }, "\r\n")
    return wrk.format("POST", "/api/v1/mail/inbound", headers, body)
end
