#!/usr/bin/env bash
# Aftercare benchmark harness. See Benchmarks/README.md.
#
#   Benchmarks/run.sh [sqlite|postgres]
#
# Environment (all optional):
#   REQUESTS=1000000    service requests in the demo data set (`aftercare demo --requests N`)
#   DURATION=20s        length of each measured wrk run
#   WARMUP=3s           unmeasured wrk run before each read benchmark ("0" to skip)
#   POST_CONNS="1 8 32" connection counts for the registration runs
#   GET_CONNS=8         connections for the list, lookup and search runs and the page runs
#   LOGIN_CONNS="1 2 8" connection counts for the sign-in runs (POST /login)
#   BCRYPT_COSTS="10 11 12"  bcrypt costs for the single sign-in timings (login_cost<N>)
#   SIGNIN_SAMPLES=5    sign-ins timed per cost (the median is reported)
#   BINARY=path         use this aftercare binary instead of building a release one
#   ONLY="a b"          run only these benchmarks: a name as printed or its prefix up to an "_"
#                       (e.g. "search_substring box register page_list login")
#   BENCH_DIR=dir       where the database lives (default: a new temp dir, removed afterwards)
#   KEEP=1              keep BENCH_DIR (the loaded database) afterwards
#   LOG_LEVEL=warning   server log level (Vapor reads LOG_LEVEL)
#   PORT=               server port (default: a free one)
#
# The API runs send a personal access token of the demo login `admin`; the page runs sign in
# through the form with curl (admin for the desk, customer1 for the portal). Every response is
# checked: a run with any response outside its expected statuses (2xx for the API, 200 for pages,
# 303 for sign-ins), a socket error or a timeout is reported as FAILED, and the script then exits 1.
#
# Loopback only. Everything printed is also kept in artifacts/bench/<time>-<db>/.
set -euo pipefail

db=${1:-sqlite}
case $db in
sqlite | postgres) ;;
*)
    echo "usage: $0 [sqlite|postgres]" >&2
    exit 2
    ;;
esac

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
REQUESTS=${REQUESTS:-1000000}
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-3s}
POST_CONNS=${POST_CONNS:-1 8 32}
GET_CONNS=${GET_CONNS:-8}
LOGIN_CONNS=${LOGIN_CONNS:-1 2 8}
BCRYPT_COSTS=${BCRYPT_COSTS:-10 11 12}
SIGNIN_SAMPLES=${SIGNIN_SAMPLES:-5}
ONLY=${ONLY:-}
DEMO_PASSWORD=aftercare-demo # every login `aftercare demo` creates has this password
stamp=$(date +%Y%m%dT%H%M%S)
out=$root/artifacts/bench/$stamp-$db
mkdir -p "$out"
exec > >(tee -a "$out/run.log") 2>&1

say() { echo "[bench $(date +%H:%M:%S)] $*"; }
die() {
    say "error: $*"
    exit 1
}
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
wanted() { # name: whether ONLY selects it, by its full name or a prefix that ends before an "_"
    [[ -z $ONLY ]] && return 0
    local w
    for w in $ONLY; do
        [[ $1 == "$w" || $1 == "$w"_* ]] && return 0
    done
    return 1
}
failures=()
fail() { # name reason…: a run that must not count; reported loudly now and again at the end (exit 1)
    failures+=("$1: ${*:2}")
    say "FAILED $1: ${*:2}"
}

machine="$(nproc) cores, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo), $(awk '/^MemTotal:/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)"
say "machine: $machine"
say "database: $db, requests: $REQUESTS, duration: $DURATION, artifacts: $out"

# --- tools ---------------------------------------------------------------------------------
if ! command -v wrk >/dev/null; then
    say "installing wrk (Debian package)"
    if [[ $EUID -eq 0 ]]; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk ||
            { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk; }
    else
        sudo apt-get install -y wrk
    fi
fi
command -v curl >/dev/null || die "curl is needed"

# --- binary --------------------------------------------------------------------------------
if [[ -z ${BINARY:-} ]]; then
    say "building release binary (swift build -c release --product aftercare; ~15 min cold on 2 cores)"
    t=$(now)
    swift build -c release --product aftercare
    say "build took $(since "$t") s"
    BINARY=$root/.build/release/aftercare
