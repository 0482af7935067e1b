#!/usr/bin/env bash
# Search quality on hyperopt's test domains: hopt and hyperopt (pinned in
# bench/ref) on the same domains, budgets, TPE settings, thresholds, seeds and
# noise, in the same run; prints both pass rates per (algo, domain).
# Usage: bench/run_quality.sh [seeds] [jobs]
# hyperopt needs about 10 core-seconds per seed for the whole suite; hopt
# about 0.5.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seeds=${1:-50}
jobs=${2:-$(nproc)}
out=${HOPT_BENCH_OUT:-$root/build/bench-results}
mkdir -p "$out"

HOPT_BUILD_DIR=$root/build "$root/scripts/build.sh" >/dev/null
py=$("$root/scripts/setup-python-ref.sh" | tail -1)
"$py" "$root/bench/ref/quality.py" --dump-noise 2000 > "$out/noise.json"

echo "hopt, $seeds seeds..." >&2
"$root/build/bench/bench_quality" --seeds "$seeds" --noise "$out/noise.json" > "$out/quality-hopt.jsonl"
echo "hyperopt, $seeds seeds on $jobs processes..." >&2
"$py" "$root/bench/ref/quality.py" --seeds "$seeds" --jobs "$jobs" > "$out/quality-hyperopt.jsonl"
python3 "$root/bench/compare.py" quality "$out/quality-hopt.jsonl" "$out/quality-hyperopt.jsonl"
