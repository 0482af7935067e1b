#!/usr/bin/env python3
"""Optimisation quality of Python hyperopt (tpe, anneal) on hyperopt's own test domains.

For each (algo, domain, seed) one ``fmin`` run is made exactly as hyperopt's unit tests do it
(``fmin(passthrough, space=domain.expr, algo=..., trials=Trials(), max_evals=LEN, rstate=default_rng(seed),
catch_eval_exceptions=False)`` with ``np.seterr(all="raise", under="ignore")``), except that the seed varies
over ``first_seed .. first_seed+S-1`` instead of the tests' fixed one (tpe: PCG64(0), anneal: 8).
The domain object is built afresh for every run (this matters for the noisy domains, see below).

Budgets / parameters / thresholds (hyperopt/tests/unit/test_tpe.py ``TestOpt`` and test_anneal.py
``TestItAtLeastSortOfWorks``; ``passed`` = min loss over the run < threshold):

    TPE      max_evals  gamma  prior_weight  n_EI_candidates  threshold
    quadratic1    1000   0.25   1.0            5               1e-5
    q1_lognormal   250   0.25   1.0           24               0.01
    q1_choice       50   0.25   1.0           24               0.01   (*)
    n_arms          50   0.25   1.0           24              -2.5
    distractor     100   0.05   0.01          15              -1.96
    gauss_wave      50   0.25   1.0           24              -2.0
    gauss_wave2     75   0.25   1.0           24              -2.0
    many_dists     200   0.25   1.0           24               0.0005
    branin         200   0.25   1.0           24               0.7
    (n_startup_jobs = 20 everywhere)

    anneal (default avg_best_idx=2.0, shrink_coef=0.1)
                  max_evals  threshold
    quadratic1    1000       1e-5
    q1_lognormal    50       0.01
    q1_choice       50       0.01     (*)
    n_arms          50      -2.5
    distractor     150      -0.96
    gauss_wave      50      -2.0
    gauss_wave2     50      -2.0
    many_dists     200       0.0005
    branin         200       0.7

(*) q1_choice is not part of hyperopt's tpe/anneal tests (only of the random-search test); its budget
(50 = the tests' default LEN) and threshold (0.01) are this project's choice.

Domains: imported from the installed hyperopt (``hyperopt.tests.unit.test_domains``, else
``hyperopt.tests.test_domains``); if neither exists (or with ``--local-domains``) the copies below are used.
Their definitions (the docstrings of the ``d_*`` functions below) are the exact ones of hyperopt 0.3.0.
Every domain is ``Domain(lambda x: x, expr)`` where ``expr`` evaluates to the result dict, so the space *is*
the objective.

Noise (n_arms, gauss_wave2): the space embeds a ``numpy.random.default_rng(123)`` Generator created when the
domain object is built; the node ``scope.normal(mu, sigma, rng=that_generator)`` calls
``that_generator.normal(mu, sigma, size=())`` once per objective evaluation (once per trial, in evaluation
order; suggest algorithms never draw from it). So the noise of trial k (k = 0, 1, ... in evaluation order, for a
fresh domain) is ``mu + sigma * z_k`` where z_k is the k-th ``standard_normal`` of ``default_rng(123)``
(numpy's ziggurat; first values -0.9891213503478509, -0.3677866514678832, 1.2879252612892487,
0.1939744191326132, 0.9202308996398569). This was checked against fmin with rand, tpe and anneal: predicted
and stored losses are identical. ``--dump-noise K`` prints z_0..z_{K-1} as JSON so a port can embed them.

Output (stdout, JSON lines): one per run
    {"impl":"hyperopt","algo":..,"domain":..,"seed":..,"min_loss":..,"passed":bool,"seconds":..}
(plus "max_evals", "n_trials", "threshold", and "error" if the run raised), then per (algo, domain)
    {"impl":"hyperopt","algo":..,"domain":..,"summary":true,"pass_rate":..,"median_min_loss":..,"seeds":S,
     "mean_seconds":..}
"""

import argparse
import json
import logging
import math
import multiprocessing as mp
import statistics
import sys
import time
import traceback
from functools import partial

import numpy as np

import hyperopt
from hyperopt import Domain, Trials, anneal, base, fmin, hp, tpe
from hyperopt.pyll import as_apply, scope

DOMAINS = [
    "quadratic1",
    "q1_lognormal",
    "q1_choice",
    "n_arms",
    "distractor",
    "gauss_wave",
    "gauss_wave2",
    "many_dists",
    "branin",
]

