#!/usr/bin/env python3
"""Latency of hyperopt's ``tpe.suggest`` for one new trial, given a history of N DONE trials.

Space: P independent ``hp.uniform('p{i}', -5, 5)`` (a dict ``{'p0': ..., 'p1': ..., ...}``).
History: N DONE trials, ``vals`` drawn with ``numpy.random.default_rng(seed).uniform(-5, 5, size=(N, P))``
(row k is trial tid k), ``loss = sum(v**2)``. The trial documents are built as ``fmin`` builds them
(``trials.new_trial_docs`` with misc ``{tid, cmd, workdir, idxs, vals}``, then state DONE, result
``{'loss': float, 'status': 'ok'}``, book/refresh time set), inserted with ``insert_trial_docs`` and
``refresh()``-ed. Each timed call is ``tpe.suggest([N], domain, trials, seed_r)`` with default TPE
parameters (gamma 0.25, prior_weight 1, n_EI_candidates 24, n_startup_jobs 20); the call does not modify
``trials``. One untimed warm-up call precedes the timed ones.

Repetitions: per (N, P) cell at least 3 timed calls (``--min-reps``), at most ``--reps``; after the minimum
a cell stops when its share of ``--max-seconds`` (budget / number of cells) is used up.

Output (stdout, one JSON object per line)::

    {"impl":"hyperopt","version":"0.3.0","n_trials":N,"n_params":P,"seconds":<median s/call>,"reps":k,
     "min_seconds":...,"max_seconds":...}
    {"impl":"hyperopt","metric":"bytes_per_trial","n_params":P,"n_trials":N,"value":<bytes>}

``bytes_per_trial`` is the tracemalloc delta of building the history (docs + Trials internals, including
the numpy float64 scalars stored in vals) divided by N, measured at the largest N of ``--trials``.
"""

import argparse
import gc
import json
import logging
import statistics
import sys
import time
import tracemalloc

import numpy as np

import hyperopt
from hyperopt import Domain, Trials, hp, tpe
from hyperopt.base import JOB_STATE_DONE, STATUS_OK
from hyperopt.utils import coarse_utcnow


def make_space(n_params):
    return {f"p{i}": hp.uniform(f"p{i}", -5, 5) for i in range(n_params)}


def objective(point):
    return sum(v * v for v in point.values())


def build_history(domain, n_trials, n_params, seed):
    """Return a Trials holding n_trials DONE trials, as fmin would have stored them."""
    rng = np.random.default_rng(seed)
    values = rng.uniform(-5.0, 5.0, size=(n_trials, n_params))
    losses = (values**2).sum(axis=1)
    trials = Trials()
    tids = trials.new_trial_ids(n_trials)
    labels = [f"p{i}" for i in range(n_params)]
    now = coarse_utcnow()
    specs, results, miscs = [], [], []
    for k, tid in enumerate(tids):
        row = values[k]
        specs.append(None)
        results.append({"loss": float(losses[k]), "status": STATUS_OK})
        miscs.append(
            {
                "tid": tid,
                "cmd": domain.cmd,
                "workdir": domain.workdir,
                "idxs": {lab: [tid] for lab in labels},
                # fmin stores numpy float64 scalars here
                "vals": {lab: [row[j]] for j, lab in enumerate(labels)},
            }
        )
    docs = trials.new_trial_docs(tids, specs, results, miscs)
    for doc in docs:
        doc["state"] = JOB_STATE_DONE
        doc["book_time"] = now
        doc["refresh_time"] = now
    trials.insert_trial_docs(docs)
    trials.refresh()
    return trials


def bytes_per_trial(n_trials, n_params, seed):
    domain = Domain(objective, make_space(n_params))
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    trials = build_history(domain, n_trials, n_params, seed)
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert len(trials) == n_trials
    return (after - before) / n_trials


def time_cell(n_trials, n_params, seed, min_reps, max_reps, budget):
    domain = Domain(objective, make_space(n_params))
    trials = build_history(domain, n_trials, n_params, seed)
    assert len(trials.trials) == n_trials
    new_tid = n_trials
    seeds = np.random.default_rng(seed + 1).integers(2**31 - 1, size=max_reps + 1)
    docs = tpe.suggest([new_tid], domain, trials, int(seeds[0]))  # warm-up
    assert len(docs) == 1 and docs[0]["tid"] == new_tid
    times = []
    t_start = time.perf_counter()
    for r in range(max_reps):
        t0 = time.perf_counter()
        tpe.suggest([new_tid], domain, trials, int(seeds[r + 1]))
        times.append(time.perf_counter() - t0)
        if len(times) >= min_reps and time.perf_counter() - t_start >= budget:
            break
    return times


def int_list(s):
    return [int(x) for x in s.split(",") if x]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--trials", type=int_list, default=[100, 1000, 10000])
    ap.add_argument("--params", type=int_list, default=[1, 4, 16])
    ap.add_argument("--reps", type=int, default=50, help="max timed calls per cell")
    ap.add_argument("--min-reps", type=int, default=3, help="min timed calls per cell")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--max-seconds", type=float, default=300.0, help="total timing budget")
    ap.add_argument("--no-memory", action="store_true", help="skip bytes_per_trial")
    args = ap.parse_args(argv)

    logging.getLogger("hyperopt").setLevel(logging.WARNING)
    n_cells = len(args.trials) * len(args.params)
    budget = args.max_seconds / max(1, n_cells)
    version = hyperopt.__version__

    for n_params in args.params:
        for n_trials in args.trials:
            times = time_cell(n_trials, n_params, args.seed, args.min_reps, max(args.reps, args.min_reps), budget)
            print(
                json.dumps(
                    {
                        "impl": "hyperopt",
                        "version": version,
                        "n_trials": n_trials,
                        "n_params": n_params,
                        "seconds": statistics.median(times),
                        "reps": len(times),
                        "min_seconds": min(times),
                        "max_seconds": max(times),
                    }
                ),
                flush=True,
            )
        if not args.no_memory:
            n_mem = max(args.trials)
            print(
                json.dumps(
                    {
                        "impl": "hyperopt",
                        "metric": "bytes_per_trial",
                        "n_params": n_params,
                        "n_trials": n_mem,
                        "value": round(bytes_per_trial(n_mem, n_params, args.seed), 1),
                    }
                ),
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
