"""Python hyperopt's side of bench/run_mongo_throughput.sh: trials per second through a MongoDB
server (FerretDB) with hyperopt's own fmin + MongoTrials and N `hyperopt-mongo-worker`
processes, objective bench/ref/mongo_objective.trivial (loss = x), algorithm rand.

Needs hyperopt 0.2.7 with pymongo 3.13 (0.2.7's mongoexp calls find_and_modify and
Cursor.count, which pymongo 4 removed): the virtualenv build/venv-hyperopt027 that
tests/python/run_hyperopt_compat.sh and bench/run_mongo_throughput.sh make.

Variants (--variants, comma-separated):
  tutorial   as hyperopt's tutorial runs it: fmin defaults (max_queue_len=1; fmin polls every
             1 s, fixed in 0.2.7), workers `--poll-interval=0.1`, each job in a new worker
             subprocess (hyperopt's default)
  queue      the same with max_queue_len = number of workers
  queue-nosub  max_queue_len = number of workers and workers with --no-subprocesses:
             the fastest setup hyperopt's options allow
  poll0.1    queue-nosub, and fmin polling every 0.1 s (FMinIter's poll_interval_secs; not an
             option of fmin in 0.2.7, set here by wrapping FMinIter.__init__): beyond what
             users can set, to show what is left when hyperopt's waits are removed

For each variant x worker count: a fresh database, the job_ids counter created before the
clock starts (0.2.7's first new_trial_ids on a fresh database logs "no last_id found" and
sleeps 1 s), N workers started and polling, then fmin timed from its call to its return.
Prints one JSON line per configuration, as bench_mongo_throughput does; "evaluations"
counts the workers' "job finished" lines (more than "done" means a job ran twice:
0.2.7 reserves jobs with findAndModify, which FerretDB does not make atomic).
"""
import argparse
import json
import logging
import os
import resource
import shutil
import signal
import subprocess
import sys
import time

import numpy as np
import pymongo

import hyperopt
from hyperopt import fmin, hp, rand
from hyperopt.mongoexp import MongoTrials

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from mongo_objective import trivial  # noqa: E402  (importable by the workers too)

CMD_NAMES = ["find", "insert", "update", "delete", "findAndModify", "count", "getMore"]
SKIP = {"serverStatus", "hello", "isMaster", "ismaster", "endSessions", "ping"}


def server_commands(client):
    out = dict.fromkeys(CMD_NAMES + ["other"], 0)
    cmds = client.admin.command("serverStatus").get("metrics", {}).get("commands", {})
    for name, v in cmds.items():
        if name in SKIP or not isinstance(v, dict):
            continue
        out[name if name in out else "other"] += int(v.get("total", 0))
    return out


def per_trial(a, b, n):
    d = {k: round((b[k] - a[k]) / max(n, 1), 2) for k in a}
    d["total"] = round(sum(d.values()), 2)
    return d


