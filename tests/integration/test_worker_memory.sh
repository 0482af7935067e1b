#!/usr/bin/env bash
# An objective that leaks memory is bounded by --memory-limit: each trial's
# process gets RLIMIT_AS, the leaking trial fails with the limit named in its
# error, and the worker goes on with the next trials. (Without the limit the
# objective would take 512 MiB and succeed.)
source "$(dirname "$0")/lib.sh"
itest_init worker_memory
itest_start_server

url=$(itest_url memory)
itest_worker worker --mongo="$url" --plugin="$HOPT_TEST_PLUGIN" --memory-limit=256 --max-consecutive-failures=100
itest_run leak 120 "$HOPT_TEST_DRIVER" --url "$url" --exp-key leak --objective leak --max-evals 3 \
    --trials-out "$ITEST_DIR/leak_trials"
itest_expect "three leaking trials, all ERROR" test "$(grep -c '"state":3' "$ITEST_DIR/leak_trials")" -eq 3
itest_expect "each names the limit" \
    test "$(grep -c 'a memory limit of 256 MiB (memory_limit)' "$ITEST_DIR/leak_trials")" -eq 3
itest_expect "the worker survived" kill -0 "${ITEST_PID[worker]}"

# The worker goes on, and objectives that stay within the limit run as usual.
itest_run after 120 "$HOPT_TEST_DRIVER" --url "$url" --exp-key after --objective count --max-evals 3 \
    --trials-out "$ITEST_DIR/after_trials"
itest_expect "the next trials are DONE" grep -qx "count done 3" "$ITEST_DIR/after.log"
itest_expect "the worker is still running" kill -0 "${ITEST_PID[worker]}"
kill -TERM "${ITEST_PID[worker]}"
itest_wait worker 20
itest_expect "worker exits 0" test $? -eq 0
itest_pass
