#!/usr/bin/env bash
# When hyperopt-mongo-worker stops, and with which exit status: --max-jobs,
# --reserve-timeout, --last-job-timeout, --max-consecutive-failures (3), a
# database that does not answer (1), usage errors (2).
source "$(dirname "$0")/lib.sh"
itest_init worker_exits

# Usage errors need no server.
expect_usage() {  # DESCRIPTION PATTERN ARGS...
    local what=$1 pattern=$2
    shift 2
    itest_run_worker usage 10 "$@"
    local status=$?
    itest_expect "$what: exit status 2, got $status" test $status -eq 2
    itest_expect "$what: message '$pattern'" grep -q -- "$pattern" "$ITEST_DIR/usage.log"
}
expect_usage "unknown flag" "unknown or ambiguous option '--frobnicate'" --frobnicate --exec=a=true
expect_usage "positional argument" "unexpected argument 'extra'" --exec=a=true extra
expect_usage "bad number" "--poll-interval needs a number of seconds, got 'soon'" --exec=a=true --poll-interval=soon
expect_usage "negative number" "poll_interval must be" --exec=a=true --poll-interval -1
expect_usage "no objectives" "no objectives to run: give some with --plugin" --mongo=localhost:1/x
expect_usage "missing plugin" "cannot load plugin '/nonexistent.so'" --plugin=/nonexistent.so
expect_usage "bad --exec" "--exec needs NAME=COMMAND" --exec=nocommand
expect_usage "value missing" "option '--max-jobs' needs a value" --exec=a=true --max-jobs
# A raw '@' in the password: refused at once, quoting none of the password
# (the driver would have retried a "host" made of its tail).
expect_usage "raw '@' in the password" "percent-encode '@' in the user name and password as %40" \
    --mongo='mongodb://user:pwHEAD@pwTAIL@127.0.0.1:1/x' --exec=a=true
itest_expect "raw '@' in the password: not quoted" test "$(grep -ciE 'pwhead|pwtail' "$ITEST_DIR/usage.log")" -eq 0
itest_run_worker help 10 --help
itest_expect "--help exits 0 and describes --mongo" grep -q -- '--mongo=HOST:PORT/DB' "$ITEST_DIR/help.log"
itest_run_worker version 10 --version
itest_expect "--version" grep -q '^hyperopt-mongo-worker (hopt) [0-9]' "$ITEST_DIR/version.log"

# A worker started while the database is away waits for it up to
# --server-timeout (default 60 s), then exits with status 1 saying why.
itest_run_worker unreachable 30 --mongo='mongodb://127.0.0.1:1/x?serverSelectionTimeoutMS=300' --exec=a=true \
    --server-timeout=1
status=$?
itest_expect "unreachable database: exit status 1, got $status" test $status -eq 1
itest_expect "unreachable database: it says so" \
    grep -q "unreachable for [0-9]* s, giving up (server_timeout is 1 s)" "$ITEST_DIR/unreachable.log"

itest_start_server
url=$(itest_url exits)

# --reserve-timeout on an empty database.
HOPT_WORKER_PLUGINS=":$HOPT_TEST_PLUGIN:" itest_run_worker idle 30 --mongo="$url" --reserve-timeout=1
status=$?
itest_expect "reserve timeout: exit 0, got $status" test $status -eq 0
itest_expect "reserve timeout logged" grep -q 'no job found for 1 s (reserve_timeout)' "$ITEST_DIR/idle.log"
itest_expect "plugins from HOPT_WORKER_PLUGINS" grep -q "(plugin $HOPT_TEST_PLUGIN)" "$ITEST_DIR/idle.log"
itest_expect "idle polling is not logged every poll" test "$(grep -c 'no job found' "$ITEST_DIR/idle.log")" -le 3

# Each part below has its own experiment (--exp-key) so that what one leaves
# in the queue does not reach the next.

# --max-jobs: 5 of the 12 trials, then exit; a second worker does the rest.
itest_spawn driver "$HOPT_TEST_DRIVER" --url "$url" --exp-key jobs --objective count --max-evals 12
itest_run_worker five 60 --mongo="$url" --exp-key=jobs --plugin="$HOPT_TEST_PLUGIN" --max-jobs=5
status=$?
itest_expect "max jobs: exit 0, got $status" test $status -eq 0
itest_expect "max jobs: 5 trials" test "$(grep -c 'job finished' "$ITEST_DIR/five.log")" -eq 5
# The rest in-process (hyperopt's --no-subprocesses), where the worker
# changes its own directory for --workdir.
itest_run_worker rest 60 --mongo="$url" --exp-key=jobs --plugin="$HOPT_TEST_PLUGIN" --max-jobs=7 \
    --no-subprocesses --workdir="$ITEST_DIR/inproc"
itest_expect "in-process worker: exit 0" test $? -eq 0
itest_expect "in-process worker: says so" grep -q 'trials in this process' "$ITEST_DIR/rest.log"
itest_expect "in-process worker: made its workdir" test -d "$ITEST_DIR/inproc"
itest_wait driver 60
itest_expect "fmin finished with both workers" grep -qx 'count done 12' "$ITEST_DIR/driver.log"

# --last-job-timeout: the trial taken before the deadline runs to its end
# (here a 2 s trial timeout); none is taken after it, even with work queued.
itest_spawn driver2 "$HOPT_TEST_DRIVER" --url "$url" --exp-key late --objective hang --max-evals 2
itest_run_worker late 30 --mongo="$url" --exp-key=late --plugin="$HOPT_TEST_PLUGIN" --last-job-timeout=1 \
    --trial-timeout=2 --max-consecutive-failures=10
status=$?
itest_expect "last job timeout: exit 0, got $status" test $status -eq 0
itest_expect "last job timeout: one trial taken" test "$(grep -c 'job found: ' "$ITEST_DIR/late.log")" -eq 1
itest_expect "last job timeout logged" grep -q 'exiting: last_job_timeout (1 s) passed' "$ITEST_DIR/late.log"
itest_expect "the other trial is still queued" grep -qx 'count new 1' \
    <("$HOPT_TEST_DRIVER" --url "$url" --exp-key late --report)
kill -KILL "${ITEST_PID[driver2]}"

# --max-consecutive-failures: exit status 3 after that many ERROR trials.
itest_spawn driver3 "$HOPT_TEST_DRIVER" --url "$url" --exp-key fails --objective error --max-evals 5
itest_run_worker failing 60 --mongo="$url" --exp-key=fails --plugin="$HOPT_TEST_PLUGIN" \
    --max-consecutive-failures=2
status=$?
itest_expect "consecutive failures: exit 3, got $status" test $status -eq 3
itest_expect "2 trials failed" test "$(grep -c 'job exception' "$ITEST_DIR/failing.log")" -eq 2
itest_expect "the reason is given" grep -q '2 consecutive trials failed (last: trial [0-9]*: hopt.ObjectiveError: refused x=' \
    "$ITEST_DIR/failing.log"
itest_run_worker failing_rest 60 --mongo="$url" --exp-key=fails --plugin="$HOPT_TEST_PLUGIN" --max-jobs=3
itest_wait driver3 60
itest_pass