def proc_cpu(pid):
    """CPU seconds of pid: its threads plus the children it has waited for (a worker's
    per-job subprocesses)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # fields[0] is field 3 (state); utime..cstime are fields 14..17
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def self_cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def count_lines(path, needle):
    try:
        with open(path, errors="replace") as f:
            return sum(needle in line for line in f)
    except OSError:
        return 0


def stop(procs, grace=10.0):
    for p in procs:
        try:
            os.killpg(p.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.time() + grace
    for p in procs:
        try:
            p.wait(timeout=max(0.1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait()


def run_one(args, client, variant, n_workers):
    queue_len = 1 if variant == "tutorial" else n_workers
    subprocesses = variant in ("tutorial", "queue")
    db = f"bench_hy_{variant.replace('.', '')}_w{n_workers}_{os.getpid()}"
    client.drop_database(db)
    log = os.path.join(args.log_dir, db + ".log")
    if os.path.exists(log):
        os.unlink(log)
    # hyperopt's workers write logfile.txt and a directory per job in their current directory
    workdir = os.path.join(args.log_dir, db + ".work")
    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(workdir)

    trials = MongoTrials(f"mongo://{args.server}/{db}/jobs", exp_key="bench")
    mongo_log = logging.getLogger("hyperopt.mongoexp")
    level = mongo_log.level
    mongo_log.setLevel(logging.ERROR)  # its "no last_id found, re-trying" is expected here
    trials.new_trial_ids(0)  # creates the job_ids counter (see the module's docstring)
    mongo_log.setLevel(level)

    env = dict(os.environ)
    env["PYTHONPATH"] = HERE + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    cmd = [args.worker, f"--mongo={args.server}/{db}", "--poll-interval=0.1", "--exp-key=bench",
           "--reserve-timeout=600"]
    if not subprocesses:
        cmd.append("--no-subprocesses")
    with open(log, "ab") as logf:
        procs = [subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT, env=env, cwd=workdir,
                                  start_new_session=True)
                 for _ in range(n_workers)]
    try:
        deadline = time.time() + 60
        while count_lines(log, "no job found") < n_workers:
            if time.time() > deadline:
                raise SystemExit(f"hyperopt workers did not start; see {log}")
            time.sleep(0.05)

        fmin_module = sys.modules["hyperopt.fmin"]  # hyperopt.fmin is also the function's name
        restore = None
        if variant == "poll0.1":
            restore = fmin_module.FMinIter.__init__

            def init(self, *a, **k):
                k["poll_interval_secs"] = 0.1
                restore(self, *a, **k)

            fmin_module.FMinIter.__init__ = init
        wcpu0 = [proc_cpu(p.pid) for p in procs]
        scpu0 = proc_cpu(args.server_pid) if args.server_pid else None
        cmd0 = server_commands(client)
        cpu0 = self_cpu()
        t0 = time.perf_counter()
        try:
            fmin(trivial, hp.uniform("x", -2, 2), algo=rand.suggest, max_evals=args.trials, trials=trials,
                 max_queue_len=queue_len, show_progressbar=False, rstate=np.random.default_rng(42))
        finally:
            if restore is not None:
                fmin_module.FMinIter.__init__ = restore
        t1 = time.perf_counter()
        cpu1 = self_cpu()
        cmd1 = server_commands(client)
        scpu1 = proc_cpu(args.server_pid) if args.server_pid else None
        wcpu = sum(proc_cpu(p.pid) - c for p, c in zip(procs, wcpu0))
    finally:
        stop(procs)
    trials.refresh()
    done = trials.count_by_state_unsynced(hyperopt.JOB_STATE_DONE)
    evaluations = count_lines(log, "job finished")
    secs = t1 - t0
    row = {
        "bench": "mongo_throughput", "impl": "hyperopt", "version": hyperopt.__version__,
        "pymongo": pymongo.version, "algo": "rand", "variant": variant, "max_queue_len": queue_len,
        "subprocesses": subprocesses, "workers": n_workers, "trials": args.trials, "done": done,
        "evaluations": evaluations, "seconds": round(secs, 3), "trials_per_s": round(done / secs, 3),
        "driver_cpu_ms_per_trial": round(1e3 * (cpu1 - cpu0) / max(done, 1), 3),
        "workers_cpu_ms_per_trial": round(1e3 * wcpu / max(done, 1), 3),
        "server_cpu_ms_per_trial": round(1e3 * (scpu1 - scpu0) / max(done, 1), 3) if scpu0 is not None else -1,
        "commands_per_trial": per_trial(cmd0, cmd1, done),
    }
    print(json.dumps(row), flush=True)
    print(f"hyperopt {variant:<11} workers={n_workers}: {done}/{args.trials} trials in {secs:.2f} s = "
          f"{done / secs:.2f} trials/s ({evaluations} evaluations)", file=sys.stderr)
    if not args.keep:
        client.drop_database(db)
        os.unlink(log)
        shutil.rmtree(workdir, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--server", required=True, help="HOST:PORT")
    ap.add_argument("--worker", default=os.path.join(os.path.dirname(sys.executable), "hyperopt-mongo-worker"))
    ap.add_argument("--workers", default="1,2,4")
    ap.add_argument("--variants", default="tutorial,queue,queue-nosub")
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--server-pid", type=int, default=0)
    ap.add_argument("--log-dir", default="/tmp")
    ap.add_argument("--keep", action="store_true", help="keep the databases and worker logs")
    args = ap.parse_args()
    client = pymongo.MongoClient(f"mongodb://{args.server}/", serverSelectionTimeoutMS=5000)
    for variant in args.variants.split(","):
        if variant not in ("tutorial", "queue", "queue-nosub", "poll0.1"):
            raise SystemExit(f"unknown variant {variant}")
        for n in (int(x) for x in args.workers.split(",")):
            run_one(args, client, variant, n)


if __name__ == "__main__":
    main()
