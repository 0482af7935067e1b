#!/usr/bin/env bash
# A plugin objective that segfaults on some points (x < 0.3) fails only those
# trials, with the signal in the error; the other trials are DONE and the
# worker keeps going. A hanging objective is stopped by --trial-timeout.
source "$(dirname "$0")/lib.sh"
itest_init crash_isolation
itest_start_server

url=$(itest_url crash)
for w in 1 2; do
    itest_worker "worker$w" --mongo="$url" --plugin="$HOPT_TEST_PLUGIN" --max-consecutive-failures=1000 \
        --trial-timeout=1 --reserve-timeout=60
done
itest_run segv 120 "$HOPT_TEST_DRIVER" --url "$url" --exp-key segv --objective segv_low --max-evals 40 \
    --trials-out "$ITEST_DIR/segv_trials"
itest_expect "fmin returned" grep -q '^fmin: OK' "$ITEST_DIR/segv.log"

# The x of each trial document on stdin, one per line.
x_values() { grep -o '"vals":{"x":\[[^]]*\]' | sed 's/.*\[//; s/\]//'; }
count_below() { awk -v limit="$1" '$1 < limit { n++ } END { print n + 0 }'; }

docs=$ITEST_DIR/segv_trials
errors=$(grep -c '"state":3' "$docs")
done_=$(grep -c '"state":2' "$docs")
low=$(x_values <"$docs" | count_below 0.3)
itest_log "segv_low: $done_ done, $errors errors, $low points below 0.3"
itest_expect "40 trials" test $((errors + done_)) -eq 40
itest_expect "some points crash" test "$errors" -gt 0
itest_expect "the trials below 0.3 are the ERROR ones" test "$errors" -eq "$low"
itest_expect "each error names SIGSEGV" test "$(grep '"state":3' "$docs" | grep -c 'signal 11 (SIGSEGV)')" -eq "$errors"
itest_expect "no DONE trial below 0.3" test "$(grep '"state":2' "$docs" | x_values | count_below 0.3)" -eq 0

itest_run hang 60 "$HOPT_TEST_DRIVER" --url "$url" --exp-key hang --objective hang --max-evals 2 \
    --trials-out "$ITEST_DIR/hang_trials"
itest_expect "both hanging trials fail with the timeout" \
    test "$(grep -c 'hopt.TrialTimeout' "$ITEST_DIR/hang_trials")" -eq 2

# The workers survived all of it.
for w in 1 2; do
    itest_expect "worker$w still running" kill -0 "${ITEST_PID[worker$w]}"
    kill -TERM "${ITEST_PID[worker$w]}"
    itest_wait "worker$w" 15
    itest_expect "worker$w exits 0" test $? -eq 0
done
itest_pass
