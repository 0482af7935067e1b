#!/usr/bin/env bash
# The chaos soak: SOAK_TRIALS (default 3000) trials of 4 experiments, each in
# its own database (FerretDB's SQLite backend scans a collection for every
# _id lookup, so one big collection would measure FerretDB rather than hopt),
# evaluated by 8 workers (2 per database) whose objective (soak_objective.c)
# takes a random 0-20 ms and logs each evaluation. Each experiment's driver
# runs fmin in rounds of 100 trials (each round a new fmin extending the
# search, as a user resuming it would) until its share is queued or
# SOAK_SECONDS (default 130) have passed, so that the soak ends in about 3
# minutes on any machine. Meanwhile a random worker is killed (SIGKILL) and
# replaced every 1-2.5 s, and the server is restarted twice (at a third and
# two thirds of the time; once stopped cleanly, once killed), each time down
# for 4 s. At the end it prints and asserts:
#   lost = 0        every tid is DONE, or ERROR with a reason after its attempts
#   duplicated = 0  one document per tid, and each DONE result is one that the
#                   objective logged for that tid
#   stuck = 0       nothing NEW or RUNNING
#   best loss       equals the minimum over the logged evaluations (per
#                   experiment)
#   finished        every fmin returned OK
# Run: ctest -L soak, or bash tests/soak/chaos.sh with the variables that
# tests/soak/CMakeLists.txt sets. docs/reliability.md has its figures.
ITEST_DEADLINE=${ITEST_DEADLINE:-420}
source "$(dirname "$0")/../integration/lib.sh"
itest_init soak
[[ -f "${HOPT_SOAK_PLUGIN:-}" ]] || itest_fail "\$HOPT_SOAK_PLUGIN is not set or not a file"
n=${SOAK_TRIALS:-3000}
budget=${SOAK_SECONDS:-130}
workers=${SOAK_WORKERS:-8}
dbs=${SOAK_DATABASES:-4}
share=$(( n / dbs ))
step=100
itest_start_server

worker_args=(--plugin="$HOPT_SOAK_PLUGIN" --heartbeat-interval=0.5 --heartbeat-timeout=3 --max-attempts=3
    --reserve-timeout=0 --server-timeout=120 --max-consecutive-failures=1000000)
declare -A slot_name=()
generation=0
start_worker() {  # slot; it serves database (slot - 1) % dbs + 1
    local d=$(( ($1 - 1) % dbs + 1 ))
    generation=$((generation + 1))
    slot_name[$1]="w$1.$generation"
    HOPT_SOAK_EVAL_LOG=$ITEST_DIR/evaluations.$d itest_worker "${slot_name[$1]}" --mongo="$(itest_url "soak$d")" \
        "${worker_args[@]}"
}
for ((d = 1; d <= dbs; d++)); do : >"$ITEST_DIR/evaluations.$d"; done
for ((s = 1; s <= workers; s++)); do start_worker $s; done

started=$(date +%s)
# A driver per database: rounds of fmin in a background shell (its current
# fmin's pid in a file, so that a failing soak stops it too).
driver_rounds() {  # database number
    local target=0
    while (( target < share && $(date +%s) - started < budget )); do
        target=$(( target + step > share ? share : target + step ))
        echo "round: max_evals $target"
        # Opening a store does not wait for the server (hopt.h): a round
        # begun while it is down is begun again, as a user would.
        local tries=0 status
        while :; do
            "$HOPT_TEST_DRIVER" --url "$(itest_url "soak$1")" --objective soak --max-evals "$target" --recovery 3 \
                --server-timeout 120 --trials-out "$ITEST_DIR/trials.$1" >"$ITEST_DIR/round.$1" 2>&1 &
            echo $! >"$ITEST_DIR/fmin.$1.pid"
            wait $!
            status=$?
            cat "$ITEST_DIR/round.$1"
            (( status == 2 && tries++ < 30 )) && grep -q "hopt_trials_mongo_open: cannot reach" "$ITEST_DIR/round.$1" || break
            sleep 1
        done
        (( status == 0 )) || return 1
    done
}
stop_fmins() {
    local f
    for f in "$ITEST_DIR"/fmin.*.pid; do [[ -f "$f" ]] && kill -KILL "$(cat "$f")" 2>/dev/null; done
}
trap 'stop_fmins; itest_cleanup' EXIT
for ((d = 1; d <= dbs; d++)); do
    driver_rounds $d >"$ITEST_DIR/driver$d.log" 2>&1 &
    ITEST_PID[driver$d]=$!
done
drivers_running() {
    local d
    for ((d = 1; d <= dbs; d++)); do kill -0 "${ITEST_PID[driver$d]}" 2>/dev/null && return 0; done
    return 1
}

kills=0
restarts=0
evaluated() { cat "$ITEST_DIR"/evaluations.* | wc -l; }
while drivers_running; do
    pause=$(( RANDOM % 16 + 10 ))
    sleep "$(( pause / 10 )).$(( pause % 10 ))"
    drivers_running || break
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
status=0
for ((d = 1; d <= dbs; d++)); do
    itest_wait "driver$d" 30 || status=$?
