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
#   GET_CONNS=8         connections for the list, lookup and search runs
#   BINARY=path         use this aftercare binary instead of building a release one
#   ONLY="a b"          run only these benchmarks (names as printed, e.g. "search_substring register")
#   BENCH_DIR=dir       where the database lives (default: a new temp dir, removed afterwards)
#   KEEP=1              keep BENCH_DIR (the loaded database) afterwards
#   LOG_LEVEL=warning   server log level (Vapor reads LOG_LEVEL)
#   PORT=               server port (default: a free one)
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
ONLY=${ONLY:-}
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
wanted() { [[ -z $ONLY || " $ONLY " == *" $1 "* || " $ONLY " == *" ${1%%_*} "* ]]; }

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

# --- server --------------------------------------------------------------------------------
port=${PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
base=http://127.0.0.1:$port
LOG_LEVEL=${LOG_LEVEL:-warning} "$BINARY" serve --hostname 127.0.0.1 --port "$port" \
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
python3 - "$base" "$out" <<'PY'
import json, random, re, sys, urllib.parse, urllib.request

base, out = sys.argv[1], sys.argv[2]
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

def get(path):
    with opener.open(base + path, timeout=30) as r:
        return json.load(r)

customers = get("/api/v1/customers?limit=200")["items"]
if not customers:
    sys.exit("no customers: demo data missing")
open(f"{out}/customer_id", "w").write(str(customers[0]["id"]))

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
PY
customer_id=$(cat "$out/customer_id")
deep_cursor=$(cat "$out/deep_cursor")

# --- runs ----------------------------------------------------------------------------------
results=$out/results.txt
: >"$results"
wrkdir=$root/Benchmarks/wrk

bench() { # name conns script url [warmup]
    local name=$1 conns=$2 script=$3 url=$4 warm=${5:-no}
    local threads=$((conns < 2 ? conns : 2))
    wanted "$name" || return 0
    if [[ $warm == yes && $WARMUP != 0 ]]; then
        BENCH_NAME=warmup BENCH_CONNS=$conns BENCH_THREADS=$threads \
            wrk -t"$threads" -c"$conns" -d"$WARMUP" --timeout 10s -s "$wrkdir/$script" "$url" >/dev/null
    fi
    say "$name: $conns connections, $DURATION"
    BENCH_NAME=$name BENCH_CONNS=$conns BENCH_THREADS=$threads \
        wrk -t"$threads" -c"$conns" -d"$DURATION" --timeout 10s --latency -s "$wrkdir/$script" "$url" \
        >"$out/wrk-$name.txt" 2>&1 || die "wrk failed for $name (see $out/wrk-$name.txt)"
    local line
    line=$(grep '^BENCH ' "$out/wrk-$name.txt" | tail -n 1)
    echo "$line" | tee -a "$results"
    if [[ $line != *" non2xx=0 "* ]]; then
        say "WARNING: $name got non-2xx responses; a sample:"
        curl --noproxy '*' -sS -m 10 "$url" | head -c 400 || true
        echo
    fi
}

q_search=$(python3 -c 'import urllib.parse; print(urllib.parse.quote("打印模糊"))')

# Reads first, on the freshly loaded data set; then writes.
bench list_filtered "$GET_CONNS" get.lua "$base/api/v1/service-requests?status=registered&priority=high&limit=50" yes
if [[ -n $deep_cursor ]]; then
    bench list_deep "$GET_CONNS" get.lua \
        "$base/api/v1/service-requests?limit=50&cursor=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$deep_cursor")" yes
else
    say "skipping list_deep: no cursor 100 pages deep"
fi
for kind in number serial phone; do
    if [[ -s $out/lookup_$kind.txt ]]; then
        PATHS_FILE=$out/lookup_$kind.txt bench "lookup_$kind" "$GET_CONNS" paths.lua "$base" yes
    else
        say "skipping lookup_$kind: no values found"
    fi
done
bench search_substring "$GET_CONNS" get.lua "$base/api/v1/service-requests?q=$q_search&limit=50" yes
for c in $POST_CONNS; do
    CUSTOMER_ID=$customer_id bench "register_c$c" "$c" register.lua "$base"
done

rss_kb=$(ps -o rss= -p "$server_pid" | tr -d ' ')
hwm_kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$server_pid/status" 2>/dev/null || echo 0)
echo "RSS rss_mb=$((rss_kb / 1024)) peak_rss_mb=$((hwm_kb / 1024))" | tee -a "$results"

# --- summary -------------------------------------------------------------------------------
python3 - "$results" "$db" "$machine" "$REQUESTS" "$load_seconds" <<'PY' | tee "$out/summary.md"
import datetime, re, sys

path, db, machine, requests, load_seconds = sys.argv[1:]
rows, rss = [], None
for line in open(path):
    kv = dict(re.findall(r"(\w+)=(\S+)", line))
    if line.startswith("BENCH "):
        rows.append(kv)
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
if rss:
    print(f"| {date} | {machine} | {db} | {command} | server RSS after run (peak) | | | "
          f"| {rss['rss_mb']} MB ({rss['peak_rss_mb']} MB) |")

print("\nGoals:")
def goal(ok, text):
    print(f"  {'MET ' if ok else 'MISS'} {text}")
for r in rows:
    n, p95, p99, rps = r["name"], float(r["p95_ms"]), float(r["p99_ms"]), float(r["rps"])
    bad = int(r["non2xx"]) + int(r["socket_errors"]) + int(r["timeouts"])
    if bad:
        goal(False, f"{n}: {bad} failed requests")
    if n.startswith(("list_", "lookup_")):
        goal(p95 <= 20, f"{n}: p95 {p95} ms <= 20 ms")
    elif n == "search_substring":
        goal(p95 <= 100, f"{n}: p95 {p95} ms <= 100 ms")
    elif n == "register_c32" and db == "sqlite":
        goal(rps >= 1000 and p99 <= 50, f"{n}: {rps:.0f}/s >= 1000/s and p99 {p99} ms <= 50 ms")
if rss:
    goal(int(rss["peak_rss_mb"] or 0) <= 200, f"server peak RSS {rss['peak_rss_mb']} MB <= 200 MB")
PY
say "done; results in $out"