# domain -> (max_evals, gamma, prior_weight, n_EI_candidates, threshold)
TPE_CFG = {
    "quadratic1": (1000, 0.25, 1.0, 5, 1e-5),
    "q1_lognormal": (250, 0.25, 1.0, 24, 0.01),
    "q1_choice": (50, 0.25, 1.0, 24, 0.01),
    "n_arms": (50, 0.25, 1.0, 24, -2.5),
    "distractor": (100, 0.05, 0.01, 15, -1.96),
    "gauss_wave": (50, 0.25, 1.0, 24, -2.0),
    "gauss_wave2": (75, 0.25, 1.0, 24, -2.0),
    "many_dists": (200, 0.25, 1.0, 24, 0.0005),
    "branin": (200, 0.25, 1.0, 24, 0.7),
}

# domain -> (max_evals, threshold)
ANNEAL_CFG = {
    "quadratic1": (1000, 1e-5),
    "q1_lognormal": (50, 0.01),
    "q1_choice": (50, 0.01),
    "n_arms": (50, -2.5),
    "distractor": (150, -0.96),
    "gauss_wave": (50, -2.0),
    "gauss_wave2": (50, -2.0),
    "many_dists": (200, 0.0005),
    "branin": (200, 0.7),
}


# ---------------------------------------------------------------------------------------------------------
# Local copies of hyperopt 0.3.0's hyperopt/tests/unit/test_domains.py (used only if the installed package
# does not ship them, or with --local-domains).


def _domain(expr, name, loss_target=None):
    return Domain(lambda x: x, expr, loss_target=loss_target, name=name)


def d_quadratic1():
    """quadratic1 (loss_target 0).
    x = hp.uniform("x", -5, 5)
    result = {"loss": (x - 3) ** 2, "status": "ok"}
    """
    return _domain({"loss": (hp.uniform("x", -5, 5) - 3) ** 2, "status": base.STATUS_OK}, "quadratic1", 0)


def d_q1_choice():
    """q1_choice (loss_target 0).
    o_x = hp.choice("o_x", [(-3, hp.uniform("x_neg", -5, 5)), (3, hp.uniform("x_pos", -5, 5))])
    result = {"loss": (o_x[0] - o_x[1]) ** 2, "status": "ok"}
    i.e. branch 0: loss (-3 - x_neg)^2; branch 1: loss (3 - x_pos)^2. Only the chosen branch's label is active.
    """
    o_x = hp.choice("o_x", [(-3, hp.uniform("x_neg", -5, 5)), (3, hp.uniform("x_pos", -5, 5))])
    return _domain({"loss": (o_x[0] - o_x[1]) ** 2, "status": base.STATUS_OK}, "q1_choice", 0)


def d_q1_lognormal():
    """q1_lognormal (loss_target 0).
    x = hp.lognormal("x", 0, 2)          # exp(N(0, 2^2))
    result = {"loss": min(0.1 * (x - 10) ** 2, 10), "status": "ok"}
    """
    return _domain(
        {"loss": scope.min(0.1 * (hp.lognormal("x", 0, 2) - 10) ** 2, 10), "status": base.STATUS_OK},
        "q1_lognormal",
        0,
    )


def d_n_arms(N=2):
    """n_arms, N=2 (loss_target -2).
    rng = np.random.default_rng(123)     # created when the domain is built, embedded in the space
    x = hp.choice("x", [0, 1])
    result = {"loss": rng.normal([-1, 0][x], [1, 1][x]),   # one draw per evaluation: mu_x + 1 * z_k
              "loss_variance": 1.0, "status": "ok"}
    Arm 0 (mean -1) is the better one; the noise is the k-th standard normal of default_rng(123) for the k-th
    evaluated trial.
    """
    rng = np.random.default_rng(123)
    x = hp.choice("x", [0, 1])
    reward_mus = as_apply([-1] + [0] * (N - 1))
    reward_sigmas = as_apply([1] * N)
    return _domain(
        {
            "loss": scope.normal(reward_mus[x], reward_sigmas[x], rng=rng),
            "loss_variance": 1.0,
            "status": base.STATUS_OK,
        },
        "n_arms",
        -2,
    )


def d_distractor():
    """distractor (loss_target -2).
    x = hp.uniform("x", -15, 15)
    result = {"loss": -1 / (1 + exp(-x)) - 2 * exp(-(x + 10) ** 2), "status": "ok"}
    A sigmoid asymptote towards -1 for x -> +inf and a narrow spike of depth -2 at x = -10 (global min ~ -2).
    """
    x = hp.uniform("x", -15, 15)
    f1 = 1 / (1 + scope.exp(-x))
    f2 = 2 * scope.exp(-((x + 10) ** 2))
    return _domain({"loss": -f1 - f2, "status": base.STATUS_OK}, "distractor", -2)