fi
BINARY=$(realpath "$BINARY")
[[ -x $BINARY ]] || die "$BINARY is not an executable"
say "binary: $BINARY"

# --- database ------------------------------------------------------------------------------
work=${BENCH_DIR:-$(mktemp -d /tmp/aftercare-bench.XXXXXX)}
mkdir -p "$work"
server_pid=""
pg_dir=""

cleanup() {
    set +e
    if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid"
        for _ in $(seq 50); do
            kill -0 "$server_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$server_pid" 2>/dev/null
        wait "$server_pid" 2>/dev/null
    fi
    [[ -n $pg_dir ]] && bash "$root/scripts/pg-test-server.sh" stop "$pg_dir"
    if [[ -n ${KEEP:-} ]]; then
        say "kept $work ${pg_dir:+and $pg_dir}"
    else
        rm -rf "$work" ${pg_dir:+"$pg_dir"}
    fi
}
trap cleanup EXIT

unset DATABASE_URL SQLITE_PATH
unset BENCH_TOKEN BENCH_COOKIE BENCH_ACCEPT BENCH_EXPECT # each run sets its own (see wrk/report.lua)
if [[ $db == sqlite ]]; then
    export SQLITE_PATH=$work/aftercare.sqlite
    rm -f "$SQLITE_PATH" "$SQLITE_PATH-wal" "$SQLITE_PATH-shm"
else
    pg_dir=$(mktemp -d /tmp/aftercare-bench-pg.XXXXXX) # its own dir: the postgres user must reach it
    bash scripts/pg-test-server.sh start "$pg_dir" >/dev/null
    pg_port=${PG_TEST_PORT:-55432}
    PGPASSWORD=aftercare psql -X -q -h 127.0.0.1 -p "$pg_port" -U aftercare -d aftercare \
        -c "DROP DATABASE IF EXISTS aftercare_bench" -c "CREATE DATABASE aftercare_bench"
    export DATABASE_URL=postgres://aftercare:aftercare@127.0.0.1:$pg_port/aftercare_bench
fi

say "migrate + demo --requests $REQUESTS"
t=$(now)
"$BINARY" migrate >"$out/migrate.log" 2>&1 || die "migrate failed (see $out/migrate.log)"
"$BINARY" demo --requests "$REQUESTS" >"$out/demo.log" 2>&1 || die "demo failed (see $out/demo.log)"
load_seconds=$(since "$t")
if [[ $db == sqlite ]]; then
    db_size=$(du -sh "$work" | cut -f1)
else
    db_size=$(PGPASSWORD=aftercare psql -X -At -h 127.0.0.1 -p "$pg_port" -U aftercare -d aftercare_bench \
        -c "SELECT pg_size_pretty(pg_database_size(current_database()))")
fi
echo "LOAD requests=$REQUESTS seconds=$load_seconds db_size=$db_size" | tee "$out/load.txt"

# The API needs authentication: a personal access token of the demo administrator (sees everything).
# It stays in the temp dir and the environment of the runs, not in the artifacts.
"$BINARY" user token --username admin --name bench >"$work/token" 2>"$out/token.log" ||
    die "aftercare user token failed (see $out/token.log)"
token=$(tail -n 1 "$work/token" | tr -d '[:space:]')
[[ $token == act_* ]] || die "aftercare user token printed no act_… token (see $out/token.log)"

