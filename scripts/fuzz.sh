#!/usr/bin/env bash
# Build the libFuzzer targets of tests/fuzz (clang-14, ASan + UBSan) and run
# each for a bounded time: FUZZ_SECONDS per target (default 60), FUZZ_JOBS
# targets at a time (default: one per core).
#
#   scripts/fuzz.sh                  every target, 60 s each
#   FUZZ_SECONDS=600 scripts/fuzz.sh space address
#
# Seeds come from tests/fuzz/corpus/<target>/ and tests/fuzz/crashes/<target>/
# (read only); what a run learns goes to $build/fuzz-corpus/<target>/, kept
# between runs. A crash stops that target, leaves its input in
# $build/fuzz-artifacts/<target>/ and makes the script fail; reproduce with
#   $build/tests/fuzz/fuzz_<target> <that file>
# and add the file to tests/fuzz/crashes/<target>/ with the fix, so that
# ctest (fuzz/replay_<target>, in the ordinary gcc suites) runs it from then
# on. docs/reliability.md ("Fuzzing") has more.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${HOPT_FUZZ_BUILD_DIR:-$root/build-fuzzers}
seconds=${FUZZ_SECONDS:-60}
all_targets=(space vals trial_json trial_bson address result)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")

# clang-14 and its sanitizer/libFuzzer runtimes come from Debian (setup.sh).
"$root/scripts/setup.sh"

echo "== fuzz: build ($build)"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
  -DHOPT_BUILD_FUZZERS=ON -DHOPT_BUILD_TESTS=OFF -DHOPT_BUILD_EXAMPLES=OFF -DHOPT_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" --target fuzzers -- -j"${HOPT_JOBS:-$(nproc)}"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
jobs=${FUZZ_JOBS:-$(nproc)}  # targets fuzzed at the same time
results=$build/fuzz-results
rm -rf "$results" && mkdir -p "$results"

fuzz_one() {  # target: runs it, writes its summary line to $results/<target>
  local t=$1 bin=$build/tests/fuzz/fuzz_$1
  local work=$build/fuzz-corpus/$t artifacts=$build/fuzz-artifacts/$t/ log=$build/fuzz-$t.log
  mkdir -p "$work" "$artifacts"
  local dict=()
  [ -f "$root/tests/fuzz/$t.dict" ] && dict=(-dict="$root/tests/fuzz/$t.dict")
  local rc=0
  "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 -print_final_stats=1 \
    -artifact_prefix="$artifacts" "${dict[@]}" \
    "$work" "$root/tests/fuzz/corpus/$t" "$root/tests/fuzz/crashes/$t" >"$log" 2>&1 || rc=$?
  local runs rate cov line
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(grep -o 'exec/s: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  line=$(printf '%-11s %10s runs %8s exec/s  cov %6s' "$t" "${runs:-?}" "${rate:-?}" "${cov:-?}")
  if [ $rc -ne 0 ]; then
    line="$line  FAILED (exit $rc; log $log; input in $artifacts)"
    grep -E '^(==[0-9]+==ERROR|SUMMARY|fuzz property failed|.*runtime error)' "$log" | head -5 >&2 || true
  fi
  echo "$line" >"$results/$t"
}

for t in "${targets[@]}"; do
  [ -x "$build/tests/fuzz/fuzz_$t" ] || { echo "fuzz: no target '$t' (known: ${all_targets[*]})" >&2; exit 2; }
done
echo "== fuzz: ${targets[*]}, ${seconds} s each, $jobs at a time"
for t in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  fuzz_one "$t" &
done
wait
echo "== fuzz: summary (${seconds} s per target)"
failed=()
for t in "${targets[@]}"; do
  cat "$results/$t"
  grep -q FAILED "$results/$t" && failed+=("$t")
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: FAILED: ${failed[*]}" >&2
  exit 1
fi
