#!/usr/bin/env bash
# Search quality per evaluation against the peers, in one run: hopt's mtpe
# and tpe, hyperopt's tpe and Optuna's default sampler (pinned in
# bench/ref/requirements.txt) on bench/search_quality.py's twelve domains,
# serially and with trials in flight; prints medians and the ratio of each
# algorithm's median best loss to Optuna's.
# Usage: bench/run_search_quality.sh [seeds] [in-flight list] [budgets]
#   e.g. bench/run_search_quality.sh 10 1,8 50,100
# Optuna costs most of the time: about 10 core-minutes for 10 seeds at
# budgets up to 100, serial and 8 in flight.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seeds=${1:-10}
in_flight=${2:-1,8}
budgets=${3:-50,100}
jobs=${HOPT_BENCH_JOBS:-$(nproc)}
out=${HOPT_BENCH_OUT:-$root/build/bench-results}
mkdir -p "$out"

HOPT_BUILD_DIR=$root/build "$root/scripts/build.sh" -DHOPT_BUILD_PYTHON=ON >/dev/null
py=$("$root/scripts/setup-python-ref.sh" | tail -1)
result="$out/search-quality.jsonl"
echo "mtpe, tpe, hyperopt and optuna: $seeds seeds, budgets $budgets, in flight $in_flight, $jobs processes..." >&2
"$py" "$root/bench/search_quality.py" --hopt-path "$root/build/bindings/python/package" --seeds "$seeds" \
    --budgets "$budgets" --in-flight "$in_flight" --jobs "$jobs" > "$result"
"$py" "$root/bench/search_quality.py" --summary "$result"
