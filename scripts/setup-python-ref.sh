#!/usr/bin/env bash
# Create (or reuse) the Python virtualenv holding the reference implementations (hyperopt, optuna)
# used by the benchmarks in bench/ref/.
#
#   scripts/setup-python-ref.sh            # venv at $HOPT_REF_VENV or <repo>/build/venv-ref
#   HOPT_REF_PYTHON=python3.12 scripts/setup-python-ref.sh
#
# Other virtualenvs are made the same way with HOPT_REF_REQUIREMENTS (the pinned requirements file)
# and HOPT_REF_IMPORTS (the modules that must import), as scripts/setup-python.sh does.
#
# Idempotent: if the venv exists, was built from the same requirements file and imports work, nothing
# is installed. Prints the venv's python path as the last line of stdout.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${HOPT_REF_VENV:-$REPO/build/venv-ref}"
REQ="${HOPT_REF_REQUIREMENTS:-$REPO/bench/ref/requirements.txt}"
IMPORTS="${HOPT_REF_IMPORTS:-hyperopt optuna numpy scipy}"
import_line="import ${IMPORTS// /, }"
PY="${HOPT_REF_PYTHON:-python3}"
STAMP="$VENV/.hopt-requirements.sha256"

log() { echo "[setup-python-ref] $*" >&2; }

command -v "$PY" >/dev/null 2>&1 || { log "error: $PY not found"; exit 1; }
if ! "$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
    log "error: $PY is $("$PY" -V 2>&1); the pinned numpy/scipy need Python >= 3.11"
    exit 1
fi

req_hash="$(sha256sum "$REQ" | cut -d' ' -f1)"
VPY="$VENV/bin/python"

if [[ -x "$VPY" && -f "$STAMP" && "$(cat "$STAMP")" == "$req_hash" ]] \
   && "$VPY" -c "$import_line" >/dev/null 2>&1; then
    log "venv $VENV already up to date"
    echo "$VPY"
    exit 0
fi

make_venv() { "$PY" -m venv "$VENV"; }

if [[ ! -x "$VPY" ]] || ! "$VPY" -m pip --version >/dev/null 2>&1; then
    rm -rf "$VENV"
    mkdir -p "$(dirname "$VENV")"
    log "creating venv at $VENV with $("$PY" -V 2>&1)"
    if ! make_venv 2>/tmp/hopt-venv-err.$$; then
        cat /tmp/hopt-venv-err.$$ >&2
        rm -rf "$VENV"
        # Debian/Ubuntu system python: ensurepip lives in python3-venv / python3.X-venv.
        if command -v apt-get >/dev/null 2>&1; then
            pyver="$("$PY" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
            SUDO=""
            [[ "$(id -u)" -ne 0 ]] && SUDO="sudo"
            log "venv creation failed; installing python3-venv / python${pyver}-venv with apt-get"
            $SUDO apt-get update -qq >&2
            DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv >&2 || true
            DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "python${pyver}-venv" >&2 || true
            make_venv
        else
            log "error: '$PY -m venv' failed and apt-get is not available"
            exit 1
        fi
    fi
    rm -f /tmp/hopt-venv-err.$$
fi

log "installing $REQ"
"$VPY" -m pip install -q --disable-pip-version-check -r "$REQ" >&2
"$VPY" -c "$import_line; print('[setup-python-ref]', *('%s %s' % (m, getattr(__import__(m), '__version__', '?')) for m in '$IMPORTS'.split()))" >&2
echo "$req_hash" > "$STAMP"
echo "$VPY"
