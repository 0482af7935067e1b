#!/usr/bin/env bash
# The chaos soak: fmin queues trials for 8 workers whose objective
# (soak_objective.c) takes a random 0-20 ms and logs each evaluation, in
# rounds of 250 (each round a new fmin extending the search, as a user
# resuming it would) until SOAK_TRIALS (default 3000) or until SOAK_SECONDS
# (default 130) have passed, so that it ends in about 3 minutes on any
# machine. Meanwhile a random worker is killed (SIGKILL) and replaced every
# 1-2.5 s, and the server is restarted twice (at a third and two thirds of
# the time; once stopped cleanly, once killed), each time down for 4 s. At
# the end it prints and asserts:
#   lost = 0        every tid is DONE, or ERROR with a reason after its attempts
#   duplicated = 0  one document per tid, and each DONE result is one that the
#                   objective logged for that tid
#   stuck = 0       nothing NEW or RUNNING
#   best loss       equals the minimum over the logged evaluations
#   finished        every fmin returned OK
# Run: ctest -L soak, or bash tests/soak/chaos.sh with the variables that
# tests/soak/CMakeLists.txt sets. docs/reliability.md has its figures.
ITEST_DEADLINE=${ITEST_DEADLINE:-420}
source "$(dirname "$0")/../integration/lib.sh"
itest_init soak
[[ -f "${HOPT_SOAK_PLUGIN:-}" ]] || itest_fail "\$HOPT_SOAK_PLUGIN is not set or not a file"
n=${SOAK_TRIALS:-3000}
budget=${SOAK_SECONDS:-130}
step=250
workers=${SOAK_WORKERS:-8}
itest_start_server

url=$(itest_url soak)
export HOPT_SOAK_EVAL_LOG=$ITEST_DIR/evaluations
: >"$HOPT_SOAK_EVAL_LOG"
worker_args=(--mongo="$url" --plugin="$HOPT_SOAK_PLUGIN" --heartbeat-interval=0.5 --heartbeat-timeout=3
    --max-attempts=3 --reserve-timeout=0 --server-timeout=120 --max-consecutive-failures=1000000)
declare -A slot_name=()
generation=0
start_worker() {  # slot
    generation=$((generation + 1))
    slot_name[$1]="w$1.$generation"
    itest_worker "${slot_name[$1]}" "${worker_args[@]}"
}
for ((s = 1; s <= workers; s++)); do start_worker $s; done

started=$(date +%s)
# The driver: rounds of fmin in a background shell (its current fmin's pid in
# a file, so that a failing soak stops it too).
driver_rounds() {
    local target=0
    while (( target < n && $(date +%s) - started < budget )); do
        target=$(( target + step > n ? n : target + step ))
        echo "round: max_evals $target"
        "$HOPT_TEST_DRIVER" --url "$url" --objective soak --max-evals "$target" --recovery 3 --server-timeout 120 \
            --trials-out "$ITEST_DIR/trials" &
        echo $! >"$ITEST_DIR/fmin.pid"
        wait $! || return 1
    done
}
stop_fmin() { [[ -f "$ITEST_DIR/fmin.pid" ]] && kill -KILL "$(cat "$ITEST_DIR/fmin.pid")" 2>/dev/null; }
trap 'stop_fmin; itest_cleanup' EXIT
driver_rounds >"$ITEST_DIR/driver.log" 2>&1 &
ITEST_PID[driver]=$!

