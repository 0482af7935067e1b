#!/usr/bin/env bash
# Per-trial overhead of fmin from Python, hopt's binding against hyperopt's
# fmin in the same run (bench/python_overhead.py). Builds hopt with the
# Python binding in build/ and uses the hyperopt reference virtualenv.
# Usage: bench/run_python_overhead.sh [--trials N] [--reps R]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
py=$("$root/scripts/setup-python.sh" | tail -1)
HOPT_BUILD_DIR=$root/build "$root/scripts/build.sh" -DHOPT_BUILD_PYTHON=ON >/dev/null
ref=$("$root/scripts/setup-python-ref.sh" | tail -1)
PYTHONPATH=$root/build/bindings/python/package "$py" "$root/bench/python_overhead.py" --ref-python "$ref" "$@"