# --- server --------------------------------------------------------------------------------
port=${PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
base=http://127.0.0.1:$port
mail_token=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
AFTERCARE_MAILGATE_TOKEN=$mail_token LOG_LEVEL=${LOG_LEVEL:-warning} "$BINARY" serve --hostname 127.0.0.1 --port "$port" \
    </dev/null >"$out/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 600); do
    kill -0 "$server_pid" 2>/dev/null || die "server exited (see $out/server.log)"
    curl --noproxy '*' -fsS -m 2 "$base/healthz" >/dev/null 2>&1 && break
    sleep 0.1
done
curl --noproxy '*' -fsS -m 2 "$base/healthz" >/dev/null || die "server not healthy (see $out/server.log)"
say "server pid $server_pid on $base, RSS after start: $(($(ps -o rss= -p "$server_pid") / 1024)) MB"

# --- fixtures: a customer, a deep cursor, numbers, serials, phones -------------------------
say "collecting fixtures (following nextCursor for 100 pages)"
BENCH_TOKEN=$token python3 - "$base" "$out" <<'PY'
import datetime, json, os, random, re, sys, urllib.error, urllib.parse, urllib.request

base, out = sys.argv[1], sys.argv[2]
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
auth = {"Authorization": "Bearer " + os.environ["BENCH_TOKEN"], "Accept": "application/json"}

def get(path):
    try:
        with opener.open(urllib.request.Request(base + path, headers=auth), timeout=30) as r:
            return json.load(r)
    except urllib.error.HTTPError as e:
        sys.exit(f"GET {path} answered {e.code}: {e.read()[:300].decode(errors='replace')}")

customers = get("/api/v1/customers?limit=200")["items"]
if not customers:
    sys.exit("no customers: demo data missing")
open(f"{out}/customer_id", "w").write(str(customers[0]["id"]))
emails = [c["email"] for cu in customers for c in cu.get("contacts", []) if c.get("email")]
open(f"{out}/mail_from", "w").write(emails[0] if emails else "")

numbers, phones, cursor = [], [], None
for page in range(100):
    q = {"limit": 50}
    if cursor:
        q["cursor"] = cursor
    body = get("/api/v1/service-requests?" + urllib.parse.urlencode(q))
    for item in body["items"]:
        if item.get("number"):
            numbers.append(item["number"])
        phone = re.sub(r"\D", "", str(item.get("contactPhone") or ""))
        if phone:
            phones.append(phone)
    cursor = body.get("nextCursor")
    if not cursor:
        break
open(f"{out}/deep_cursor", "w").write(cursor or "")
print(f"deep cursor after {page + 1} pages: {'yes' if cursor else 'no (fewer rows than 100 pages)'}")

serials = []
for c in customers[:40]:
    for u in get(f"/api/v1/units?customerId={c['id']}&limit=10")["items"]:
        if u.get("serialNumber"):
            serials.append(u["serialNumber"])

rnd = random.Random(42)
for name, key, values in (("number", "number", numbers), ("serial", "serial", serials), ("phone", "phone", phones)):
    values = list(dict.fromkeys(values))
    rnd.shuffle(values)
    with open(f"{out}/lookup_{name}.txt", "w") as f:
        for v in values[:500]:
            f.write("/api/v1/service-requests?" + urllib.parse.urlencode({key: v, "limit": 50}) + "\n")
    print(f"lookup_{name}: {min(len(values), 500)} distinct values")

# Issue 14: the one search box (`q`), the way the desk types: a number's tail, a serial in lower case, a phone with
# separators, a customer's name.
names = [c["name"] for c in customers if c.get("name")]
def spaced(digits):
    return digits[:3] + " " + digits[3:7] + "-" + digits[7:] if len(digits) > 7 else digits
for name, values, typed in (
    ("number", numbers, lambda v: v.rsplit("-", 1)[-1]),
    ("serial", serials, lambda v: v.lower()),
    ("phone", phones, spaced),
    ("name", names, lambda v: v[:4]),
):
    values = list(dict.fromkeys(values))
    rnd.shuffle(values)
    with open(f"{out}/box_{name}.txt", "w") as f:
        for v in values[:500]:
            f.write("/api/v1/service-requests?" + urllib.parse.urlencode({"q": typed(v), "limit": 50}) + "\n")
    print(f"box_{name}: {min(len(values), 500)} distinct values")

# Request detail pages: ids spread over the whole data set, not only the newest ones. 25 points in time
# evenly between the oldest and the newest request, the 20 newest requests before each.
def instant(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))

