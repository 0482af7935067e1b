#!/usr/bin/env bash
# Python hyperopt 0.2.7 (with pymongo 3.13) reads the trials hopt wrote to the
# test server. Usage: run_hyperopt_compat.sh MAKE_MONGO_TRIALS_BINARY
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
venv=${HOPT_COMPAT_VENV:-$root/build/venv-hyperopt027}
if ! "$venv/bin/python" -c 'import hyperopt, pymongo' 2>/dev/null; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "hyperopt==0.2.7" "pymongo==3.13.0" "numpy<2" "scipy<1.14" "networkx<3.5"
fi
server=${HOPT_TEST_MONGO:-mongodb://127.0.0.1:27018}
url="mongo://${server#mongodb://}"
url="${url%/}/compat_$$/jobs"
argmin=$("$1" "$url" exp_compat)
"$venv/bin/python" "$here/hyperopt_reads_hopt.py" "$url" exp_compat "$argmin"
