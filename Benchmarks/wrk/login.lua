-- POST /login with valid credentials: sign-in throughput and latency (bcrypt on the server's thread
-- pool, one session row per sign-in). A successful sign-in answers 303 with a session cookie; a
-- refused one 401 and a locked one 429, so run it with BENCH_EXPECT=303 (the harness does).
--   LOGIN_CSRF   (required) the value of the `aftercare_csrf` cookie that GET /login set; it is
--                sent both as that cookie and as the form's `_csrf` field (double submit)
--   LOGIN_USERS  comma-separated logins to take turns with (default admin,manager)
--   LOGIN_PASSWORD  their password (default aftercare-demo, the demo password)
-- Only ever send valid credentials: failures count towards the per-account and per-address
-- lockouts (5 per account, 20 per address in 15 minutes).
--   LOGIN_CSRF=… BENCH_EXPECT=303 BENCH_ACCEPT=text/html BENCH_NAME=login_c8 \
--     wrk -t2 -c8 -d20s -s Benchmarks/wrk/login.lua http://127.0.0.1:8080
local here = debug.getinfo(1, "S").source:match("^@(.*[/\\])") or "./"
dofile(here .. "report.lua")

local csrf = bench.env("LOGIN_CSRF")
if not csrf then
    error("LOGIN_CSRF must be set to the aftercare_csrf cookie that GET /login set")
end
local password = bench.env("LOGIN_PASSWORD") or "aftercare-demo"
local users = {}
for name in (bench.env("LOGIN_USERS") or "admin,manager"):gmatch("[^,%s]+") do
    users[#users + 1] = name
end

local function form_escape(s)
    return (s:gsub("[^%w%-%._~]", function(c)
        return string.format("%%%02X", string.byte(c))
    end))
end

-- One pre-built body per user; the requests only differ in the user.
local bodies = {}
for i, name in ipairs(users) do
    bodies[i] = "_csrf=" .. form_escape(csrf) .. "&login=" .. form_escape(name) .. "&password=" .. form_escape(password)
end

local next_thread = 0
function thread_setup(thread)
    next_thread = next_thread + 1
    thread:set("counter", next_thread)
end

local headers = bench.headers({
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "aftercare_csrf=" .. csrf,
})

counter = 0
function request()
    counter = counter + 1
    return wrk.format("POST", "/login", headers, bodies[(counter % #bodies) + 1])
end
