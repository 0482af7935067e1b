#!/usr/bin/env bash
# Create (or reuse) the virtualenv the Python binding's tests run in (pytest, numpy; pinned in
# bindings/python/requirements-test.txt). scripts/setup.sh calls it; the build uses this venv's
# interpreter for the extension so that both agree on the Python ABI.
#
#   scripts/setup-python.sh        # venv at $HOPT_PY_VENV or <repo>/build/venv-py
#
# Idempotent: nothing is installed when the venv was built from the same requirements and imports
# work. Prints the venv's python path as the last line of stdout.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${HOPT_PY_VENV:-$REPO/build/venv-py}"
REQ="$REPO/bindings/python/requirements-test.txt"
PY="${HOPT_PY_PYTHON:-python3}"
STAMP="$VENV/.hopt-requirements.sha256"
log() { echo "[setup-python] $*" >&2; }

req_hash="$(sha256sum "$REQ" | cut -d' ' -f1)"
VPY="$VENV/bin/python"
if [[ -x "$VPY" && -f "$STAMP" && "$(cat "$STAMP")" == "$req_hash" ]] \
   && "$VPY" -c 'import pytest, numpy' >/dev/null 2>&1; then
    log "venv $VENV up to date"
    echo "$VPY"
    exit 0
fi
rm -rf "$VENV"
mkdir -p "$(dirname "$VENV")"
log "creating $VENV with $("$PY" -V 2>&1)"
"$PY" -m venv "$VENV"
"$VPY" -m pip install -q --disable-pip-version-check -r "$REQ" >&2
echo "$req_hash" > "$STAMP"
echo "$VPY"
