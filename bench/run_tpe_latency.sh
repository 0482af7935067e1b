#!/usr/bin/env bash
# TPE suggestion latency, hopt against hyperopt's tpe.suggest on the same
# machine in the same run: 100/1,000/10,000 completed trials x 1/4/16
# parameters, plus memory per stored trial. Prints the ratios.
# Usage: bench/run_tpe_latency.sh [--quick]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${HOPT_BENCH_OUT:-$root/build/bench-results}
mkdir -p "$out"
trials=100,1000,10000
budget=600
if [ "${1:-}" = "--quick" ]; then trials=100,1000; budget=60; fi

HOPT_BUILD_DIR=$root/build "$root/scripts/build.sh" >/dev/null
py=$("$root/scripts/setup-python-ref.sh" | tail -1)

echo "hopt..." >&2
"$root/build/bench/bench_tpe_latency" --trials $trials --params 1,4,16 --reps 50 > "$out/latency-hopt.jsonl"
echo "hyperopt (up to ${budget} s)..." >&2
"$py" "$root/bench/ref/tpe_latency.py" --trials $trials --params 1,4,16 --max-seconds $budget > "$out/latency-hyperopt.jsonl"
python3 "$root/bench/compare.py" latency "$out/latency-hopt.jsonl" "$out/latency-hyperopt.jsonl"
