#!/usr/bin/env bash
# Route optimiser benchmark (R-4.4). See Benchmarks/README.md, "Route optimiser (VRPTW)".
#
#   Benchmarks/vrptw.sh
#
# Environment (all optional):
#   BINARY=path        use this aftercare binary instead of building a release one
#   DATA=dir           the Solomon folder (default: ../shared/data/vrptw next to the repository)
#   SECONDS_LIST="10 60"  time limits per instance for the distance-only runs
#   HIER_SECONDS=10    time limit per instance for the hierarchical run ("" to skip)
#   SUBSET_60="C104 R108 RC106"  instances for the 60 s run (empty: all of the folder)
#   SEED=1             random seed
#   DAY_SECONDS=10     time limit of the realistic day
#
# Every run uses one core (--threads 1). Everything printed is also kept in artifacts/bench/<time>-vrptw/.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
data=${DATA:-$root/../shared/data/vrptw}
seconds_list=${SECONDS_LIST:-10 60}
hier_seconds=${HIER_SECONDS-10}
subset_60=${SUBSET_60-C104 R108 RC106}
seed=${SEED:-1}
day_seconds=${DAY_SECONDS:-10}

if [[ ! -d $data ]]; then
    echo "no Solomon folder at $data (set DATA)" >&2
    exit 2
fi

if [[ -z ${BINARY:-} ]]; then
    (cd "$root" && swift build -c release --product aftercare --scratch-path .build-release)
    BINARY=$root/.build-release/release/aftercare
fi

out=$root/artifacts/bench/$(date -u +%Y%m%dT%H%M%SZ)-vrptw
mkdir -p "$out"
exec > >(tee "$out/run.log") 2>&1

echo "machine: $(nproc) cores, $(uname -m), load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "binary: $BINARY"
echo "data: $data"
date -u

for s in $seconds_list; do
    dir=$data
    if [[ $s != 10 && -n $subset_60 ]]; then
        dir=$out/subset
        mkdir -p "$dir"
        cp "$data/bks.csv" "$dir/"
        for name in $subset_60; do cp "$data/$name.txt" "$dir/"; done
    fi
    echo
    echo "== distance-only (DIMACS), $s s per instance, $(ls "$dir"/*.txt | wc -l) instances =="
    "$BINARY" bench vrptw --dir "$dir" --seconds "$s" --objective distance --seed "$seed" \
        --solutions "$out/solutions-distance-$s" || echo "FAILED (an infeasible result or an error)"
done

if [[ -n $hier_seconds ]]; then
    echo
    echo "== hierarchical (vehicles, then exact Euclidean distance), $hier_seconds s per instance =="
    "$BINARY" bench vrptw --dir "$data" --seconds "$hier_seconds" --objective hierarchical --seed "$seed" \
        --solutions "$out/solutions-hierarchical" || echo "FAILED (an infeasible result or an error)"
fi

echo
echo "== realistic day: 300 visits, 20 engineers, $day_seconds s; 5 emergency insertions =="
"$BINARY" bench day --seconds "$day_seconds" --seed "$seed" || echo "FAILED"
echo
echo "kept in $out"
