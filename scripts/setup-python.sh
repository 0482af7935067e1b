#!/usr/bin/env bash
# Create (or reuse) the virtualenv the Python binding's tests run in (pytest, numpy, scikit-build-core;
# pinned in bindings/python/requirements-test.txt). scripts/setup.sh calls it; the build uses this
# venv's interpreter for the extension so that both agree on the Python ABI.
#
#   scripts/setup-python.sh        # venv at $HOPT_PY_VENV or <repo>/build/venv-py
#
# Made like the benchmarks' reference venv (setup-python-ref.sh, idempotent). Prints the venv's
# python path as the last line of stdout.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HOPT_REF_VENV="${HOPT_PY_VENV:-$REPO/build/venv-py}" \
HOPT_REF_REQUIREMENTS="$REPO/bindings/python/requirements-test.txt" \
HOPT_REF_IMPORTS="pytest numpy scikit_build_core" \
HOPT_REF_PYTHON="${HOPT_PY_PYTHON:-python3}" \
  exec "$REPO/scripts/setup-python-ref.sh"
