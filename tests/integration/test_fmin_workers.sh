#!/usr/bin/env bash
# fmin queues 400 trials in FerretDB; 4 hyperopt-mongo-worker processes
# evaluate them. Every tid must be evaluated exactly once (the plugin logs
# each evaluation to a shared file) and fmin must return.
source "$(dirname "$0")/lib.sh"
itest_init fmin_workers
itest_start_server

url=$(itest_url fmin_workers)
export HOPT_TEST_EVAL_LOG=$ITEST_DIR/evaluations
n=400
start_ms=$(( $(date +%s%N) / 1000000 ))
# The three address forms: hyperopt-mongo-worker's host:port/db (the
# tutorial's), MongoTrials' mongo://host:port/db/jobs, and a standard URI.
addresses=("127.0.0.1:$ITEST_PORT/fmin_workers" "127.0.0.1:$ITEST_PORT/fmin_workers"
           "mongo://127.0.0.1:$ITEST_PORT/fmin_workers/jobs" "$url")
for w in 1 2 3 4; do
    itest_worker "worker$w" --mongo="${addresses[w - 1]}" --plugin="$HOPT_TEST_PLUGIN" --reserve-timeout=60
done
itest_run driver 180 "$HOPT_TEST_DRIVER" --url "$url" --objective count --max-evals $n \
    --trials-out "$ITEST_DIR/trials"
status=$?
elapsed_ms=$(( $(date +%s%N) / 1000000 - start_ms ))
itest_expect "fmin returned (status $status)" test $status -eq 0
itest_expect "fmin succeeded" grep -q '^fmin: OK' "$ITEST_DIR/driver.log"
itest_expect "$n trials done" grep -qx "count done $n" "$ITEST_DIR/driver.log"

# Exactly once: n evaluations, n distinct tids, and they are 0..n-1.
evals=$(wc -l <"$HOPT_TEST_EVAL_LOG")
distinct=$(sort -u "$HOPT_TEST_EVAL_LOG" | wc -l)
dups=$(sort -n "$HOPT_TEST_EVAL_LOG" | uniq -d | head -5 | tr '\n' ' ')
itest_expect "$n evaluations, got $evals (duplicated tids: $dups)" test "$evals" -eq $n
itest_expect "$n distinct tids, got $distinct" test "$distinct" -eq $n
itest_expect "tids are 0..$((n - 1))" cmp -s <(sort -n "$HOPT_TEST_EVAL_LOG") <(seq 0 $((n - 1)))

# Every worker took part, and each stops cleanly on SIGTERM.
for w in 1 2 3 4; do
    jobs=$(grep -c "job finished" "$ITEST_DIR/worker$w.log")
    itest_log "worker$w evaluated $jobs trials"
    kill -TERM "${ITEST_PID[worker$w]}"
    itest_wait "worker$w" 15
    status=$?
    itest_expect "worker$w exits 0 on SIGTERM (got $status)" test $status -eq 0
done
itest_log "$n trials with 4 workers: fmin returned after ${elapsed_ms} ms"
itest_pass