ids = []
newest = get("/api/v1/service-requests?limit=1")["items"]
oldest = get("/api/v1/service-requests?sort=oldest&limit=1")["items"]
if newest and oldest:
    first, last = instant(oldest[0]["createdAt"]), instant(newest[0]["createdAt"])
    points = 25
    for k in range(points):
        before = first + (last - first) * (k + 1) / points + datetime.timedelta(seconds=1)
        q = {"createdBefore": before.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), "limit": 20}
        ids += [item["id"] for item in get("/api/v1/service-requests?" + urllib.parse.urlencode(q))["items"]]
ids = list(dict.fromkeys(ids))
rnd.shuffle(ids)
with open(f"{out}/detail_paths.txt", "w") as f:
    for i in ids[:500]:
        f.write(f"/requests/{i}\n")
print(f"page_detail: {min(len(ids), 500)} distinct request ids" + (f" from {min(ids)} to {max(ids)}" if ids else ""))
PY
[[ -s $out/customer_id ]] || die "collecting fixtures failed"
customer_id=$(cat "$out/customer_id")
deep_cursor=$(cat "$out/deep_cursor")

# --- runs ----------------------------------------------------------------------------------
results=$out/results.txt
: >"$results"
wrkdir=$root/Benchmarks/wrk

# Whether HTTP status $1 is in the expected list $2 (as BENCH_EXPECT: "2xx", "200", "303", "2xx,303").
status_ok() {
    local item
    for item in ${2//,/ }; do
        [[ $item == "$1" || $item == "${1:0:1}xx" ]] && return 0
    done
    return 1
}

# One GET with the run's headers (BENCH_TOKEN, BENCH_COOKIE, BENCH_ACCEPT); prints the status.
probe() { # url body-file
    local args=(--noproxy '*' -sS -m 30 -o "$2" -w '%{http_code}' -H "Accept: ${BENCH_ACCEPT:-application/json}")
    [[ -n ${BENCH_TOKEN:-} ]] && args+=(-H "Authorization: Bearer $BENCH_TOKEN")
    [[ -n ${BENCH_COOKIE:-} ]] && args+=(-H "Cookie: $BENCH_COOKIE")
    curl "${args[@]}" "$1" || echo " (curl failed)"
}

field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"; }

bench() { # name conns script url [warmup]; the wrk scripts read BENCH_TOKEN/COOKIE/ACCEPT/EXPECT
    local name=$1 conns=$2 script=$3 url=$4 warm=${5:-no}
    local threads=$((conns < 2 ? conns : 2))
    local expect=${BENCH_EXPECT:-2xx}
    wanted "$name" || return 0
    # One request first, so that a wrong token, cookie or fixture fails at once instead of after a run.
    local target=""
    case $script in
    get.lua) target=$url ;;
    paths.lua) target=$url$(head -n 1 "$PATHS_FILE") ;;
    esac
    if [[ -n $target ]]; then
        local status
        status=$(probe "$target" "$work/probe.txt")
        if ! status_ok "$status" "$expect"; then
            cp "$work/probe.txt" "$out/probe-$name.txt"
            fail "$name" "GET $target answered $status, expected $expect; skipped (response in probe-$name.txt)"
            head -c 400 "$out/probe-$name.txt"
            echo
            return 0
        fi
    fi
    if [[ $warm == yes && $WARMUP != 0 ]]; then
        BENCH_NAME=warmup BENCH_CONNS=$conns BENCH_THREADS=$threads \
            wrk -t"$threads" -c"$conns" -d"$WARMUP" --timeout 10s -s "$wrkdir/$script" "$url" >/dev/null
    fi
    say "$name: $conns connections, $DURATION"
    BENCH_NAME=$name BENCH_CONNS=$conns BENCH_THREADS=$threads BENCH_EXPECT=$expect \
        wrk -t"$threads" -c"$conns" -d"$DURATION" --timeout 10s --latency -s "$wrkdir/$script" "$url" \
        >"$out/wrk-$name.txt" 2>&1 || die "wrk failed for $name (see $out/wrk-$name.txt)"
    local line
    line=$(grep '^BENCH ' "$out/wrk-$name.txt" | tail -n 1)
    [[ -n $line ]] || die "wrk printed no BENCH line for $name (see $out/wrk-$name.txt)"
    echo "$line" | tee -a "$results"
    local unexpected errors timeouts
    unexpected=$(field "$line" unexpected)
    errors=$(field "$line" socket_errors)
    timeouts=$(field "$line" timeouts)
    if [[ $unexpected != 0 || $errors != 0 || $timeouts != 0 ]]; then
        fail "$name" "$unexpected of $(field "$line" requests) responses outside $expect" \
            "(2xx=$(field "$line" s2xx) 3xx=$(field "$line" s3xx) 4xx=$(field "$line" s4xx) 5xx=$(field "$line" s5xx))," \
            "$errors socket errors, $timeouts timeouts"
        grep '^BENCH_SAMPLE ' "$out/wrk-$name.txt" | head -c 600 || true
        echo
    fi
}

