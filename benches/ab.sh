#!/usr/bin/env bash
# Compares the working tree's benchmarks with those of another revision,
# alternating the two, several rounds.
#
#   bash benches/ab.sh <base-rev> <bench> [filter] [rounds]
#   bash benches/ab.sh HEAD~1 commands 'decide_evolve/(lock|delete)/' 3
#
# On a shared virtual machine one run of a benchmark moves by up to a third
# from the next (BENCHMARKS.md), more than most changes it should show.
# Alternating the two sides spreads that noise over both; the summary gives
# each side's median of its runs' medians and the ratio. Sizes as for
# `cargo bench` (SNAPGUARD_BENCH_SIZES). The base revision is checked out
# in target/ab/base (a git worktree, kept for the next comparison; `git
# worktree remove --force target/ab/base` drops it) and built in
# target/ab/target; nothing else is touched.
set -euo pipefail

if [[ $# -lt 2 ]]; then
    sed -n '5,6p' "$0" | sed 's/^# */usage: /' >&2
    exit 2
fi
base_rev=$1
bench=$2
filter=${3:-}
rounds=${4:-3}

root=$(git rev-parse --show-toplevel)
ab=$root/target/ab
base=$ab/base
mkdir -p "$ab"
base_commit=$(git -C "$root" rev-parse --verify "$base_rev^{commit}")
if [[ -d $base ]]; then
    git -C "$base" checkout -q --detach "$base_commit"
else
    git -C "$root" worktree add -q --detach "$base" "$base_commit"
fi

# side name, source directory, target directory
sides=("new $root $root/target" "base $base $ab/target")
results=$ab/results.tsv
: >"$results"

run() {
    local name=$1 dir=$2 target=$3 stamp
    stamp=$(mktemp)
    if ! (cd "$dir" && CARGO_TARGET_DIR=$target cargo bench -q -p snapguard-benches \
        --bench "$bench" -- ${filter:+"$filter"} >"$ab/$name.log" 2>&1); then
        tail -n 20 "$ab/$name.log" >&2
        exit 1
    fi
    find "$target/criterion" -path '*/new/estimates.json' -newer "$stamp" |
        while read -r file; do
            id=${file#"$target/criterion/"}
            id=${id%/new/estimates.json}
            median=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["median"]["point_estimate"])' "$file")
            printf '%s\t%s\t%s\n' "$name" "$id" "$median" >>"$results"
            printf '%-5s %-45s %12.1f ns\n' "$name" "$id" "$median"
        done
    rm -f "$stamp"
}

for side in "${sides[@]}"; do
    read -r name dir target <<<"$side"
    (cd "$dir" && CARGO_TARGET_DIR=$target cargo bench -q -p snapguard-benches \
        --bench "$bench" --no-run)
done
for round in $(seq "$rounds"); do
    echo "round $round of $rounds"
    for side in "${sides[@]}"; do
        read -r name dir target <<<"$side"
        run "$name" "$dir" "$target"
    done
done

python3 - "$results" "$base_commit" <<'EOF'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    side, bench, median = line.rstrip("\n").split("\t")
    runs.setdefault(bench, {}).setdefault(side, []).append(float(median))
print(f"\nmedian of the runs' medians; base is {sys.argv[2][:10]}")
print(f"{'benchmark':45} {'new':>12} {'base':>12} {'new/base':>9}")
for bench in sorted(runs):
    new = statistics.median(runs[bench].get("new", [float("nan")]))
    old = statistics.median(runs[bench].get("base", [float("nan")]))
    print(f"{bench:45} {new:10.1f}ns {old:10.1f}ns {new / old:9.2f}")
EOF
