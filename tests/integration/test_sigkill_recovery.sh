#!/usr/bin/env bash
# A worker killed with SIGKILL in the middle of a trial never makes fmin wait
# forever: its heartbeat stops, fmin requeues the trial (attempt counted),
# another worker evaluates it, and fmin returns with every trial done.
source "$(dirname "$0")/lib.sh"
itest_init sigkill_recovery
itest_start_server

url=$(itest_url sigkill)
export HOPT_TEST_EVAL_LOG=$ITEST_DIR/evaluations
n=6
itest_worker victim --mongo="$url" --plugin="$HOPT_TEST_PLUGIN" --heartbeat-interval=0.2
itest_spawn driver "$HOPT_TEST_DRIVER" --url "$url" --objective slow --max-evals $n --recovery 2 \
    --trials-out "$ITEST_DIR/trials"
itest_wait_for_line "$ITEST_DIR/victim.log" "job found" 30
sleep 0.3
kill -KILL "${ITEST_PID[victim]}"
itest_wait victim 10
killed_tid=$(tail -1 "$HOPT_TEST_EVAL_LOG")
itest_log "killed the victim while it evaluated tid $killed_tid"
itest_worker survivor --mongo="$url" --plugin="$HOPT_TEST_PLUGIN" --heartbeat-interval=0.2
itest_wait driver 120
status=$?
itest_expect "fmin returned 0 (got $status)" test $status -eq 0
itest_expect "$n trials done" grep -qx "count done $n" "$ITEST_DIR/driver.log"
itest_expect "no trial left running" grep -qx "count running 0" "$ITEST_DIR/driver.log"
# The killed trial was evaluated twice (once by the victim, unfinished),
# every other trial once; its document counts one abandonment.
itest_expect "tid $killed_tid evaluated again" test "$(grep -cx "$killed_tid" "$HOPT_TEST_EVAL_LOG")" -eq 2
itest_expect "$n distinct tids" test "$(sort -u "$HOPT_TEST_EVAL_LOG" | wc -l)" -eq $n
itest_expect "its document records the abandonment" \
    grep -q "\"attempts\":1.*\"tid\":$killed_tid\b\|\"tid\":$killed_tid\b.*\"attempts\":1" "$ITEST_DIR/trials"
itest_pass