api() { BENCH_TOKEN=$token bench "$@"; } # the JSON API, with the administrator's token

# Signs in through the form as a demo login, as a browser would; prints the session cookie's value.
cookie_value() { awk -F'\t' -v n="$2" '$6 == n { v = $7 } END { print v }' "$1"; } # curl jar, name
signin() { # login
    local jar=$work/cookies-$1.txt code
    rm -f "$jar"
    curl --noproxy '*' -fsS -m 30 -c "$jar" -b "$jar" -o /dev/null "$base/login" || return 1
    code=$(curl --noproxy '*' -sS -m 30 -c "$jar" -b "$jar" -o "$work/signin-$1.html" -w '%{http_code}' \
        --data-urlencode "_csrf=$(cookie_value "$jar" aftercare_csrf)" --data-urlencode "login=$1" \
        --data-urlencode "password=$DEMO_PASSWORD" "$base/login") || return 1
    [[ $code == 303 ]] || {
        say "sign-in as $1 answered $code, expected 303" >&2
        return 1
    }
    cookie_value "$jar" aftercare_session
}
declare -A sessions=()
page() { # login name conns script url [warmup]: an HTML page, with the login's session cookie
    local login=$1
    shift
    wanted "$1" || return 0
    if [[ -z ${sessions[$login]:-} ]]; then
        sessions[$login]=$(signin "$login") || sessions[$login]=""
        if [[ -z ${sessions[$login]} ]]; then
            fail "$1" "could not sign in as $login; skipped"
            return 0
        fi
    fi
    BENCH_COOKIE="aftercare_session=${sessions[$login]}" BENCH_ACCEPT=text/html BENCH_EXPECT=200 bench "$@"
}

q_search=$(python3 -c 'import urllib.parse; print(urllib.parse.quote("打印模糊"))')

# Reads first, on the freshly loaded data set; then writes.
api list_filtered "$GET_CONNS" get.lua "$base/api/v1/service-requests?status=registered&priority=high&limit=50" yes
if [[ -n $deep_cursor ]]; then
    api list_deep "$GET_CONNS" get.lua \
        "$base/api/v1/service-requests?limit=50&cursor=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$deep_cursor")" yes
else
    say "skipping list_deep: no cursor 100 pages deep"
fi
for kind in number serial phone; do
    if [[ -s $out/lookup_$kind.txt ]]; then
        PATHS_FILE=$out/lookup_$kind.txt api "lookup_$kind" "$GET_CONNS" paths.lua "$base" yes
    else
        say "skipping lookup_$kind: no values found"
    fi
done
api search_substring "$GET_CONNS" get.lua "$base/api/v1/service-requests?q=$q_search&limit=50" yes
for kind in number serial phone name; do
    if [[ -s $out/box_$kind.txt ]]; then
        PATHS_FILE=$out/box_$kind.txt api "box_$kind" "$GET_CONNS" paths.lua "$base" yes
    else
        say "skipping box_$kind: no values found"
    fi
done

# Pages (issue 3): the desk's request list and detail as the administrator, the portal as a customer.
page admin page_list "$GET_CONNS" get.lua "$base/requests" yes
page admin page_list_registered "$GET_CONNS" get.lua "$base/requests?status=registered" yes
if [[ -s $out/detail_paths.txt ]]; then
    PATHS_FILE=$out/detail_paths.txt page admin page_detail "$GET_CONNS" paths.lua "$base" yes
