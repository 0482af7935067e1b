#!/usr/bin/env bash
# The server goes away for good: fmin and the workers give up after their
# server timeout (5 s here) with an error that says so, not a hang. The
# trials left behind are consistent: once a server is back on the same data,
# another fmin finishes the search (a trial that was running when the server
# went away is recovered by heartbeat timeout and evaluated again), with no
# trial lost or duplicated. docs/reliability.md.
source "$(dirname "$0")/lib.sh"
itest_init server_gone
itest_start_server

url=$(itest_url gone)
export HOPT_TEST_EVAL_LOG=$ITEST_DIR/evaluations
n=20
for w in 1 2; do
    itest_worker "worker$w" --mongo="$url" --plugin="$HOPT_TEST_PLUGIN" --heartbeat-interval=0.5 \
        --heartbeat-timeout=2 --server-timeout=5
done
itest_spawn driver "$HOPT_TEST_DRIVER" --url "$url" --objective slow --max-evals $n --recovery 2 \
    --server-timeout 5
itest_wait_for_line "$HOPT_TEST_EVAL_LOG" . 60
until (( $(wc -l <"$HOPT_TEST_EVAL_LOG") >= 4 )); do sleep 0.05; done
itest_stop_server --kill
stopped=$(date +%s)

# 5 s of retries, plus at most one attempt's server selection (5 s), plus
# slack for a loaded machine.
itest_wait driver 45
status=$?
elapsed=$(( $(date +%s) - stopped ))
itest_log "fmin gave up after ${elapsed}s with status $status"
itest_expect "fmin failed (status $status)" test $status -ne 0
itest_expect "fmin's error names the outage and the timeout" \
    grep -q "^fmin: HOPT_ECONNECT: MongoDB at mongodb://127.0.0.1:$ITEST_PORT/gone unreachable for [0-9]* s, giving up (server_timeout is 5 s)" \
    "$ITEST_DIR/driver.log"
itest_expect "fmin gave up within 30 s (took ${elapsed}s)" test "$elapsed" -le 30
for w in 1 2; do
    itest_wait "worker$w" 30
    status=$?
    itest_expect "worker$w exits with status 1 (database failure), got $status" test $status -eq 1
    itest_expect "worker$w says why" grep -q "unreachable for [0-9]* s, giving up (server_timeout is 5 s)" \
        "$ITEST_DIR/worker$w.log"
done

# The server comes back on the same data: the trials are as they were left.
itest_restart_server
itest_run report 60 "$HOPT_TEST_DRIVER" --url "$url" --report --trials-out "$ITEST_DIR/left"
itest_expect "no ERROR trial" grep -qx "count error 0" "$ITEST_DIR/report.log"
itest_expect "no CANCEL trial" grep -qx "count cancel 0" "$ITEST_DIR/report.log"
left=$(grep -c . "$ITEST_DIR/left")
itest_log "left behind: $left trials ($(grep '^count' "$ITEST_DIR/report.log" | tr '\n' ' '))"
itest_expect "tids 0..$((left - 1)), each once" \
    test "$(grep -o '"tid":[0-9]*' "$ITEST_DIR/left" | sort -u | wc -l)" -eq "$left"

# A new fmin and worker finish the search.
itest_worker worker3 --mongo="$url" --plugin="$HOPT_TEST_PLUGIN" --heartbeat-interval=0.5 --heartbeat-timeout=2
itest_run driver2 120 "$HOPT_TEST_DRIVER" --url "$url" --objective slow --max-evals $n --recovery 2 \
    --trials-out "$ITEST_DIR/trials"
itest_expect "the second fmin returned" grep -q '^fmin: OK' "$ITEST_DIR/driver2.log"
for state in "done $n" "running 0" "new 0" "error 0"; do
    itest_expect "count $state" grep -qx "count $state" "$ITEST_DIR/driver2.log"
done
itest_expect "$n distinct tids evaluated" test "$(sort -u "$HOPT_TEST_EVAL_LOG" | wc -l)" -eq $n
# Evaluated twice: only trials that were running when the server went away,
# and their documents count the abandonment.
for tid in $(sort "$HOPT_TEST_EVAL_LOG" | uniq -d); do
    itest_expect "tid $tid, evaluated again, records an abandonment" \
        grep -q "\"attempts\":1.*\"tid\":$tid\b\|\"tid\":$tid\b.*\"attempts\":1" "$ITEST_DIR/trials"
done
itest_pass
