# Harness of the server integration tests: source it from a bash test script.
#
#   source "$(dirname "$0")/lib.sh"
#   itest_init worker_exits            # scratch dir, traps, deadline
#   itest_start_server                 # FerretDB on a free port: $ITEST_PORT
#   itest_stop_server [--kill]; itest_restart_server   # a server outage, same port and data
#   url=$(itest_url mydb)              # mongodb://127.0.0.1:$ITEST_PORT/mydb
#   itest_worker w1 --mongo="$url" --plugin="$HOPT_TEST_PLUGIN"   # background; pid in ITEST_PID[w1]
#   itest_run driver 60 "$HOPT_TEST_DRIVER" --url "$url" ...       # foreground, bounded
#   itest_run_worker w2 60 --mongo="$url" --exec=f='echo 1' --max-jobs=3  # a worker, foreground
#   itest_wait w1 30; status=$?       # exit status of a background process, bounded
#   itest_expect "what" test ...      # assert; on failure: message, logs, exit 1
#   itest_pass
#
# Every process started through the harness logs to $ITEST_DIR/<name>.log and
# is killed (by its own pid, never by name) when the script exits; the server
# is stopped; on failure the logs are printed (for CI) and the directory is
# kept. Each script should finish within ITEST_DEADLINE seconds (default 240),
# after which it fails by itself, so a hang can never hold CI.
#
# itest_init exports HOPT_KEY_FILE=$ITEST_DIR/hopt-key (the shared signing key).
#
# Environment (set by tests/integration/CMakeLists.txt when run by ctest):
#   HOPT_WORKER_BIN   the hyperopt-mongo-worker binary
#   HOPT_TEST_DRIVER  tests/integration/fmin_driver
#   HOPT_TEST_PLUGIN  the crashy test plugin (plugins/crashy.c)
#   HOPT_SOURCE_DIR   the source tree (for scripts/ferretdb-*.sh)

set -uo pipefail

itest_log() { echo "[$ITEST_NAME $(date +%H:%M:%S)] $*" >&2; }

# Scratch directory, cleanup trap, and a watchdog that fails the script once
# its deadline passes.
itest_init() {
    ITEST_NAME=$1
    ITEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/hopt-itest-$ITEST_NAME.XXXXXX")
    ITEST_PORT=""
    ITEST_OK=0
    declare -gA ITEST_PID=()
    : "${HOPT_SOURCE_DIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
    for v in HOPT_WORKER_BIN HOPT_TEST_DRIVER HOPT_TEST_PLUGIN; do
        [[ -n "${!v:-}" && -x "${!v}" || -f "${!v:-}" ]] || { echo "$ITEST_NAME: \$$v is not set or not a file" >&2; exit 1; }
    done
    # The key fmin signs experiments with and workers check: a fresh one,
    # created on first use by whichever process comes first, as on a user's
    # machine (never the user's own ~/.config/hopt/key).
    export HOPT_KEY_FILE=$ITEST_DIR/hopt-key
    trap itest_cleanup EXIT
    trap 'itest_log "interrupted"; exit 1' INT TERM
    local deadline=${ITEST_DEADLINE:-240} main=$$
    (
        sleep "$deadline" &
        sleeper=$!
        trap 'kill $sleeper 2>/dev/null; exit 0' TERM
        wait $sleeper && echo "[$ITEST_NAME] deadline of ${deadline}s passed: failing" >&2 && kill -TERM "$main"
    ) </dev/null &
    ITEST_WATCHDOG=$!
    itest_log "scratch directory $ITEST_DIR"
}

# A TCP port on 127.0.0.1 that nothing listens on.
itest_free_port() {
    local port
    for _ in $(seq 50); do
        port=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
    done
    return 1
}

# FerretDB on a free port, its data and log files in the scratch directory.
itest_start_server() {
    export HOPT_FERRETDB_RUN_DIR=$ITEST_DIR/ferretdb
    local attempt
    for attempt in 1 2 3; do
        # ITEST_SERVER_PORT pins the port (developers sharing a machine).
        ITEST_PORT=${ITEST_SERVER_PORT:-$(itest_free_port)} || itest_fail "no free port found"
        if "$HOPT_SOURCE_DIR/scripts/ferretdb-start.sh" --port "$ITEST_PORT" --dir "$ITEST_DIR/ferretdb/data" \
            >"$ITEST_DIR/ferretdb-start.out" 2>&1; then
            itest_log "FerretDB on port $ITEST_PORT"
            return 0
        fi
        itest_log "FerretDB did not start on port $ITEST_PORT (attempt $attempt): $(tail -3 "$ITEST_DIR/ferretdb-start.out")"
    done
    ITEST_PORT=""
    itest_fail "cannot start FerretDB"
}

# Stop the test server (its data directory stays): itest_stop_server
# [--kill]; --kill sends SIGKILL, as a crash or an OOM killer would.
itest_stop_server() {
    local pidfile=$HOPT_FERRETDB_RUN_DIR/ferretdb-$ITEST_PORT.pid
    if [[ "${1:-}" == --kill && -f "$pidfile" ]]; then
        kill -KILL "$(cat "$pidfile")" 2>/dev/null
        local t=0
        while (exec 3<>"/dev/tcp/127.0.0.1/$ITEST_PORT") 2>/dev/null && (( t++ < 50 )); do sleep 0.1; done
    fi
    "$HOPT_SOURCE_DIR/scripts/ferretdb-stop.sh" --port "$ITEST_PORT" >>"$ITEST_DIR/ferretdb-start.out" 2>&1 ||
        itest_fail "cannot stop FerretDB on port $ITEST_PORT"
    itest_log "FerretDB on port $ITEST_PORT stopped${1:+ ($1)}"
}

