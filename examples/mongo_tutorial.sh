#!/usr/bin/env bash
# hyperopt's MongoDB tutorial, end to end, with hopt:
#   1. start a MongoDB-protocol server (FerretDB here: mongod works the same);
#   2. fmin with MongoTrials queues the search for sin(x) and blocks;
#   3. two hyperopt-mongo-worker processes evaluate it; fmin returns;
#   4. running fmin again returns at once: the experiment persists.
# Usage: examples/mongo_tutorial.sh [BUILD_DIR] [PORT]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
port=${2:-1234}
db=foo_db_$$

"$root/scripts/ferretdb-start.sh" --port "$port" >/dev/null
workers=()
cleanup() {
  for pid in "${workers[@]}"; do kill "$pid" 2>/dev/null || true; done
  "$root/scripts/ferretdb-stop.sh" --port "$port" >/dev/null
}
trap cleanup EXIT

echo "== fmin queues the search and waits for workers"
"$build/examples/mongo_sin" "mongo://localhost:$port/$db/jobs" exp1 &
driver=$!
for i in 1 2; do
  "$build/worker/hyperopt-mongo-worker" --mongo="localhost:$port/$db" --poll-interval=0.1 \
    --plugin "$build/examples/libplugin_sin.so" --reserve-timeout=10 2>"/tmp/hopt-tutorial-worker$i-$$.log" &
  workers+=($!)
done
wait "$driver"

echo "== again: the experiment is there, fmin returns at once"
start=$(date +%s%N)
"$build/examples/mongo_sin" "mongo://localhost:$port/$db/jobs" exp1
echo "(returned after $(( ($(date +%s%N) - start) / 1000000 )) ms)"

echo "== a larger max_evals extends it"
"$build/examples/mongo_sin" "mongo://localhost:$port/$db/jobs" exp1 20
rm -f /tmp/hopt-tutorial-worker*-$$.log
