#!/usr/bin/env bash
# Issue 4's sweep figures at scale, on SQLite or PostgreSQL:
#   - the re-plan of every open request's clocks after a policy change;
#   - one SLA sweep pass over the backlog a fresh load leaves (every old open request is past due), then a
#     steady-state pass right after it (the goal: <= 2 s with 1,000,000 requests, 100,000 open);
#   - registration latency while the server re-plans after a policy change, against the same run idle.
#
#   Benchmarks/sla_sweeps.sh [sqlite|postgres]
#
# Environment: REQUESTS (default 1000000), BINARY (default: build a release binary), DURATION (wrk, 20s),
# CONNS (registration connections, 8), PG_TEST_PORT (55432, PostgreSQL from scripts/pg-test-server.sh).
# Prints lines starting with RESULT; everything also goes to artifacts/bench/<time>-sla-<db>/.
set -euo pipefail

db=${1:-sqlite}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REQUESTS=${REQUESTS:-1000000}
DURATION=${DURATION:-20s}
CONNS=${CONNS:-8}
out=$root/artifacts/bench/$(date +%Y%m%dT%H%M%S)-sla-$db
mkdir -p "$out"
work=$(mktemp -d /tmp/aftercare-sla-bench.XXXXXX)
say() { echo "[sla-bench $(date +%H:%M:%S)] $*" | tee -a "$out/log.txt"; }
result() { echo "RESULT $*" | tee -a "$out/results.txt"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
server_pid=""
cleanup() {
    [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

if [[ -z ${BINARY:-} ]]; then
    say "building the release binary"
    (cd "$root" && swift build -c release --product aftercare --scratch-path .build-release) >"$out/build.log" 2>&1
    BINARY=$root/.build-release/release/aftercare
fi
unset DATABASE_URL SQLITE_PATH
if [[ $db == sqlite ]]; then
    export SQLITE_PATH=$work/aftercare.sqlite
else
    pg_port=${PG_TEST_PORT:-55432}
    PGPASSWORD=aftercare psql -X -q -h 127.0.0.1 -p "$pg_port" -U aftercare -d aftercare \
        -c "DROP DATABASE IF EXISTS aftercare_sla_bench" -c "CREATE DATABASE aftercare_sla_bench"
    export DATABASE_URL=postgres://aftercare:aftercare@127.0.0.1:$pg_port/aftercare_sla_bench
fi

say "demo --requests $REQUESTS (the demo plans the open requests' clocks at the end)"
t=$(now)
"$BINARY" demo --requests "$REQUESTS" >"$out/demo.log" 2>&1
result "load requests=$REQUESTS seconds=$(since "$t") $(grep -o 'SLA clocks of [0-9]* open requests' "$out/demo.log" || true)"
token=$("$BINARY" user token --username admin --name sla-bench 2>/dev/null | tail -n 1 | tr -d '[:space:]')

# One server: sweeps every second (so a policy change is re-planned at once, in-process).
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
start_server() { # interval
    AFTERCARE_SWEEP_INTERVAL=$1 LOG_LEVEL=info "$BINARY" serve --hostname 127.0.0.1 --port "$port" \
        </dev/null >>"$out/server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 600); do
        curl -fsS -m 2 "$base/healthz" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "server did not start" >&2
    exit 1
}
stop_server() {
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
}
api() { curl -fsS -m 60 -H "Authorization: Bearer $token" -H 'Content-Type: application/json' "$@"; }

# --- sweep passes, from the command line (the server is not running) -----------------------
t=$(now)
"$BINARY" sweep --only sla >"$out/sweep-backlog.txt" 2>&1
result "sla_sweep_backlog seconds=$(since "$t") $(tail -n 1 "$out/sweep-backlog.txt")"
t=$(now)
"$BINARY" sweep --only followUps >"$out/sweep-followups.txt" 2>&1
result "follow_up_sweep_backlog seconds=$(since "$t") $(tail -n 1 "$out/sweep-followups.txt")"
for i in 1 2 3; do
    t=$(now)
    "$BINARY" sweep --only sla >"$out/sweep-steady-$i.txt" 2>&1
    result "sla_sweep_steady_$i seconds=$(since "$t") (process start included) $(tail -n 1 "$out/sweep-steady-$i.txt")"
done

# --- registration idle, then during a re-plan ---------------------------------------------
start_server 1
customer=$(api "$base/api/v1/customers?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
register() { # name
    CUSTOMER_ID=$customer BENCH_TOKEN=$token BENCH_NAME=$1 BENCH_CONNS=$CONNS BENCH_THREADS=2 BENCH_EXPECT=2xx \
        wrk -t2 -c"$CONNS" -d"$DURATION" --timeout 10s --latency -s "$root/Benchmarks/wrk/register.lua" "$base" \
        >"$out/wrk-$1.txt" 2>&1
    result "$1 $(grep -E '^BENCH ' "$out/wrk-$1.txt" | head -n 1 | sed 's/^BENCH //')"
}
register register_idle
policy=$(api "$base/api/v1/sla/policies?limit=200" | python3 -c '
import json, sys
items = json.load(sys.stdin)["items"]
default = [p for p in items if p["isDefault"]][0]
print(default["id"], default["version"], default["targets"][0]["minutes"])')
read -r policy_id policy_version minutes <<<"$policy"
api -X PATCH "$base/api/v1/sla/policies/$policy_id" \
    -d "{\"version\": $policy_version, \"targets\": $(api "$base/api/v1/sla/policies/$policy_id" |
        python3 -c 'import json,sys; t=json.load(sys.stdin)["targets"]; t[0]["minutes"]+=1; print(json.dumps(t))')}" \
    >/dev/null
t=$(now)
register register_during_replan
result "replan_started_with_registration seconds_until_wrk_ended=$(since "$t")"
for _ in $(seq 900); do
    grep -q 'sweep: replan' "$out/server.log" && break
    sleep 1
done
stop_server
result "replan in the server: $(grep -E 'sweep: replan' "$out/server.log" | tail -n 1 | sed 's/.*\[//')"
say "done; results in $out"
