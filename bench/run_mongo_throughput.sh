#!/usr/bin/env bash
# Trials per second through a MongoDB server (FerretDB, started here on its own port and
# stopped at the end) with a trivial objective and 1, 2, 4 workers, in one run:
#   - hopt: fmin (rand; tpe as a second row) on hopt_trials_mongo_open with real
#     hyperopt-mongo-worker processes, a process per trial (default) and --no-subprocesses
#     (bench/mongo_throughput.c, objective bench/mongo_plugin_trivial.c);
#   - the raw bound: a libmongoc loop sending the same database operations with no engine
#     work (bench/mongo_raw_bound.c), and the same loop without the operations the protocol
#     could avoid (--lean: what changing the protocol would buy);
#   - Python hyperopt 0.2.7's fmin + MongoTrials + hyperopt-mongo-worker on the same server
#     (bench/ref/mongo_hyperopt.py, in build/venv-hyperopt027);
#   - the same hopt/raw pair on FerretDB with the _id index its lookups can use
#     (bench/mongo_ferretdb_id_index.py);
#   - driver CPU per trial at 1,000 vs 50,000 stored trials (bench/mongo_driver_cpu.c);
# then prints the tables, the ratios and the verdicts (bench/mongo_report.py).
#
# Usage: bench/run_mongo_throughput.sh [--quick] [--port N] [--skip-build] [--no-hyperopt] [--no-cpu]
#   --quick        fewer trials everywhere and 20,000 instead of 50,000 stored (about 4 min)
#   --port N       FerretDB port (default $HOPT_BENCH_PORT or 27031); the server and its data
#                  directory (<out>/ferretdb-data, emptied first) are this run's own
# Env: HOPT_BUILD_DIR (default build/), HOPT_BENCH_OUT (default build/bench-results; results
#      go to <out>/mongo/), HOPT_COMPAT_VENV (default build/venv-hyperopt027),
#      TRIALS, HY_TRIALS, HY_TUTORIAL_TRIALS, STORED, ADD, ADD_INDEXED, WORKERS to override.
# The default run takes about 9 minutes on the project's 2-core machine once built.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${HOPT_BUILD_DIR:-$root/build}
out=${HOPT_BENCH_OUT:-$root/build/bench-results}/mongo
venv=${HOPT_COMPAT_VENV:-$root/build/venv-hyperopt027}
port=${HOPT_BENCH_PORT:-27031}
quick=0 skip_build=0 hyperopt=1 cpu=1
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --port) port=$2; shift ;;
    --port=*) port=${1#*=} ;;
    --skip-build) skip_build=1 ;;
    --no-hyperopt) hyperopt=0 ;;
    --no-cpu) cpu=0 ;;
    -h|--help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run_mongo_throughput: unknown argument $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done
if [ $quick = 1 ]; then
  TRIALS=${TRIALS:-100} HY_TRIALS=${HY_TRIALS:-8} HY_TUTORIAL_TRIALS=${HY_TUTORIAL_TRIALS:-4}
  STORED=${STORED:-1000,20000} ADD=${ADD:-50,8} ADD_INDEXED=${ADD_INDEXED:-100}
fi
TRIALS=${TRIALS:-200} HY_TRIALS=${HY_TRIALS:-12} HY_TUTORIAL_TRIALS=${HY_TUTORIAL_TRIALS:-6}
STORED=${STORED:-1000,50000} ADD=${ADD:-100,8} ADD_INDEXED=${ADD_INDEXED:-200} WORKERS=${WORKERS:-1,2,4}
started=$(date +%s)
mkdir -p "$out"
rm -f "$out"/throughput.jsonl "$out"/hyperopt.jsonl "$out"/driver_cpu.jsonl
say() { echo "[run_mongo_throughput $(( $(date +%s) - started ))s] $*" >&2; }

# 1. Build what is measured (only these targets).
if [ $skip_build = 0 ]; then
  say "building in $build"
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE="${HOPT_BUILD_TYPE:-RelWithDebInfo}" >/dev/null
  cmake --build "$build" --target hyperopt-mongo-worker bench_mongo_throughput bench_mongo_raw_bound \
    bench_mongo_driver_cpu bench_mongo_plugin_trivial -- -j"${HOPT_JOBS:-2}" >/dev/null
fi
worker=$build/worker/hyperopt-mongo-worker
plugin=$build/bench/libbench_mongo_plugin_trivial.so
for f in "$worker" "$plugin" "$build/bench/bench_mongo_throughput"; do
  [ -e "$f" ] || { echo "run_mongo_throughput: missing $f" >&2; exit 1; }
done

# 2. Python hyperopt 0.2.7 (its mongoexp needs pymongo 3), as tests/python/run_hyperopt_compat.sh makes it.
if [ $hyperopt = 1 ] && ! "$venv/bin/python" -c 'import hyperopt, pymongo' 2>/dev/null; then
  say "creating $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "hyperopt==0.2.7" "pymongo==3.13.0" "numpy<2" "scipy<1.14" "networkx<3.5"
