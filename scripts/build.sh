#!/usr/bin/env bash
# Configure and build hopt in build/ (or $HOPT_BUILD_DIR) with extra CMake
# arguments passed through: scripts/build.sh -DHOPT_SANITIZE=address,undefined
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${HOPT_BUILD_DIR:-$root/build}
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=${HOPT_BUILD_TYPE:-RelWithDebInfo} "$@" >/dev/null
cmake --build "$build" -- -j"${HOPT_JOBS:-$(nproc)}"
