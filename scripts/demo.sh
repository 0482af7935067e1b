#!/usr/bin/env bash
# The main job: set up, build, and run a parallel mtpe search on the local
# thread pool (examples/parallel_search.c), printing the best point.
# Usage: scripts/demo.sh [threads] [max_evals] [algorithm (default mtpe)]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
HOPT_BUILD_DIR=$root/build "$root/scripts/build.sh" >/dev/null
exec "$root/build/examples/parallel_search" "${1:-4}" "${2:-300}" "${3:-mtpe}"
