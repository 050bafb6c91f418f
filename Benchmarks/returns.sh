#!/usr/bin/env bash
# Returns benchmark (issue 16, R-8). See Benchmarks/README.md, "The depot board and the nonconformity table".
#
#   Benchmarks/returns.sh            # SQLite (the figure the issue names)
#   DB=postgres Benchmarks/returns.sh
#
# Environment (all optional):
#   BINARY=path     use this aftercare binary instead of building a release one
#   CASES=N         return cases (default 100000)
#   REQUESTS=N      demo requests to load first (default 1000000)
#
# Creates a fresh database (a temporary SQLite file, or the database aftercare_returns_bench on the test PostgreSQL
# of scripts/pg-test-server.sh), runs `aftercare migrate` and `aftercare demo --requests $REQUESTS`, then
# `aftercare bench returns`. The output is also kept in artifacts/bench/<time>-returns/.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
db=${DB:-sqlite}
cases=${CASES:-100000}
demo_requests=${REQUESTS:-1000000}
out=$root/artifacts/bench/$(date -u +%Y%m%dT%H%M%SZ)-returns
mkdir -p "$out"

name=returns
began=$(date +%s)
# shellcheck source=Benchmarks/demo-database.sh
source "$root/Benchmarks/demo-database.sh"
{
    echo "database: $db; cases: $cases; requests: $demo_requests; machine: $(nproc) cores, $(uname -m);" \
        "commit $(git -C "$root" rev-parse --short HEAD); demo loaded in $(($(date +%s) - began)) s"
    LOG_LEVEL=warning "$BINARY" bench returns --entries "$cases"
} 2>&1 | tee "$out/run.log"