elif wanted page_detail; then
    fail page_detail "no request ids among the fixtures; skipped"
fi
page customer1 portal_home "$GET_CONNS" get.lua "$base/portal" yes

# Issue 14: a request page with 50 conversation entries (replies and notes, posted through the API first).
if wanted page_conversation; then
    conv_id=$(BENCH_TOKEN=$token python3 - "$base" <<'PY'
import json, os, sys, urllib.request
base = sys.argv[1]
auth = {"Authorization": "Bearer " + os.environ["BENCH_TOKEN"], "Content-Type": "application/json"}
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
def call(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    with opener.open(urllib.request.Request(base + path, data=data, headers=auth, method=method), timeout=30) as r:
        return json.load(r)
rid = call("GET", "/api/v1/service-requests?limit=1")["items"][0]["id"]
for i in range(50):
    kind = "internalNote" if i % 3 == 2 else "reply"
    call("POST", f"/api/v1/service-requests/{rid}/messages",
         {"kind": kind, "body": f"第 {i + 1} 条：已联系客户，确认故障现象与备件型号，预计明天上午上门处理。"})
print(rid)
PY
    ) || conv_id=""
    if [[ -n $conv_id ]]; then
        page admin page_conversation "$GET_CONNS" get.lua "$base/requests/$conv_id" yes
        # One at a time: the server's own time for the page, without waiting behind other requests.
        page admin page_conversation_c1 1 get.lua "$base/requests/$conv_id" yes
    else
        fail page_conversation "could not post 50 messages"
    fi
fi

# Issue 15: a service report page with 10 photos (uploaded through the API to the demo's report waiting for the
# customer's signature; the page lists them as thumbnails, each fetched by the browser on its own).
if wanted page_report; then
    report_id=$(BENCH_TOKEN=$token python3 - "$base" <<'PY'
import json, os, struct, sys, uuid, zlib, urllib.request
base = sys.argv[1]
token = os.environ["BENCH_TOKEN"]
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
def png(seed):
    raw = b"".join(b"\0" + bytes([(x * seed + y) % 256 for x in range(64 * 3)]) for y in range(48))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 64, 48, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
found = json.load(opener.open(urllib.request.Request(
    base + "/api/v1/service-reports?status=submitted&limit=1", headers={"Authorization": "Bearer " + token}),
    timeout=30))["items"]
if not found:
    sys.exit(1)
rid = found[0]["id"]
boundary = uuid.uuid4().hex
body = b""
for i in range(10):
    body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files[]\"; filename=\"photo-{i + 1}.png\"\r\n"
             "Content-Type: image/png\r\n\r\n").encode() + png(i + 3) + b"\r\n"
body += f"--{boundary}--\r\n".encode()
request = urllib.request.Request(
    base + f"/api/v1/service-reports/{rid}/photos", data=body, method="POST",
    headers={"Authorization": "Bearer " + token, "Content-Type": f"multipart/form-data; boundary={boundary}"})
report = json.load(opener.open(request, timeout=60))
if len(report.get("photos", [])) < 10:
    sys.exit(1)
print(rid)
PY
    ) || report_id=""
    if [[ -n $report_id ]]; then
        page admin page_report "$GET_CONNS" get.lua "$base/reports/$report_id" yes
        page admin page_report_c1 1 get.lua "$base/reports/$report_id" yes
    else
        fail page_report "could not add 10 photos to a submitted report"
    fi
fi