# Start the test server again on the same port, with the same data.
itest_restart_server() {
    local attempt
    for attempt in 1 2 3 4 5; do
        if "$HOPT_SOURCE_DIR/scripts/ferretdb-start.sh" --port "$ITEST_PORT" --dir "$ITEST_DIR/ferretdb/data" \
            >>"$ITEST_DIR/ferretdb-start.out" 2>&1; then
            itest_log "FerretDB on port $ITEST_PORT started again"
            return 0
        fi
        sleep 1
    done
    itest_fail "cannot start FerretDB again on port $ITEST_PORT"
}

# The URL of database $1 on the test server (hopt_trials_mongo_open's and
# the worker's --mongo form).
itest_url() { echo "mongodb://127.0.0.1:$ITEST_PORT/$1"; }

# Start NAME in the background: itest_spawn NAME CMD ARGS...; output to
# $ITEST_DIR/NAME.log, pid in ITEST_PID[NAME].
itest_spawn() {
    local name=$1
    shift
    "$@" >"$ITEST_DIR/$name.log" 2>&1 &
    ITEST_PID[$name]=$!
}

# Start a worker in the background: itest_worker NAME WORKER_ARGS...
# ASAN_OPTIONS for worker processes. Sanitizer builds only (ignored
# otherwise): an objective that crashes in its child must die of the plain
# signal, as in a normal build, not be caught by the sanitizer's handler,
# which refuses to be reset.
itest_worker_asan_options() {
    echo "${ASAN_OPTIONS:+$ASAN_OPTIONS:}handle_segv=0:handle_abort=0:handle_sigbus=0:handle_sigfpe=0:handle_sigill=0"
}

# Start a worker in the background: itest_worker NAME WORKER_ARGS...
itest_worker() {
    local name=$1
    shift
    ASAN_OPTIONS=$(itest_worker_asan_options) itest_spawn "$name" "$HOPT_WORKER_BIN" "$@"
}

# Run a worker in the foreground: itest_run_worker NAME SECONDS WORKER_ARGS...
itest_run_worker() {
    local name=$1 limit=$2
    shift 2
    ASAN_OPTIONS=$(itest_worker_asan_options) itest_run "$name" "$limit" "$HOPT_WORKER_BIN" "$@"
}

# Wait for background process NAME at most SECONDS; returns its exit status,
# or fails the test if it is still running then.
itest_wait() {
    local name=$1 limit=$2 pid=${ITEST_PID[$1]}
    local t=0
    while kill -0 "$pid" 2>/dev/null && [[ "$(ps -o stat= -p "$pid" 2>/dev/null)" != Z* ]]; do
        (( t++ >= limit * 10 )) && itest_fail "$name (pid $pid) still running after ${limit}s"
        sleep 0.1
    done
    local status=0
    wait "$pid" || status=$?
    unset "ITEST_PID[$name]"
    return $status
}

# Run a command in the foreground with a time limit: itest_run NAME SECONDS
# CMD ARGS...; output to $ITEST_DIR/NAME.log; returns its exit status (124
# on timeout).
itest_run() {
    local name=$1 limit=$2
    shift 2
    timeout --kill-after=5 "$limit" "$@" >"$ITEST_DIR/$name.log" 2>&1
}

# Wait until `grep -q PATTERN FILE` holds, at most SECONDS.
itest_wait_for_line() {
    local file=$1 pattern=$2 limit=$3 t=0
    until grep -q -- "$pattern" "$file" 2>/dev/null; do
        (( t++ >= limit * 10 )) && itest_fail "no line matching '$pattern' in $file after ${limit}s"
        sleep 0.1
    done
}

# Assert: itest_expect DESCRIPTION CMD ARGS... (fails the test if CMD fails).
itest_expect() {
    local what=$1
    shift
    "$@" || itest_fail "$what"
}

itest_fail() {
    itest_log "FAILED: $*"
    exit 1
}

itest_pass() {
    ITEST_OK=1
    itest_log "passed"
    exit 0
}

itest_cleanup() {
    local name
    for name in "${!ITEST_PID[@]}"; do
        kill -KILL "${ITEST_PID[$name]}" 2>/dev/null
    done
    [[ -n "${ITEST_WATCHDOG:-}" ]] && kill "$ITEST_WATCHDOG" 2>/dev/null
    if [[ -n "$ITEST_PORT" ]]; then
        "$HOPT_SOURCE_DIR/scripts/ferretdb-stop.sh" --port "$ITEST_PORT" >/dev/null 2>&1
    fi
    if [[ "$ITEST_OK" == 1 ]]; then
        rm -rf "$ITEST_DIR"
        return
    fi
    local f
    for f in "$ITEST_DIR"/*.log "$ITEST_DIR"/ferretdb/*.log; do
        [[ -f "$f" ]] || continue
        echo "----- $f (last 60 lines) -----" >&2
        tail -n 60 "$f" >&2
    done
    echo "----- kept $ITEST_DIR -----" >&2
}