kills=0
restarts=0
evaluated() { wc -l <"$HOPT_SOAK_EVAL_LOG"; }
while kill -0 "${ITEST_PID[driver]}" 2>/dev/null; do
    pause=$(( RANDOM % 16 + 10 ))
    sleep "$(( pause / 10 )).$(( pause % 10 ))"
    kill -0 "${ITEST_PID[driver]}" 2>/dev/null || break
    if (( restarts < 2 && $(date +%s) - started >= (restarts + 1) * budget / 3 )); then
        # Once stopped cleanly, once killed as by a crash or the OOM killer.
        if (( restarts == 0 )); then itest_stop_server; else itest_stop_server --kill; fi
        sleep 4
        itest_restart_server
        restarts=$((restarts + 1))
        continue
    fi
    s=$(( RANDOM % workers + 1 ))
    name=${slot_name[$s]}
    kill -KILL "${ITEST_PID[$name]}" 2>/dev/null && kills=$((kills + 1))
    itest_wait "$name" 10
    itest_log "killed $name at $(evaluated) evaluations"
    start_worker "$s"
done
itest_wait driver 30
status=$?
elapsed=$(( $(date +%s) - started ))
for ((s = 1; s <= workers; s++)); do kill -TERM "${ITEST_PID[${slot_name[$s]}]}" 2>/dev/null; done
for ((s = 1; s <= workers; s++)); do itest_wait "${slot_name[$s]}" 20; done

# The figures, from the trial documents (one per line) and the objective's log.
docs=$ITEST_DIR/trials
n=$(grep '^round' "$ITEST_DIR/driver.log" | tail -1 | awk '{ print $3 }')
figures=$(awk -v n="$n" '
    FNR == NR { loss = $2 + 0; logged[$1 " " loss] = 1; evals++; if (!($1 in seen)) { seen[$1] = 1; distinct++ }
                if (evals == 1 || loss < best_logged) best_logged = loss; next }
    {
        match($0, /"tid":[0-9]+/); tid = substr($0, RSTART + 6, RLENGTH - 6)
        match($0, /"state":[0-9]/); state = substr($0, RSTART + 8, 1)
        docs++; if (tid in doc) dup++; doc[tid] = 1
        if (state == 2) {
            done++
            if (match($0, /"loss":[-+0-9.eE]+/)) {
                loss = substr($0, RSTART + 7, RLENGTH - 7) + 0
                if (!((tid " " loss) in logged)) unlogged++
                if (found == 0 || loss < best) best = loss
                found = 1
            } else unlogged++
        } else if (state == 3) {
            errors++
            if ($0 !~ /"error":\["[^"]+","./) no_reason++
        } else stuck++
    }
    END {
        printf "trials=%d evaluations=%d reevaluated=%d done=%d errors=%d no_reason=%d lost=%d duplicated=%d stuck=%d best=%.17g best_logged=%.17g\n",
            docs, evals, evals - distinct, done, errors, no_reason, n - done - errors, dup + unlogged, stuck, best, best_logged
    }' "$HOPT_SOAK_EVAL_LOG" "$docs")
eval "$figures"
echo "soak: $n trials, $workers workers, ${elapsed}s: $evaluations evaluations ($reevaluated again after a kill),"\
    "kills $kills, server restarts $restarts; done $done, errors $errors (with reasons: $((errors - no_reason))),"\
    "lost $lost, duplicated $duplicated, stuck $stuck; best loss $best, min over evaluations $best_logged;"\
    "fmin rounds: $(grep -c '^fmin: OK' "$ITEST_DIR/driver.log") OK of $(grep -c '^round' "$ITEST_DIR/driver.log")"
itest_expect "fmin finished (status $status)" test "$status" -eq 0
itest_expect "$n trial documents" test "$trials" -eq "$n"
itest_expect "lost = 0" test "$lost" -eq 0
itest_expect "duplicated = 0" test "$duplicated" -eq 0
itest_expect "stuck = 0" test "$stuck" -eq 0
itest_expect "every ERROR has a reason" test "$no_reason" -eq 0
itest_expect "best loss $best = min over evaluations $best_logged" awk -v a="$best" -v b="$best_logged" 'BEGIN { exit !(a == b) }'
itest_expect "workers were killed" test "$kills" -gt 0
itest_expect "the server was restarted twice" test "$restarts" -eq 2
itest_pass
