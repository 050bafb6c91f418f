#!/usr/bin/env bash
# Fee document and payment benchmark (issue 15, R-6.3). See Benchmarks/README.md, "Fee documents and payments".
#
#   Benchmarks/billing.sh            # SQLite (the figure the issue names)
#   DB=postgres Benchmarks/billing.sh
#
# Environment (all optional):
#   BINARY=path     use this aftercare binary instead of building a release one
#   JOBS=N          fee documents to issue and pay (default 2000; half sequentially, half from 8 clients)
#
# Creates a fresh database (a temporary SQLite file, or the database aftercare_billing_bench on the test PostgreSQL
# of scripts/pg-test-server.sh), runs `aftercare migrate` and `aftercare demo --requests 1000` (customers, units and
# fee schedules), then `aftercare bench billing`. The output is also kept in artifacts/bench/<time>-billing/.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
db=${DB:-sqlite}
jobs=${JOBS:-2000}
out=$root/artifacts/bench/$(date -u +%Y%m%dT%H%M%SZ)-billing
mkdir -p "$out"

name=billing
# shellcheck source=Benchmarks/demo-database.sh
source "$root/Benchmarks/demo-database.sh"
{
    echo "database: $db; jobs: $jobs; machine: $(nproc) cores, $(uname -m); commit $(git -C "$root" rev-parse --short HEAD)"
    LOG_LEVEL=warning "$BINARY" bench billing --entries "$jobs"
} 2>&1 | tee "$out/run.log"
