#!/usr/bin/env bash
# Customer-voice benchmark (issue 17, R-9, R-10.2). See Benchmarks/README.md, "Complaint statistics, survey results and the survey link".
#
#   Benchmarks/voice.sh            # SQLite (the figure the issue names)
#   DB=postgres Benchmarks/voice.sh
#
# Environment (all optional):
#   BINARY=path     use this aftercare binary instead of building a release one
#   COMPLAINTS=N    complaints (default 50000; ten times as many survey answers)
#   REQUESTS=N      demo requests to load first (default 1000000)
#
# Creates a fresh database (a temporary SQLite file, or the database aftercare_voice_bench on the test PostgreSQL
# of scripts/pg-test-server.sh), runs `aftercare migrate` and `aftercare demo --requests $REQUESTS`, then
# `aftercare bench voice`. The output is also kept in artifacts/bench/<time>-voice/.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
db=${DB:-sqlite}
cases=${COMPLAINTS:-50000}
demo_requests=${REQUESTS:-1000000}
out=$root/artifacts/bench/$(date -u +%Y%m%dT%H%M%SZ)-voice
mkdir -p "$out"

name=voice
began=$(date +%s)
# shellcheck source=Benchmarks/demo-database.sh
source "$root/Benchmarks/demo-database.sh"
{
    echo "database: $db; complaints: $cases; requests: $demo_requests; machine: $(nproc) cores, $(uname -m);" \
        "commit $(git -C "$root" rev-parse --short HEAD); demo loaded in $(($(date +%s) - began)) s"
    LOG_LEVEL=warning "$BINARY" bench voice --entries "$cases"
} 2>&1 | tee "$out/run.log"