# Issue 14: the mail gateway. In the server: new messages from a demo contact, each opening a request with its
# acknowledgement. Through the binary, as a mail server runs it: one process per message, 4 at a time.
mail_from=$(cat "$out/mail_from" 2>/dev/null || true)
if [[ -n $mail_from ]]; then
    MAIL_FROM=$mail_from MAILGATE_TOKEN=$mail_token BENCH_EXPECT=202 bench mail_ingest "$GET_CONNS" mail.lua "$base"
    if wanted mailgate_process; then
        mkdir -p "$work/mail"
        for i in $(seq 200); do
            printf 'From: <%s>\r\nSubject: gate %d\r\nMessage-ID: <gate-%d-%s@example.com>\r\n\r\n打印机卡纸 %d\r\n' \
                "$mail_from" "$i" "$i" "$stamp" "$i" >"$work/mail/$i.eml"
        done
        printf '%s\n' "$mail_token" >"$work/mail/token"
        t=$(now)
        if ls "$work"/mail/*.eml | xargs -P 4 -I{} sh -c \
            "\"$BINARY\" mailgate --url $base --token-file $work/mail/token < {} >/dev/null"; then
            seconds=$(since "$t")
            echo "MAILGATE name=mailgate_process messages=200 parallel=4 seconds=$seconds rate=$(awk -v s="$seconds" 'BEGIN { printf "%.1f", 200 / s }')" |
                tee -a "$results"
        else
            fail mailgate_process "a mailgate run failed"
        fi
    fi
elif wanted mail_ingest; then
    fail mail_ingest "no demo contact with an e-mail address"
fi

for c in $POST_CONNS; do
    CUSTOMER_ID=$customer_id api "register_c$c" "$c" register.lua "$base"
done

# Sign-in throughput: POST /login with the right password, taking turns between admin and manager.
# Each one verifies a bcrypt hash on the server's thread pool and opens a session (a row).
# The form's token comes from GET /login (a cookie, and the same value in a hidden field).
login_csrf=""
for c in $LOGIN_CONNS; do
    wanted "login_c$c" || continue
    if [[ -z $login_csrf ]]; then
        jar=$work/cookies-login.txt
        curl --noproxy '*' -fsS -m 30 -c "$jar" -o /dev/null "$base/login" || die "GET /login failed"
        login_csrf=$(cookie_value "$jar" aftercare_csrf)
        [[ -n $login_csrf ]] || die "GET /login set no aftercare_csrf cookie"
    fi
    LOGIN_CSRF=$login_csrf LOGIN_USERS=admin,manager LOGIN_PASSWORD=$DEMO_PASSWORD \
        BENCH_ACCEPT=text/html BENCH_EXPECT=303 bench "login_c$c" "$c" login.lua "$base"
done

# One sign-in at a time at each bcrypt cost, on the otherwise idle server. The cost that counts is the
# one in the stored hash (the server's AFTERCARE_BCRYPT_COST only applies to hashes it makes), so
# each cost gets its own login, created by `aftercare user create` with that AFTERCARE_BCRYPT_COST.
for cost in $BCRYPT_COSTS; do
    name=login_cost$cost
    wanted "$name" || continue
    user=bench.cost$cost
    if ! printf '%s\n' "$DEMO_PASSWORD" | AFTERCARE_BCRYPT_COST=$cost "$BINARY" user create --username "$user" \
        --role hotlineAgent --unit HQ --password-stdin >>"$out/users.log" 2>&1; then
        fail "$name" "aftercare user create failed (see $out/users.log)"
        continue
    fi
    jar=$work/cookies-$user.txt
    rm -f "$jar"
    curl --noproxy '*' -fsS -m 30 -c "$jar" -o /dev/null "$base/login" || die "GET /login failed"
    csrf=$(cookie_value "$jar" aftercare_csrf)
    times=()
    for _ in $(seq "$SIGNIN_SAMPLES"); do
        answer=$(curl --noproxy '*' -sS -m 30 -b "$jar" -o /dev/null -w '%{http_code} %{time_total}' \
            --data-urlencode "_csrf=$csrf" --data-urlencode "login=$user" --data-urlencode "password=$DEMO_PASSWORD" \
            "$base/login") || answer="000 0"
        if [[ ${answer%% *} != 303 ]]; then
            fail "$name" "sign-in as $user answered ${answer%% *}, expected 303"
            continue 2
        fi
        times+=("${answer#* }")
    done
    printf '%s\n' "${times[@]}" | sort -g | awk -v name="$name" -v cost="$cost" '
        { t[NR] = $1 * 1000 }
        END {
            n = NR
            printf "SIGNIN name=%s cost=%s samples=%d median_ms=%.2f min_ms=%.2f max_ms=%.2f\n",
                name, cost, n, (n % 2 ? t[(n + 1) / 2] : (t[n / 2] + t[n / 2 + 1]) / 2), t[1], t[n]
        }' | tee -a "$results"
done

rss_kb=$(ps -o rss= -p "$server_pid" | tr -d ' ')
hwm_kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$server_pid/status" 2>/dev/null || echo 0)
echo "RSS rss_mb=$((rss_kb / 1024)) peak_rss_mb=$((hwm_kb / 1024))" | tee -a "$results"

# --- summary -------------------------------------------------------------------------------
python3 - "$results" "$db" "$machine" "$REQUESTS" "$load_seconds" <<'PY' | tee "$out/summary.md"
import datetime, re, sys

path, db, machine, requests, load_seconds = sys.argv[1:]
rows, signins, rss = [], [], None
for line in open(path):
    kv = dict(re.findall(r"(\w+)=(\S+)", line))
    if line.startswith("BENCH "):
        rows.append(kv)
    elif line.startswith("SIGNIN "):
        signins.append(kv)
    elif line.startswith("RSS "):
        rss = kv

date = datetime.date.today().isoformat()
command = f"Benchmarks/run.sh {db} (REQUESTS={requests})"
print(f"\nLoad of {requests} requests: {load_seconds} s\n")
print("| date | machine | database | command | metric | p50 | p95 | p99 | rate |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for r in rows:
    metric = f"{r['name']} (c={r['conns']})"
    print(f"| {date} | {machine} | {db} | {command} | {metric} | {r['p50_ms']} ms | {r['p95_ms']} ms "
          f"| {r['p99_ms']} ms | {float(r['rps']):.0f}/s |")
for r in signins:
    metric = f"{r['name']} (one sign-in, bcrypt cost {r['cost']}, median of {r['samples']})"
    print(f"| {date} | {machine} | {db} | {command} | {metric} | {r['median_ms']} ms | | | |")
if rss:
    print(f"| {date} | {machine} | {db} | {command} | server RSS after run (peak) | | | "
          f"| {rss['rss_mb']} MB ({rss['peak_rss_mb']} MB) |")

print("\nGoals:")
def goal(ok, text):
    print(f"  {'MET ' if ok else 'MISS'} {text}")
for r in rows:
    n, p95, p99, rps = r["name"], float(r["p95_ms"]), float(r["p99_ms"]), float(r["rps"])
    bad = max(int(r["non2xx"]), int(r.get("unexpected", 0))) + int(r["socket_errors"]) + int(r["timeouts"])
    if bad:
        goal(False, f"{n}: {bad} failed requests (statuses outside {r.get('expect', '2xx')}, socket errors, timeouts)")
    if n.startswith(("list_", "lookup_")):
        goal(p95 <= 20, f"{n}: p95 {p95} ms <= 20 ms")
    elif n in ("search_substring", "box_name"):
        goal(p95 <= 100, f"{n}: p95 {p95} ms <= 100 ms")
    elif n.startswith("box_"):
        goal(p95 <= 50, f"{n}: p95 {p95} ms <= 50 ms (issue 14: numbers, serials, phones)")
    elif n == "register_c32" and db == "sqlite":
        goal(rps >= 1000 and p99 <= 50, f"{n}: {rps:.0f}/s >= 1000/s and p99 {p99} ms <= 50 ms")
for r in signins:
    median = float(r["median_ms"])
    goal(median <= 100, f"{r['name']}: one sign-in at bcrypt cost {r['cost']} {median} ms <= 100 ms")
if rss:
    goal(int(rss["peak_rss_mb"] or 0) <= 200, f"server peak RSS {rss['peak_rss_mb']} MB <= 200 MB")
PY
if ((${#failures[@]})); then
    say "FAILED: ${#failures[@]} run(s) got responses they must not get; their figures do not count:"
    for f in "${failures[@]}"; do
        say "  FAILED $f"
    done
    say "results in $out"
    exit 1
fi
say "done; results in $out"
