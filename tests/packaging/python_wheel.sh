#!/usr/bin/env bash
# `pip install ./bindings/python` as a user does it after installing hopt:
# build the wheel (scikit-build-core, offline: --no-build-isolation with the
# test venv's pinned build tools) against hopt installed in a scratch prefix,
# install it into a fresh virtualenv, and run fmin from outside the tree.
# Usage: python_wheel.sh BUILD_DIR PYTHON
set -euo pipefail
build=$(cd "$1" && pwd)
py=$2
src=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/prefix" >/dev/null
# pip builds in a copy of its own, so the source tree is left clean.
cp -r "$src/bindings/python" "$work/src"
CMAKE_PREFIX_PATH=$work/prefix "$py" -m pip wheel -q --disable-pip-version-check --no-build-isolation --no-deps \
  -w "$work/wheels" "$work/src"
"$py" -m venv "$work/venv"
"$work/venv/bin/pip" install -q --disable-pip-version-check --no-index --no-deps "$work/wheels"/hopt-*.whl
cd "$work"
"$work/venv/bin/python" - <<'PY'
import hopt as hyperopt
best = hyperopt.fmin(lambda x: (x - 1) ** 2, hyperopt.hp.uniform("x", -5, 5), algo=hyperopt.tpe.suggest,
                     max_evals=30, rstate=1, show_progressbar=False)
assert abs(best["x"] - 1) < 1, best
print("python wheel: fmin ->", best)
PY
"$work/venv/bin/hopt-mongo-worker" --help | grep -q -- "--poll-interval"
echo "python wheel: OK"
