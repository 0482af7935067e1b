#!/usr/bin/env bash
# Stops the FerretDB test server started by scripts/ferretdb-start.sh on a port: SIGTERM, wait,
# SIGKILL fallback. Idempotent: exits 0 if it is not running. The data directory is kept.
#
# Usage: scripts/ferretdb-stop.sh [--port N]
#   --port N   port given to ferretdb-start.sh (default: $HOPT_TEST_PORT, else 27018)
# Env: HOPT_FERRETDB_RUN_DIR (where the pid file is; default build/ferretdb),
#      HOPT_FERRETDB_STOP_TIMEOUT (seconds to wait after SIGTERM before SIGKILL; default 15).
set -euo pipefail

die() { echo "ferretdb-stop: error: $*" >&2; exit 1; }
say() { echo "ferretdb-stop: $*" >&2; }

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNDIR="${HOPT_FERRETDB_RUN_DIR:-$REPO/build/ferretdb}"
PORT="${HOPT_TEST_PORT:-27018}"
TIMEOUT="${HOPT_FERRETDB_STOP_TIMEOUT:-15}"

while [[ $# -gt 0 ]]; do
  case "$1" in
    --port) [[ $# -ge 2 ]] || die "--port needs a value"; PORT="$2"; shift ;;
    --port=*) PORT="${1#*=}" ;;
    -h|--help) sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $1 (try --help)" ;;
  esac
  shift
done
[[ "$PORT" =~ ^[0-9]+$ ]] && (( PORT >= 1 && PORT <= 65535 )) || die "invalid port: '$PORT'"
[[ "$TIMEOUT" =~ ^[0-9]+$ ]] || die "invalid HOPT_FERRETDB_STOP_TIMEOUT: '$TIMEOUT'"
PIDFILE="$RUNDIR/ferretdb-$PORT.pid"

if [[ ! -f "$PIDFILE" ]]; then
  say "not running on port $PORT (no pid file $PIDFILE)"
  exit 0
fi
pid="$(cat "$PIDFILE" 2>/dev/null || true)"
if ! [[ "$pid" =~ ^[0-9]+$ ]]; then
  rm -f "$PIDFILE"; say "removed malformed pid file $PIDFILE"; exit 0
fi
# Only signal the process if it still is our server for this port (pids get reused).
if ! kill -0 "$pid" 2>/dev/null || ! [[ -r "/proc/$pid/cmdline" ]] \
   || ! tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -- "--listen-addr 127.0.0.1:$PORT "; then
  rm -f "$PIDFILE"; say "not running on port $PORT (stale pid $pid); removed pid file"; exit 0
fi

# alive PID: exists and is not a zombie (an exited server may wait a moment to be reaped by init)
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  local st
  st="$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null || true)"
  [[ "$st" != "Z" && "$st" != "X" ]]
}

kill -TERM "$pid" 2>/dev/null || true
ticks=0
while alive "$pid"; do
  if (( ticks++ >= TIMEOUT * 10 )); then
    say "pid $pid still alive ${TIMEOUT}s after SIGTERM; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for _ in $(seq 50); do alive "$pid" || break; sleep 0.1; done
    alive "$pid" && die "pid $pid survived SIGKILL"
    break
  fi
  sleep 0.1
done
rm -f "$PIDFILE"
say "stopped FerretDB on port $PORT (pid $pid)"
