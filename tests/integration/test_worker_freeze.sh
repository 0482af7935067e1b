#!/usr/bin/env bash
# A worker frozen (SIGSTOP) in the middle of a trial stops heartbeating: fmin
# requeues the trial (claim + 1) and another worker evaluates it again. When
# the frozen worker resumes (SIGCONT) after that, its late result neither
# duplicates nor overwrites the recomputed trial: the outcome recorded first
# stands (docs/reliability.md), the frozen worker drops its own and goes on.
source "$(dirname "$0")/lib.sh"
itest_init worker_freeze
itest_start_server

url=$(itest_url freeze)
export HOPT_TEST_EVAL_LOG=$ITEST_DIR/evaluations
n=4
itest_worker frozen --mongo="$url" --plugin="$HOPT_TEST_PLUGIN" --heartbeat-interval=0.2 --heartbeat-timeout=2
itest_spawn driver "$HOPT_TEST_DRIVER" --url "$url" --objective slow --max-evals $n --recovery 2 --queue 1 \
    --trials-out "$ITEST_DIR/trials"
itest_wait_for_line "$ITEST_DIR/frozen.log" "job found:" 30
kill -STOP "${ITEST_PID[frozen]}"
tid=$(grep -m1 "job found:" "$ITEST_DIR/frozen.log" | sed 's/.*job found: \([0-9]*\).*/\1/')
itest_log "froze the worker evaluating tid $tid"

itest_worker rescuer --mongo="$url" --plugin="$HOPT_TEST_PLUGIN" --heartbeat-interval=0.2 --heartbeat-timeout=2
itest_wait_for_line "$ITEST_DIR/rescuer.log" "job finished: $tid " 60
itest_wait driver 60
itest_expect "fmin returned 0" test $? -eq 0
itest_expect "$n trials done" grep -qx "count done $n" "$ITEST_DIR/driver.log"

# The frozen worker's child finished its trial meanwhile; the worker now
# learns that the job is no longer its own.
kill -CONT "${ITEST_PID[frozen]}"
itest_wait_for_line "$ITEST_DIR/frozen.log" "job $tid was re\(queued\|covered by another process\) while it ran" 30
itest_run report 60 "$HOPT_TEST_DRIVER" --url "$url" --report --trials-out "$ITEST_DIR/after"

doc=$(grep "\"tid\":$tid\b" "$ITEST_DIR/after")
rescuer_owner=":${ITEST_PID[rescuer]}:"
itest_expect "tid $tid evaluated twice (frozen, then rescuer)" test "$(grep -cx "$tid" "$HOPT_TEST_EVAL_LOG")" -eq 2
itest_expect "every other trial once" test "$(grep -vcx "$tid" "$HOPT_TEST_EVAL_LOG")" -eq $((n - 1))
itest_expect "tid $tid is DONE, written by the rescuer" grep -q "\"owner\":\"[^\"]*$rescuer_owner" <<<"$doc"
itest_expect "tid $tid is DONE" grep -q '"state":2' <<<"$doc"
itest_expect "tid $tid records one abandonment" grep -q '"attempts":1' <<<"$doc"
result_of() { grep "\"tid\":$tid\b" "$1" | grep -o '"owner":"[^"]*","refresh_time":"[^"]*","result":{[^}]*}' | sed 's/"refresh_time":"[^"]*",//'; }
itest_expect "its owner and result are the ones fmin saw" test "$(result_of "$ITEST_DIR/after")" = "$(result_of "$ITEST_DIR/trials")"
itest_expect "the frozen worker wrote no result" sh -c "! grep -q 'job finished: $tid ' '$ITEST_DIR/frozen.log'"
itest_expect "$n trials, still" grep -qx "count done $n" "$ITEST_DIR/report.log"
itest_expect "the frozen worker goes on" kill -0 "${ITEST_PID[frozen]}"
for w in frozen rescuer; do
    kill -TERM "${ITEST_PID[$w]}"
    itest_wait "$w" 20
    itest_expect "$w exits 0" test $? -eq 0
done
itest_pass