def d_gauss_wave():
    """gauss_wave (loss_target -1).
    x = hp.uniform("x", -20, 20)
    t = hp.choice("curve", [x, x + pi])
    result = {"loss": -(sin(t) + 2 * exp(-(t / 5) ** 2)), "status": "ok"}
    """
    x = hp.uniform("x", -20, 20)
    t = hp.choice("curve", [x, x + np.pi])
    f1 = scope.sin(t)
    f2 = 2 * scope.exp(-((t / 5) ** 2))
    return _domain({"loss": -(f1 + f2), "status": base.STATUS_OK}, "gauss_wave", -1)


def d_gauss_wave2():
    """gauss_wave2 (loss_target -2.5).
    rng = np.random.default_rng(123)     # created when the domain is built, embedded in the space
    x = hp.uniform("x", -20, 20)
    amp = hp.uniform("amp", 0, 1)        # active only when hf == 1
    t = rng.normal(0, 0.1) + 2 * exp(-(x / 5) ** 2)      # noise std 0.1: 0.1 * z_k, one draw per evaluation
    result = {"loss": -hp.choice("hf", [t, t + sin(x) * amp]), "loss_variance": 0.1, "status": "ok"}
    The noise term is shared by both branches (one draw per evaluated trial, whichever branch is chosen).
    """
    rng = np.random.default_rng(123)
    var = 0.1
    x = hp.uniform("x", -20, 20)
    amp = hp.uniform("amp", 0, 1)
    t = scope.normal(0, var, rng=rng) + 2 * scope.exp(-((x / 5) ** 2))
    return _domain(
        {"loss": -hp.choice("hf", [t, t + scope.sin(x) * amp]), "loss_variance": var, "status": base.STATUS_OK},
        "gauss_wave2",
        -2.5,
    )


def d_many_dists():
    """many_dists (loss_target 0).
    a = hp.choice("a", [0, 1, 2]);      b = hp.randint("b", 10);          bb = hp.randint("bb", 12, 25)
    c = hp.uniform("c", 4, 7);          d = hp.loguniform("d", -2, 0);    e = hp.quniform("e", 0, 10, 3)
    f = hp.qloguniform("f", 0, 3, 2);   g = hp.normal("g", 4, 7);         h = hp.lognormal("h", -2, 2)
    i = hp.qnormal("i", 0, 10, 2);      j = hp.qlognormal("j", 0, 2, 1);  k = hp.pchoice("k", [(0.1, 0), (0.9, 1)])
    z = a + b + bb + c + d + e + f + g + h + i + j + k
    result = {"loss": float(log(1e-12 + z ** 2)), "status": "ok"}
    (the loss is very negative when z ~ 0, e.g. log(1e-12) ~ -27.6 at z = 0)
    """
    a = hp.choice("a", [0, 1, 2])
    b = hp.randint("b", 10)
    bb = hp.randint("bb", 12, 25)
    c = hp.uniform("c", 4, 7)
    d = hp.loguniform("d", -2, 0)
    e = hp.quniform("e", 0, 10, 3)
    f = hp.qloguniform("f", 0, 3, 2)
    g = hp.normal("g", 4, 7)
    h = hp.lognormal("h", -2, 2)
    i = hp.qnormal("i", 0, 10, 2)
    j = hp.qlognormal("j", 0, 2, 1)
    k = hp.pchoice("k", [(0.1, 0), (0.9, 1)])
    z = a + b + bb + c + d + e + f + g + h + i + j + k
    return _domain({"loss": scope.float(scope.log(1e-12 + z**2)), "status": base.STATUS_OK}, "many_dists", 0)


def d_branin():
    """branin (loss_target 0.398).
    x = hp.uniform("x", -5.0, 10.0);  y = hp.uniform("y", 0.0, 15.0);  pi = float(np.pi)
    result = {"loss": (y - (5.1 / (4 * pi**2)) * x**2 + 5 * x / pi - 6) ** 2 + 10 * (1 - 1 / (8 * pi)) * cos(x) + 10,
              "loss_variance": 0, "status": "ok"}
    Global minimum 0.397887 at (-pi, 12.275), (pi, 2.275), (9.42478, 2.475).
    """
    x = hp.uniform("x", -5.0, 10.0)
    y = hp.uniform("y", 0.0, 15.0)
    pi = float(np.pi)
    loss = (y - (5.1 / (4 * pi**2)) * x**2 + 5 * x / pi - 6) ** 2 + 10 * (1 - 1 / (8 * pi)) * scope.cos(x) + 10
    return _domain({"loss": loss, "loss_variance": 0, "status": base.STATUS_OK}, "branin", 0.398)


LOCAL_DOMAINS = {name: globals()["d_" + name] for name in DOMAINS}


def installed_domains():
    for modname in ("hyperopt.tests.unit.test_domains", "hyperopt.tests.test_domains"):
        try:
            mod = __import__(modname, fromlist=["x"])
        except ImportError:
            continue
        if all(hasattr(mod, name) for name in DOMAINS):
            return {name: getattr(mod, name) for name in DOMAINS}, modname
    return None, None


