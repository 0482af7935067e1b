#!/usr/bin/env bash
# Starts hopt's FerretDB test server (SQLite backend) in the background on 127.0.0.1 and waits
# until it answers a MongoDB `ping`. Prints the URI (mongodb://127.0.0.1:PORT) on stdout; all
# other messages go to stderr.
#
# Usage: scripts/ferretdb-start.sh [--port N] [--dir D] [--log-level L]
#   --port N       TCP port on 127.0.0.1 (default: $HOPT_TEST_PORT, else 27018)
#   --dir D        SQLite data directory (default: build/ferretdb/data-<port>); kept across
#                  stop/start, so a restart with the same dir keeps the data
#   --log-level L  debug|info|warn|error (default: $HOPT_FERRETDB_LOG_LEVEL, else warn)
# Env: HOPT_FERRETDB_BIN (binary; built by scripts/ferretdb-install.sh if missing or stale),
#      HOPT_FERRETDB_RUN_DIR (pid and log files; default build/ferretdb),
#      HOPT_FERRETDB_START_TIMEOUT (seconds to wait for the ping; default 30).
# Files: <run dir>/ferretdb-<port>.pid, <run dir>/ferretdb-<port>.log (appended).
# If a server started by this script already runs on that port, it is reused (exit 0).
set -euo pipefail

die() { echo "ferretdb-start: error: $*" >&2; exit 1; }
say() { echo "ferretdb-start: $*" >&2; }

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${HOPT_FERRETDB_BIN:-$REPO/build/ferretdb/ferretdb-hopt}"
RUNDIR="${HOPT_FERRETDB_RUN_DIR:-$REPO/build/ferretdb}"
PORT="${HOPT_TEST_PORT:-27018}"
DIR=""
LOG_LEVEL="${HOPT_FERRETDB_LOG_LEVEL:-warn}"
TIMEOUT="${HOPT_FERRETDB_START_TIMEOUT:-30}"

