"""A worker serving Python objectives: hyperopt-mongo-worker for hopt.

    python -m hopt.worker --mongo=localhost:1234/foo_db --poll-interval=0.1
    hopt-mongo-worker --mongo=localhost:1234/foo_db --poll-interval=0.1

It runs hopt's worker loop (hopt_worker_run): it reserves the trials fmin
queued in the database, imports each experiment's objective by the name fmin
recorded (``module:qualname``; never code from the database), evaluates it
and writes the result. Flags and meanings are hyperopt-mongo-worker's.
"""
import argparse
import logging
import os
import signal
import sys

from . import capi
from ._names import resolve
from ._objective import ObjectiveAdapter

logger = logging.getLogger("hopt.worker")


class Resolver:
    """The registry's hook: a name -> an objective handle, or None."""

    def __init__(self):
        self.unresolved = set()  # names already reported: the worker asks again at each poll

    def __call__(self, name):
        try:
            fn = resolve(name)
        except Exception as e:  # the name is not ours, or does not import here
            if name not in self.unresolved:
                self.unresolved.add(name)
                logger.warning("cannot import objective %s: %s: %s; its trials are left to other workers",
                               name, type(e).__name__, e)
            return None
        return capi.hopt_py_objective_new(name, ObjectiveAdapter(fn, None, None, keep_errors=False))


class StopFlag:
    """Set by SIGINT/SIGTERM; the worker loop polls it between and during trials."""

    def __init__(self):
        self.stop = False

    def __call__(self, *args):
        if args:  # called as a signal handler
            self.stop = True
            return None
        return 1 if self.stop else 0


def run(mongo, exp_key=None, poll_interval=0.1, max_jobs=None, max_consecutive_failures=4,
        reserve_timeout=120.0, last_job_timeout=None, workdir=None, isolation="process", log=None,
        stop=None, key_file=None, allow=(), insecure=False):
    """Serve trials until a stop condition holds; returns the number evaluated.

    Only experiments signed with the shared key (key_file, default
    $HOPT_KEY_FILE or ~/.config/hopt/key) are run, and of those only
    objectives matching one of the `allow` globs when any are given: a name
    is resolved to code only after that check (docs/threat-model.md).
    insecure=True turns the check off, for databases no one else can write."""
    registry = capi.hopt_registry_new()
    capi.hopt_py_registry_set_resolver(registry, Resolver())
    opts = capi.hopt_worker_options_new()
    if exp_key is not None:
        capi.hopt_worker_options_set_exp_key(opts, exp_key)
    capi.hopt_worker_options_set_poll_interval(opts, float(poll_interval))
    if max_jobs is not None:
        capi.hopt_worker_options_set_max_jobs(opts, int(max_jobs))
    capi.hopt_worker_options_set_max_consecutive_failures(opts, int(max_consecutive_failures))
    capi.hopt_worker_options_set_reserve_timeout(opts, float(reserve_timeout or 0))
    if last_job_timeout is not None:
        capi.hopt_worker_options_set_last_job_timeout(opts, float(last_job_timeout))
    if workdir is not None:
        capi.hopt_worker_options_set_workdir(opts, workdir)
    capi.hopt_worker_options_set_isolation(
        opts, capi.HOPT_ISOLATE_PROCESS if isolation == "process" else capi.HOPT_ISOLATE_NONE)
    if key_file is not None:
        capi.hopt_worker_options_set_key_file(opts, key_file)
    for pattern in allow:
        capi.hopt_worker_options_allow_objective(opts, pattern)
    if insecure:
        capi.hopt_worker_options_set_insecure(opts, 1)
    if log is not None:
        capi.hopt_py_worker_options_set_log(opts, lambda line: log(line) or 0)
    if stop is not None:
        capi.hopt_py_worker_options_set_stop_check(opts, stop)
    return capi.hopt_worker_run(mongo, registry, opts)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="hopt-mongo-worker", description=__doc__.splitlines()[0])
    ap.add_argument("--mongo", required=True, help="host:port/db, mongo://host:port/db or a mongodb:// URI")
    ap.add_argument("--exp-key", default=None, help="serve only this experiment")
    ap.add_argument("--poll-interval", type=float, default=0.1, help="seconds between reservation attempts")
    ap.add_argument("--max-jobs", type=int, default=None, help="stop after this many trials")
    ap.add_argument("--max-consecutive-failures", type=int, default=4)
    ap.add_argument("--reserve-timeout", type=float, default=120.0,
                    help="stop after this many seconds without a trial (0: never)")
    ap.add_argument("--last-job-timeout", type=float, default=None,
                    help="take no new trial this many seconds after the start")
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--isolation", choices=["process", "none"], default="process",
                    help="run each trial in a child process (default) or in the worker itself")
    ap.add_argument("--key-file", default=None,
                    help="the key experiments must be signed with (default $HOPT_KEY_FILE or ~/.config/hopt/key)")
    ap.add_argument("--allow", action="append", default=[], metavar="GLOB",
                    help="serve only objectives whose name matches (repeatable)")
    ap.add_argument("--insecure", action="store_true",
                    help="run unsigned experiments too (only for a database no one else can write)")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    sys.path.insert(0, os.getcwd())  # objectives of the directory the worker runs in, as python -m does
    stop = StopFlag()
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        jobs = run(args.mongo, exp_key=args.exp_key, poll_interval=args.poll_interval, max_jobs=args.max_jobs,
                   max_consecutive_failures=args.max_consecutive_failures, reserve_timeout=args.reserve_timeout,
                   last_job_timeout=args.last_job_timeout, workdir=args.workdir, isolation=args.isolation,
                   stop=stop, key_file=args.key_file, allow=args.allow, insecure=args.insecure)
    except Exception as e:
        print("hopt-mongo-worker: %s" % e, file=sys.stderr)
        return 1
    logger.info("%d trials evaluated", jobs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
