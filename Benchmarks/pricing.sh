#!/usr/bin/env bash
# Issue 15: how many 20-line multi-unit jobs the Domain pricing function prices per second.
# Compiles the Domain sources with the benchmark's main.swift, optimised, and prints the median of 7 runs.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
swiftc -O -module-name PricingBenchmark "$root"/Sources/AftercareDomain/*/*.swift \
    "$root/Benchmarks/pricing/main.swift" -o "$out/pricing"
"$out/pricing"