fi

# 3. Our own FerretDB, on a fresh data directory.
data=$out/ferretdb-data
rm -rf "$data"
"$root/scripts/ferretdb-start.sh" --port "$port" --dir "$data" >/dev/null
trap '"$root/scripts/ferretdb-stop.sh" --port "$port" >/dev/null 2>&1 || true' EXIT
server=127.0.0.1:$port
spid=$(cat "${HOPT_FERRETDB_RUN_DIR:-$root/build/ferretdb}/ferretdb-$port.pid")
hook="python3 $root/bench/mongo_ferretdb_id_index.py $data"
common=(--server "$server" --server-pid "$spid")
hopt_args=("${common[@]}" --worker "$worker" --plugin "$plugin" --log-dir "$out")

# 4. Throughput on FerretDB as it is, interleaved per worker count so that a change in the
#    machine's load hits every implementation alike.
IFS=, read -r -a counts <<< "$WORKERS"
for n in "${counts[@]}"; do
  say "throughput, $n worker(s): raw bound, hopt rand in-process, hopt rand process/trial, hopt tpe in-process, raw --lean"
  "$build/bench/bench_mongo_raw_bound" "${common[@]}" --workers "$n" --trials "$TRIALS" >> "$out/throughput.jsonl"
  "$build/bench/bench_mongo_throughput" "${hopt_args[@]}" --workers "$n" --trials "$TRIALS" --algo rand --isolation none >> "$out/throughput.jsonl"
  "$build/bench/bench_mongo_throughput" "${hopt_args[@]}" --workers "$n" --trials "$TRIALS" --algo rand --isolation process >> "$out/throughput.jsonl"
  "$build/bench/bench_mongo_throughput" "${hopt_args[@]}" --workers "$n" --trials "$TRIALS" --algo tpe --isolation none >> "$out/throughput.jsonl"
  "$build/bench/bench_mongo_raw_bound" "${common[@]}" --workers "$n" --trials "$TRIALS" --lean >> "$out/throughput.jsonl"
done

# 5. The same with FerretDB's _id lookups indexed (raw bound and hopt in-process).
for n in "${counts[@]}"; do
  say "throughput with the _id index, $n worker(s): raw bound, hopt rand in-process"
  "$build/bench/bench_mongo_raw_bound" "${common[@]}" --workers "$n" --trials "$TRIALS" --index-hook "$hook" >> "$out/throughput.jsonl"
  "$build/bench/bench_mongo_throughput" "${hopt_args[@]}" --workers "$n" --trials "$TRIALS" --algo rand --isolation none --index-hook "$hook" >> "$out/throughput.jsonl"
done

# 6. Python hyperopt on the same server.
if [ $hyperopt = 1 ]; then
  say "hyperopt as the tutorial runs it ($HY_TUTORIAL_TRIALS trials; fmin polls every 1 s)"
  "$venv/bin/python" "$root/bench/ref/mongo_hyperopt.py" "${common[@]}" --worker "$venv/bin/hyperopt-mongo-worker" \
    --log-dir "$out" --workers "$WORKERS" --variants tutorial --trials "$HY_TUTORIAL_TRIALS" >> "$out/hyperopt.jsonl"
  say "hyperopt with max_queue_len = workers, with and without subprocesses, and polling 0.1 s ($HY_TRIALS trials)"
  "$venv/bin/python" "$root/bench/ref/mongo_hyperopt.py" "${common[@]}" --worker "$venv/bin/hyperopt-mongo-worker" \
    --log-dir "$out" --workers "$WORKERS" --variants queue,queue-nosub,poll0.1 --trials "$HY_TRIALS" >> "$out/hyperopt.jsonl"
fi

# 7. Driver CPU per trial against the number of stored trials.
if [ $cpu = 1 ]; then
  say "driver CPU per trial at $STORED stored trials (adding $ADD, then $ADD_INDEXED with the _id index)"
  "$build/bench/bench_mongo_driver_cpu" "${hopt_args[@]}" --stored "$STORED" --add "$ADD" \
    --index-hook "$hook" --add-indexed "$ADD_INDEXED" >> "$out/driver_cpu.jsonl"
fi

"$root/scripts/ferretdb-stop.sh" --port "$port" >/dev/null 2>&1 || true
trap - EXIT
rm -rf "$data"
files=("$out/throughput.jsonl")
[ -s "$out/hyperopt.jsonl" ] && files+=("$out/hyperopt.jsonl")
[ -s "$out/driver_cpu.jsonl" ] && files+=("$out/driver_cpu.jsonl")
echo
echo "hopt $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'), $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$root/bench/mongo_report.py" "${files[@]}"
echo
echo "run time: $(( $(date +%s) - started )) s; results in $out"
