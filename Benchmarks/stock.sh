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

name=stock
# shellcheck source=Benchmarks/demo-database.sh
source "$root/Benchmarks/demo-database.sh"
{
    echo "database: $db; entries: $entries; parts: $parts; machine: $(nproc) cores, $(uname -m)"
    LOG_LEVEL=warning "$BINARY" bench stock --entries "$entries" --parts "$parts"
} 2>&1 | tee "$out/run.log"
