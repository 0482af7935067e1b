#!/usr/bin/env bash
# SIGTERM and SIGINT: an idle worker exits 0 at once; a busy one finishes its
# trial first; a trial still running after the 10 s grace is killed and put
# back in the queue; a second signal ends the worker at once.
source "$(dirname "$0")/lib.sh"
itest_init worker_signals
itest_start_server
url=$(itest_url signals)
report() { "$HOPT_TEST_DRIVER" --url "$url" --exp-key "$1" --report; }

# Idle.
itest_worker idle --mongo="$url" --plugin="$HOPT_TEST_PLUGIN" --reserve-timeout=0
itest_wait_for_line "$ITEST_DIR/idle.log" 'no job found' 10
kill -INT "${ITEST_PID[idle]}"
itest_wait idle 5
itest_expect "idle worker: SIGINT exits 0" test $? -eq 0
itest_expect "idle worker: says why" grep -q 'exiting: asked to stop' "$ITEST_DIR/idle.log"

# Busy: the 2 s trial finishes and is written before the worker exits.
itest_spawn driver_slow "$HOPT_TEST_DRIVER" --url "$url" --exp-key slow --objective slow --max-evals 1
itest_worker busy --mongo="$url" --exec='slow=sleep 2; echo 0.5'
itest_wait_for_line "$ITEST_DIR/busy.log" 'job found: ' 20
kill -TERM "${ITEST_PID[busy]}"
itest_wait busy 15
itest_expect "busy worker: SIGTERM exits 0" test $? -eq 0
itest_expect "busy worker: finished the trial first" grep -q 'job finished: ' "$ITEST_DIR/busy.log"
itest_wait driver_slow 30
itest_expect "the trial is done" grep -qx 'count done 1' "$ITEST_DIR/driver_slow.log"

# Past the grace: the hanging trial is killed and requeued.
itest_spawn driver_hang "$HOPT_TEST_DRIVER" --url "$url" --exp-key hang --objective hang --max-evals 1
itest_worker hung --mongo="$url" --plugin="$HOPT_TEST_PLUGIN"
itest_wait_for_line "$ITEST_DIR/hung.log" 'job found: ' 20
kill -TERM "${ITEST_PID[hung]}"
itest_wait hung 25
itest_expect "hung worker: exits 0 after the grace" test $? -eq 0
itest_expect "hung worker: released the trial" grep -q 'released to the queue' "$ITEST_DIR/hung.log"
itest_expect "the trial is NEW again" grep -qx 'count new 1' <(report hang)

# A second signal: at once, leaving the trial to be recovered.
itest_worker twice --mongo="$url" --plugin="$HOPT_TEST_PLUGIN"
itest_wait_for_line "$ITEST_DIR/twice.log" 'job found: ' 20
kill -TERM "${ITEST_PID[twice]}"
sleep 0.5
kill -TERM "${ITEST_PID[twice]}"
itest_wait twice 5
status=$?
itest_expect "second SIGTERM: killed by it (status $status)" test $status -eq 143
itest_expect "the trial stays RUNNING until recovered" grep -qx 'count running 1' <(report hang)
kill -KILL "${ITEST_PID[driver_hang]}"
itest_pass
