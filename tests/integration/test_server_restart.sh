#!/usr/bin/env bash
# The server goes away in the middle of a search and comes back 12 s later:
# fmin and every worker wait for it (retrying with backoff), then carry on.
# A trial evaluated while the server was down has its result written once it
# is back; no trial is requeued for the silence the outage caused (the
# heartbeat timeout here, 3 s, is far shorter than the outage), none is lost,
# evaluated twice or left RUNNING. docs/reliability.md.
source "$(dirname "$0")/lib.sh"
itest_init server_restart
itest_start_server

url=$(itest_url restart)
export HOPT_TEST_EVAL_LOG=$ITEST_DIR/evaluations
n=24
for w in 1 2 3; do
    itest_worker "worker$w" --mongo="$url" --plugin="$HOPT_TEST_PLUGIN" --heartbeat-interval=0.5 \
        --heartbeat-timeout=3 --reserve-timeout=120 --server-timeout=60
done
itest_spawn driver "$HOPT_TEST_DRIVER" --url "$url" --objective slow --max-evals $n --recovery 3 \
    --server-timeout 60 --trials-out "$ITEST_DIR/trials"

# Stop the server while trials run: each worker is inside a 0.8 s trial.
itest_wait_for_line "$HOPT_TEST_EVAL_LOG" . 60
until (( $(wc -l <"$HOPT_TEST_EVAL_LOG") >= 6 )); do sleep 0.05; done
itest_stop_server
before=$(wc -l <"$HOPT_TEST_EVAL_LOG")
sleep 12
itest_restart_server

itest_wait driver 180
status=$?
itest_expect "fmin returned 0 (got $status)" test $status -eq 0
for state in "done $n" "running 0" "new 0" "error 0"; do
    itest_expect "count $state" grep -qx "count $state" "$ITEST_DIR/driver.log"
done
itest_expect "$n evaluations, one per tid (nothing recomputed)" test "$(wc -l <"$HOPT_TEST_EVAL_LOG")" -eq $n
itest_expect "$n distinct tids" test "$(sort -u "$HOPT_TEST_EVAL_LOG" | wc -l)" -eq $n
itest_expect "no trial was requeued" test "$(grep -c '"attempts":0' "$ITEST_DIR/trials")" -eq $n

# Every worker saw the outage, waited, and went on evaluating after it.
for w in 1 2 3; do
    log=$ITEST_DIR/worker$w.log
    itest_expect "worker$w still running" kill -0 "${ITEST_PID[worker$w]}"
    itest_expect "worker$w logged the outage" grep -q "unreachable, retrying for up to 60 s" "$log"
    itest_expect "worker$w logged the server's return" grep -q "reached MongoDB at .* again after" "$log"
done
# A trial that was running when the server went away (the worker's last
# "job found:" before its outage line, not finished before it): its result,
# computed during the outage, was written after it.
written_after=0
for w in 1 2 3; do
    log=$ITEST_DIR/worker$w.log
    outage_line=$(grep -n "unreachable, retrying" "$log" | head -1 | cut -d: -f1)
    tid=$(head -n "$outage_line" "$log" | grep "job found:" | tail -1 | sed 's/.*job found: \([0-9]*\).*/\1/')
    [[ -n "$tid" ]] || continue
    head -n "$outage_line" "$log" | grep -q "job finished: $tid " && continue
    if grep -q "job finished: $tid " "$log"; then
        written_after=$((written_after + 1))
        itest_log "worker$w: trial $tid, running when the server stopped, written after it came back"
    fi
done
itest_expect "a result computed during the outage was written after it" test $written_after -gt 0
itest_log "evaluations before the outage: $before of $n"
for w in 1 2 3; do
    kill -TERM "${ITEST_PID[worker$w]}"
    itest_wait "worker$w" 20
    itest_expect "worker$w exits 0" test $? -eq 0
done
itest_pass
