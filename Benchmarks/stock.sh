#!/usr/bin/env bash
# Stock ledger benchmark (issue 6, R-7.3). See Benchmarks/README.md, "Stock ledger".
#
#   Benchmarks/stock.sh            # SQLite (the figures the issue names)
#   DB=postgres Benchmarks/stock.sh
#
# Environment (all optional):
#   BINARY=path     use this aftercare binary instead of building a release one
#   ENTRIES=N       ledger entries to grow to (default 10000000)
#   PARTS=N         parts in the stocktake warehouse (default 20000)
#
# Creates a fresh database (a temporary SQLite file, or the database aftercare_stock_bench on the test
# PostgreSQL of scripts/pg-test-server.sh), runs `aftercare migrate` and `aftercare demo --requests 1000` (for
# the organisation units and an engineer), then `aftercare bench stock`. The output is also kept in
# artifacts/bench/<time>-stock/.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
db=${DB:-sqlite}
entries=${ENTRIES:-10000000}
parts=${PARTS:-20000}
out=$root/artifacts/bench/$(date -u +%Y%m%dT%H%M%SZ)-stock
mkdir -p "$out"

if [[ -z ${BINARY:-} ]]; then
    (cd "$root" && swift build -c release --product aftercare --scratch-path .build-release) >&2
    BINARY=$root/.build-release/release/aftercare
fi

work=$(mktemp -d)
pg_dir=""
cleanup() {
    [[ -n $pg_dir ]] && bash "$root/scripts/pg-test-server.sh" stop "$pg_dir" >/dev/null 2>&1 || true
    rm -rf "$work" ${pg_dir:+"$pg_dir"}
}
trap cleanup EXIT

unset DATABASE_URL SQLITE_PATH
if [[ $db == sqlite ]]; then
    export SQLITE_PATH=$work/aftercare.sqlite
else
    pg_dir=$(mktemp -d /tmp/aftercare-stock-pg.XXXXXX)
    bash "$root/scripts/pg-test-server.sh" start "$pg_dir" >/dev/null
    port=${PG_TEST_PORT:-55432}
    PGPASSWORD=aftercare psql -X -q -h 127.0.0.1 -p "$port" -U aftercare -d aftercare \
        -c "DROP DATABASE IF EXISTS aftercare_stock_bench" -c "CREATE DATABASE aftercare_stock_bench"
    export DATABASE_URL=postgres://aftercare:aftercare@127.0.0.1:$port/aftercare_stock_bench
fi

cd "$work"
"$BINARY" migrate >"$out/migrate.log" 2>&1
"$BINARY" demo --requests 1000 >"$out/demo.log" 2>&1
{
    echo "database: $db; entries: $entries; parts: $parts; machine: $(nproc) cores, $(uname -m)"
    LOG_LEVEL=warning "$BINARY" bench stock --entries "$entries" --parts "$parts"
} 2>&1 | tee "$out/run.log"