_USE_LOCAL = False


def make_domain(name):
    if not _USE_LOCAL:
        ctors, _ = installed_domains()
        if ctors is not None:
            return ctors[name]()
    return LOCAL_DOMAINS[name]()


# ---------------------------------------------------------------------------------------------------------


def passthrough(x):
    return x


def run_one(task):
    algo_name, domain_name, seed = task
    logging.getLogger("hyperopt").setLevel(logging.WARNING)
    np.seterr(all="raise")
    np.seterr(under="ignore")
    if algo_name == "tpe":
        max_evals, gamma, prior_weight, n_ei, threshold = TPE_CFG[domain_name]
        algo = partial(tpe.suggest, gamma=gamma, prior_weight=prior_weight, n_EI_candidates=n_ei)
    elif algo_name == "anneal":
        max_evals, threshold = ANNEAL_CFG[domain_name]
        algo = partial(anneal.suggest)
    else:
        raise ValueError(algo_name)
    domain = make_domain(domain_name)  # fresh: resets the embedded noise rng
    trials = Trials()
    rec = {
        "impl": "hyperopt",
        "algo": algo_name,
        "domain": domain_name,
        "seed": seed,
        "max_evals": max_evals,
        "threshold": threshold,
    }
    t0 = time.perf_counter()
    try:
        fmin(
            passthrough,
            space=domain.expr,
            algo=algo,
            trials=trials,
            max_evals=max_evals,
            rstate=np.random.default_rng(seed),
            catch_eval_exceptions=False,
            show_progressbar=False,
        )
        err = None
    except Exception as e:  # noqa: BLE001 - recorded, counts as a failure
        err = "%s: %s" % (type(e).__name__, e)
        traceback.print_exc(file=sys.stderr)
    seconds = time.perf_counter() - t0
    losses = [l for l in trials.losses() if l is not None]
    min_loss = float(min(losses)) if losses else None
    rec.update(
        min_loss=min_loss,
        passed=bool(err is None and min_loss is not None and min_loss < threshold),
        seconds=seconds,
        n_trials=len(trials),
    )
    if err:
        rec["error"] = err
    return rec


def _init_worker(use_local):
    global _USE_LOCAL
    _USE_LOCAL = use_local


def main(argv=None):
    global _USE_LOCAL
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--algos", default="tpe,anneal")
    ap.add_argument("--domains", default=",".join(DOMAINS))
    ap.add_argument("--seeds", type=int, default=20, help="number of seeds S")
    ap.add_argument("--first-seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--local-domains", action="store_true", help="use this file's copies of the domains")
    ap.add_argument("--dump-noise", type=int, metavar="K", help="print the first K default_rng(123) normals and exit")
    args = ap.parse_args(argv)

    if args.dump_noise is not None:
        r = np.random.default_rng(123)
        print(json.dumps({"generator": "numpy default_rng(123)", "standard_normal": [float(r.normal(0.0, 1.0)) for _ in range(args.dump_noise)]}))
        return 0

    _USE_LOCAL = args.local_domains
    ctors, modname = installed_domains()
    src = "local copies" if (args.local_domains or ctors is None) else modname
    print("[quality] hyperopt %s, numpy %s, domains from %s" % (hyperopt.__version__, np.__version__, src), file=sys.stderr)

    algos = [a for a in args.algos.split(",") if a]
    domains = [d for d in args.domains.split(",") if d]
    for d in domains:
        if d not in DOMAINS:
            ap.error("unknown domain %r (known: %s)" % (d, ",".join(DOMAINS)))
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    tasks = [(a, d, s) for a in algos for d in domains for s in seeds]

    results = []
    if args.jobs > 1:
        with mp.Pool(args.jobs, initializer=_init_worker, initargs=(args.local_domains,)) as pool:
            for rec in pool.imap_unordered(run_one, tasks):
                print(json.dumps(rec), flush=True)
                results.append(rec)
    else:
        for t in tasks:
            rec = run_one(t)
            print(json.dumps(rec), flush=True)
            results.append(rec)

    for a in algos:
        for d in domains:
            rs = [r for r in results if r["algo"] == a and r["domain"] == d]
            if not rs:
                continue
            mins = [r["min_loss"] if r["min_loss"] is not None else math.inf for r in rs]
            print(
                json.dumps(
                    {
                        "impl": "hyperopt",
                        "algo": a,
                        "domain": d,
                        "summary": True,
                        "pass_rate": sum(r["passed"] for r in rs) / len(rs),
                        "median_min_loss": statistics.median(mins),
                        "seeds": len(rs),
                        "mean_seconds": statistics.mean(r["seconds"] for r in rs),
                        "max_evals": rs[0]["max_evals"],
                        "threshold": rs[0]["threshold"],
                        "errors": sum("error" in r for r in rs),
                    }
                ),
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