done
elapsed=$(( $(date +%s) - started ))
# The workers are stopped as an operator would (SIGTERM). Stopping is
# test_worker_signals.sh's subject, not the soak's: one that is still running
# 20 s later is reported with its signal masks, then killed.
for ((s = 1; s <= workers; s++)); do kill -TERM "${ITEST_PID[${slot_name[$s]}]}" 2>/dev/null; done
for ((t = 0; t < 200; t++)); do
    alive=0
    for ((s = 1; s <= workers; s++)); do
        pid=${ITEST_PID[${slot_name[$s]}]}
        kill -0 "$pid" 2>/dev/null && [[ "$(ps -o stat= -p "$pid" 2>/dev/null)" != Z* ]] && alive=1
    done
    (( alive )) || break
    sleep 0.1
done
for ((s = 1; s <= workers; s++)); do
    pid=${ITEST_PID[${slot_name[$s]}]}
    if kill -0 "$pid" 2>/dev/null && [[ "$(ps -o stat= -p "$pid" 2>/dev/null)" != Z* ]]; then
        itest_log "${slot_name[$s]} (pid $pid) still running 20 s after SIGTERM:" \
            "$(grep -E '^(State|SigPnd|ShdPnd|SigBlk|SigIgn|SigCgt)' "/proc/$pid/status" | tr '\n\t' '  ')"
        kill -KILL "$pid"
    fi
    wait "$pid" 2>/dev/null
done

# The figures, from the trial documents (one per line) and the objective's
# logs, per database, then summed.
per_database() {  # database number -> one line of figures
    local queued
    queued=$(grep '^round' "$ITEST_DIR/driver$1.log" | tail -1 | awk '{ print $3 }')
    awk -v n="${queued:-0}" '
    FNR == NR { loss = $2 + 0; logged[$1 " " loss] = 1; evals++; if (!($1 in seen)) { seen[$1] = 1; distinct++ }
                if (evals == 1 || loss < best_logged) best_logged = loss; next }
    {
        match($0, /"tid":[0-9]+/); tid = substr($0, RSTART + 6, RLENGTH - 6)
        match($0, /"state":[0-9]/); state = substr($0, RSTART + 8, 1)
        if (match($0, /"attempts":[0-9]+/)) requeued += substr($0, RSTART + 11, RLENGTH - 11)
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
        printf "%d %d %d %d %d %d %d %d %d %d %d %.17g %.17g %d\n", n, docs, evals, evals - distinct, requeued, done, errors,
            no_reason, n - done - errors, dup + unlogged, stuck, best, best_logged, best == best_logged
    }' "$ITEST_DIR/evaluations.$1" "$ITEST_DIR/trials.$1"
}
for ((d = 1; d <= dbs; d++)); do per_database $d; done >"$ITEST_DIR/figures"
figures=$(awk '
    { for (i = 1; i <= 11; i++) sum[i] += $i; if (NR == 1 || $12 < best) best = $12; if (NR == 1 || $13 < logged) logged = $13
      if ($14 != 1) best_mismatch++ }
    END {
        printf "queued=%d trials=%d evaluations=%d reevaluated=%d requeued=%d done=%d errors=%d no_reason=%d lost=%d duplicated=%d stuck=%d best=%.17g best_logged=%.17g best_mismatch=%d\n",
            sum[1], sum[2], sum[3], sum[4], sum[5], sum[6], sum[7], sum[8], sum[9], sum[10], sum[11], best, logged, best_mismatch
    }' "$ITEST_DIR/figures")
eval "$figures"
echo "soak: $trials trials in $dbs experiments, $workers workers, ${elapsed}s: $evaluations evaluations"\
    "($reevaluated of them again), $requeued requeues; kills $kills, server restarts $restarts;"\
    "done $done, errors $errors (with reasons: $((errors - no_reason))), lost $lost, duplicated $duplicated,"\
    "stuck $stuck; best loss $best, min over evaluations $best_logged (per experiment: $((dbs - best_mismatch)) of"\
    "$dbs equal); fmin rounds: $(cat "$ITEST_DIR"/driver*.log | grep -c '^fmin: OK') OK of"\
    "$(cat "$ITEST_DIR"/driver*.log | grep -c '^round')"
itest_expect "every fmin finished (status $status)" test "$status" -eq 0
itest_expect "$queued trial documents" test "$trials" -eq "$queued"
itest_expect "lost = 0" test "$lost" -eq 0
itest_expect "duplicated = 0" test "$duplicated" -eq 0
itest_expect "stuck = 0" test "$stuck" -eq 0
itest_expect "every ERROR has a reason" test "$no_reason" -eq 0
itest_expect "best loss = min over evaluations, in every experiment" test "$best_mismatch" -eq 0
itest_expect "workers were killed" test "$kills" -gt 0
itest_expect "the server was restarted twice" test "$restarts" -eq 2
itest_pass