while [[ $# -gt 0 ]]; do
  case "$1" in
    --port) [[ $# -ge 2 ]] || die "--port needs a value"; PORT="$2"; shift ;;
    --port=*) PORT="${1#*=}" ;;
    --dir) [[ $# -ge 2 ]] || die "--dir needs a value"; DIR="$2"; shift ;;
    --dir=*) DIR="${1#*=}" ;;
    --log-level) [[ $# -ge 2 ]] || die "--log-level needs a value"; LOG_LEVEL="$2"; shift ;;
    --log-level=*) LOG_LEVEL="${1#*=}" ;;
    -h|--help) sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $1 (try --help)" ;;
  esac
  shift
done

[[ "$PORT" =~ ^[0-9]+$ ]] && (( PORT >= 1 && PORT <= 65535 )) || die "invalid port: '$PORT'"
[[ "$TIMEOUT" =~ ^[0-9]+$ ]] || die "invalid HOPT_FERRETDB_START_TIMEOUT: '$TIMEOUT'"
DIR="${DIR:-$REPO/build/ferretdb/data-$PORT}"
mkdir -p "$RUNDIR" || die "cannot create $RUNDIR"
RUNDIR="$(cd "$RUNDIR" && pwd)"
PIDFILE="$RUNDIR/ferretdb-$PORT.pid"
LOGFILE="$RUNDIR/ferretdb-$PORT.log"
URI="mongodb://127.0.0.1:$PORT"

# ping PORT [timeout_s]: exit 0 iff a MongoDB server on 127.0.0.1:PORT answers {ping:1} with ok:1.
# Speaks OP_MSG over a plain socket (python3 stdlib only; no pymongo).
# shellcheck disable=SC2016  # python source, nothing to expand
PING_PY='
import socket, struct, sys
port, tmo = int(sys.argv[1]), float(sys.argv[2])
def bson(items):
    body = b""
    for k, v in items:
        if isinstance(v, int):   body += b"\x10" + k.encode() + b"\0" + struct.pack("<i", v)
        else:
            s = v.encode() + b"\0"; body += b"\x02" + k.encode() + b"\0" + struct.pack("<i", len(s)) + s
    return struct.pack("<i", len(body) + 5) + body + b"\0"
doc = bson([("ping", 1), ("$db", "admin")])
payload = struct.pack("<I", 0) + b"\0" + doc
msg = struct.pack("<iiii", 16 + len(payload), 1, 0, 2013) + payload
def recvn(s, n):
    b = b""
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c: raise EOFError("connection closed")
        b += c
    return b
try:
    with socket.create_connection(("127.0.0.1", port), timeout=tmo) as s:
        s.sendall(msg)
        (n,) = struct.unpack("<i", recvn(s, 4))
        r = recvn(s, n - 4)
        (opcode,) = struct.unpack("<i", r[8:12])
        if opcode != 2013 or r[16] != 0: sys.exit(3)
        d = r[17:]; (dl,) = struct.unpack("<i", d[:4]); i = 4
        fixed = {1: 8, 8: 1, 9: 8, 16: 4, 17: 8, 18: 8, 10: 0, 7: 12}
        while i < dl - 1:
            t = d[i]; j = d.index(b"\0", i + 1); name = d[i+1:j].decode(); i = j + 1
            if name == "ok":
                if t == 1: ok = struct.unpack("<d", d[i:i+8])[0]
                elif t == 16: ok = struct.unpack("<i", d[i:i+4])[0]
                elif t == 18: ok = struct.unpack("<q", d[i:i+8])[0]
                elif t == 8: ok = d[i]
                else: sys.exit(4)
                sys.exit(0 if ok == 1 else 5)
            if t in fixed: i += fixed[t]
            elif t in (2, 13, 14): i += 4 + struct.unpack("<i", d[i:i+4])[0]
            elif t in (3, 4): i += struct.unpack("<i", d[i:i+4])[0]
            elif t == 5: i += 5 + struct.unpack("<i", d[i:i+4])[0]
            else: sys.exit(4)
        sys.exit(6)
except (OSError, EOFError, struct.error, ValueError, IndexError):
    sys.exit(2)
'
PY="$(command -v python3 || true)"
ping_server() {  # $1 = per-attempt timeout in seconds
  if [[ -n "$PY" ]]; then
    "$PY" -c "$PING_PY" "$PORT" "${1:-1}" 2>/dev/null
  else
    # Fallback without python3: the port accepts TCP connections (weaker than a ping).
    timeout "${1:-1}" bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT" 2>/dev/null
  fi
}
[[ -n "$PY" ]] || say "warning: python3 not found; readiness = TCP port open (no MongoDB ping)"

# One start at a time per port (fd 8 is closed for the server so it does not hold the lock).
exec 8>"$RUNDIR/ferretdb-$PORT.lock"
command -v flock >/dev/null 2>&1 && flock 8

# Is a server we started already running on this port?
is_ours() {  # $1 = pid
  [[ -r "/proc/$1/cmdline" ]] || return 1
  tr '\0' ' ' < "/proc/$1/cmdline" | grep -q -- "--listen-addr 127.0.0.1:$PORT "
}
if [[ -f "$PIDFILE" ]]; then
  oldpid="$(cat "$PIDFILE" 2>/dev/null || true)"
  if [[ "$oldpid" =~ ^[0-9]+$ ]] && kill -0 "$oldpid" 2>/dev/null && is_ours "$oldpid"; then
    if ping_server 2; then
      say "already running on port $PORT (pid $oldpid, log $LOGFILE); reusing it"
      echo "$URI"
      exit 0
    fi
    die "pid $oldpid from $PIDFILE runs but does not answer ping on port $PORT; stop it with scripts/ferretdb-stop.sh --port $PORT"
  fi
  say "removing stale pid file $PIDFILE"
  rm -f "$PIDFILE"
fi

# Something else on the port?
if timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT" 2>/dev/null; then
  die "port $PORT on 127.0.0.1 is already in use by another process (not started by this script); choose another with --port or HOPT_TEST_PORT"
fi

# Build if missing or stale (fast no-op when up to date).
if [[ -z "${HOPT_FERRETDB_BIN:-}" || ! -x "$BIN" ]]; then
  "$REPO/scripts/ferretdb-install.sh" >&2 || die "building FerretDB failed (scripts/ferretdb-install.sh)"
fi
[[ -x "$BIN" ]] || die "FerretDB binary not found: $BIN (run scripts/ferretdb-install.sh)"

mkdir -p "$DIR" || die "cannot create data dir $DIR"
DIR="$(cd "$DIR" && pwd)"

{
  echo "=== $(date -u +%Y-%m-%dT%H:%M:%SZ) ferretdb-start: port $PORT, data dir $DIR ==="
} >> "$LOGFILE"
logstart=$(( $(wc -l < "$LOGFILE") ))

# setsid: own session, so a Ctrl-C (SIGINT to the caller's process group) does not hit the server.
# Every inherited descriptor above 2 is closed first: a server holding the caller's pipes open
# would make `$(ferretdb-start.sh)`, `| tee` or a test runner wait for it forever.
SETSID=()
command -v setsid >/dev/null 2>&1 && SETSID=(setsid)
(
  for fdpath in /proc/"$BASHPID"/fd/*; do
    fd="${fdpath##*/}"
    if [[ "$fd" =~ ^[0-9]+$ ]] && (( fd > 2 )); then eval "exec $fd>&-"; fi
  done
  exec "${SETSID[@]}" "$BIN" --listen-addr "127.0.0.1:$PORT" --data-dir "$DIR" --log-level "$LOG_LEVEL" \
    </dev/null >>"$LOGFILE" 2>&1
) &
pid=$!
echo "$pid" > "$PIDFILE"

t0=$(date +%s%N)
deadline=$(( $(date +%s) + TIMEOUT ))
while :; do
  if ! kill -0 "$pid" 2>/dev/null; then
    rm -f "$PIDFILE"
    echo "ferretdb-start: error: server exited during start-up; log tail ($LOGFILE):" >&2
    tail -n +"$logstart" "$LOGFILE" | tail -n 30 >&2
    exit 1
  fi
  if ping_server 1; then
    break
  fi
  if (( $(date +%s) >= deadline )); then
    echo "ferretdb-start: error: no ping answer on 127.0.0.1:$PORT within ${TIMEOUT}s; killing pid $pid; log tail ($LOGFILE):" >&2
    tail -n +"$logstart" "$LOGFILE" | tail -n 30 >&2
    kill -TERM "$pid" 2>/dev/null || true
    sleep 1
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$PIDFILE"
    exit 1
  fi
  sleep 0.1
done
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
say "FerretDB up on 127.0.0.1:$PORT after ${ms} ms (pid $pid, data $DIR, log $LOGFILE)"
echo "$URI"
