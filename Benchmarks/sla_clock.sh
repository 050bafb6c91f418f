#!/usr/bin/env bash
# Issue 4: how many requests' SLA clocks (three targets each) the Domain calculator computes per second.
# Compiles the Domain sources with the benchmark's main.swift, optimised, and prints the median of 7 runs.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
swiftc -O -module-name SLAClockBenchmark "$root"/Sources/AftercareDomain/*/*.swift \
    "$root/Benchmarks/sla-clock/main.swift" -o "$out/sla-clock"
"$out/sla-clock"
