#!/usr/bin/env bash
# The Python binding leaks none of hopt's memory (ASan build): run
# leak_script.py once and ten times under LeakSanitizer, with Python's
# allocator off so that LSan sees each block. The interpreter's own
# allocations alive at exit are reported too, so the check is that no report
# involves hopt (the engine's sources, the SWIG wrapper: a handle never
# freed, an engine object never released) and that the reports do not grow
# with the number of runs. (LSan cannot see a leaked Python reference, whose
# object stays reachable through the garbage collector's lists: weak
# references check those, in test_ownership.py.)
# Usage: leak_check.sh PYTHON PACKAGE_DIR PRELOAD
set -euo pipefail
py=$1 package=$2 preload=$3
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run() {  # runs, report file
  PYTHONMALLOC=malloc PYTHONPATH=$package LD_PRELOAD=$preload ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=exitcode=0 \
    "$py" "$here/leak_script.py" "$1" 2> "$2"
}
run 1 "$work/one" || { cat "$work/one" >&2; exit 1; }
run 10 "$work/ten" || { cat "$work/ten" >&2; exit 1; }
summary() { grep -o 'leaked in [0-9]* allocation' "$1" || echo "leaked in 0 allocation"; }
echo "1 run: $(summary "$work/one"); 10 runs: $(summary "$work/ten")"
if grep -E '#[0-9]+ .*(/src/(capi|fmin|space|trials|algo|worker|objective|core)/|hoptPYTHON_wrap)' "$work/ten"; then
  echo "leak_check: leaks involving hopt (above)" >&2
  exit 1
fi
if [ "$(summary "$work/one")" != "$(summary "$work/ten")" ]; then
  echo "leak_check: leaks grow with the number of runs" >&2
  cat "$work/ten" >&2
  exit 1
fi
echo "leak_check: OK"
