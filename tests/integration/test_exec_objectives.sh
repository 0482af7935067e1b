#!/usr/bin/env bash
# --exec objectives: the point's JSON on stdin, HOPT_TID in the environment,
# a number or a result object on stdout, --workdir as the current
# directory; a failing command makes an ERROR trial with its stderr.
source "$(dirname "$0")/lib.sh"
itest_init exec_objectives
itest_start_server

url=$(itest_url exec)
workdir=$ITEST_DIR/work
tids=$ITEST_DIR/tids
# shellcheck disable=SC2016  # expanded by the objective's shell
itest_worker worker --mongo="$url" --workdir="$workdir" --reserve-timeout=60 --max-consecutive-failures=100 \
    --exec='number=read x; echo "$HOPT_TID" >>'"$tids"'; pwd >>pwds; echo "$x"' \
    --exec='object=read x; echo "{\"loss\": $x, \"status\": \"ok\", \"tid\": $HOPT_TID}"' \
    --exec='broken=echo "cannot open model.bin" >&2; exit 7'

itest_run number 60 "$HOPT_TEST_DRIVER" --url "$url" --exp-key number --objective number --max-evals 10 \
    --trials-out "$ITEST_DIR/number_trials"
itest_expect "number: fmin returned" grep -q '^fmin: OK' "$ITEST_DIR/number.log"
itest_expect "number: 10 done" grep -qx 'count done 10' "$ITEST_DIR/number.log"
itest_expect "HOPT_TID is each trial's id" cmp -s <(sort -n "$tids") <(seq 0 9)
itest_expect "the commands ran in --workdir" test "$(sort -u "$workdir/pwds")" = "$(cd "$workdir" && pwd)"

itest_run object 60 "$HOPT_TEST_DRIVER" --url "$url" --exp-key object --objective object --max-evals 5 \
    --trials-out "$ITEST_DIR/object_trials"
itest_expect "object: 5 done" grep -qx 'count done 5' "$ITEST_DIR/object.log"
itest_expect "extra result keys are kept" test "$(grep -c '"result":{"loss":[^}]*"tid":[0-9]' "$ITEST_DIR/object_trials")" -eq 5

itest_run broken 60 "$HOPT_TEST_DRIVER" --url "$url" --exp-key broken --objective broken --max-evals 3 \
    --trials-out "$ITEST_DIR/broken_trials"
itest_expect "broken: 3 errors" grep -qx 'count error 3' "$ITEST_DIR/broken.log"
itest_expect "the error gives the exit status and stderr" \
    test "$(grep -c 'exited with status 7; stderr: cannot open model.bin' "$ITEST_DIR/broken_trials")" -eq 3

kill -TERM "${ITEST_PID[worker]}"
itest_wait worker 15
itest_expect "worker exits 0" test $? -eq 0
itest_pass
