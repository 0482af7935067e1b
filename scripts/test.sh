#!/usr/bin/env bash
# Every test: set up, then build and run the suite twice, once normally and
# once with AddressSanitizer + UndefinedBehaviorSanitizer. Tests that need a
# MongoDB-protocol server get a FerretDB that ctest starts and stops.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
# The MongoDB-protocol server the tests start (built once, from the Go module proxy).
"$root/scripts/ferretdb-install.sh"

run_suite() {  # name, build dir, cmake args...
  local name=$1 dir=$2
  shift 2
  echo "== $name: build"
  HOPT_BUILD_DIR=$dir "$root/scripts/build.sh" -DHOPT_WERROR=ON "$@"
  echo "== $name: test"
  ctest --test-dir "$dir" --output-on-failure -j"$(nproc)" --timeout 600
}

# The Python binding is tested in both suites (under the sanitizers its tests preload their
# runtimes: docs/python.md), Lua too; R in the release suite (R cannot load a sanitized libhopt).
run_suite "release" "$root/build" -DHOPT_BUILD_R=ON -DHOPT_BUILD_LUA=ON -DHOPT_BUILD_PYTHON=ON
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run_suite "asan+ubsan" "$root/build-asan" -DHOPT_SANITIZE=address,undefined -DHOPT_BUILD_BENCH=OFF \
    -DHOPT_BUILD_LUA=ON -DHOPT_BUILD_PYTHON=ON
# The libFuzzer targets (clang, ASan + UBSan), briefly: any finding fails.
FUZZ_SECONDS=${FUZZ_SECONDS:-15} "$root/scripts/fuzz.sh"
echo "== all tests passed"
