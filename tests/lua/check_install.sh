#!/usr/bin/env bash
# Install into a scratch prefix as the README says, then load hopt from the
# installed tree only (Lua's default path layout under that prefix) and run
# a search. Usage: check_install.sh BUILD_DIR LUA
set -euo pipefail
build=$1 lua=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
test -f "$work/prefix/share/lua/5.4/hopt.lua"
test -f "$work/prefix/lib/lua/5.4/hopt/core.so"
test -x "$work/prefix/bin/hopt-lua-worker"
cd "$work"   # nothing of the source or build tree on the path
export LUA_PATH="$work/prefix/share/lua/5.4/?.lua" LUA_CPATH="$work/prefix/lib/lua/5.4/?.so"
"$lua" "$work/prefix/bin/hopt-lua-worker" --help | grep -q -- "--objectives=FILE"
"$lua" -e '
    local hopt = require("hopt")
    assert(package.searchpath("hopt.core", package.cpath):find("/prefix/lib/lua/5.4/hopt/core.so", 1, true))
    local best = hopt.fmin{fn = function(x) return (x - 1)^2 end, space = hopt.hp.uniform("x", -3, 3),
                           max_evals = 20, seed = 7, show_progressbar = false}
    assert(math.abs(best.x - 1) < 1.5, best.x)
    print("lua install: OK, hopt " .. hopt._VERSION)'
