"""Search quality per evaluation: hopt's mtpe and tpe, hyperopt's tpe and
Optuna's default sampler on the same domains, seeds and budgets, in one run.

Every domain is written once (below) and translated to each library's space,
so all four see the same parameters and the same loss function. Searches run
through ask/tell with `--in-flight K` trials outstanding: after a start of K
asks, the loop tells one outstanding trial (chosen by a seeded RNG, as
workers finish in no fixed order) and asks a new one, so every suggestion is
made with K - 1 trials pending, for hopt and Optuna alike. hyperopt has no
ask/tell and runs serially only (K = 1, through fmin).

Output: JSON lines {"algo", "domain", "in_flight", "seed", "best": {budget:
best loss after that many evaluations}, "distinct": whether no two trials
shared a point}. `--summary FILE` prints medians, quartiles and the ratio of
each algorithm's median to Optuna's.

Usage: python bench/search_quality.py [--algos mtpe,tpe,hyperopt,optuna]
         [--domains a,b] [--seeds 20] [--budgets 50,100,200] [--in-flight 1]
         [--jobs N]
Run it with bench/run_search_quality.sh, which builds hopt's Python binding
and uses the pinned reference environment (bench/ref/requirements.txt).
"""
import argparse
import json
import math
import multiprocessing
import random
import sys

# --------------------------------------------------------------- domains
# A space is a list of parameters:
#   ("uniform", name, low, high)      ("loguniform", name, low, high)
#   ("int", name, low, high)          integers, both bounds included
#   ("cat", name, n)                  one of n unordered options (an index)
#   ("branch", name, [params of option 0, params of option 1, ...])
# A loss receives a flat dict name -> value (cat and branch as indices) with
# only the parameters of the chosen branches.


def _sphere(x, shift):
    return sum((xi - si) ** 2 for xi, si in zip(x, shift))


def _vec(p, n):
    return [p["x%d" % i] for i in range(n)]


def sphere(p):
    return _sphere(_vec(p, 4), (1.3, -2.1, 0.7, 3.2))


def rosenbrock(p):
    x = _vec(p, 4)
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(3))


def styblinski_tang(p):
    x = _vec(p, 6)
    return sum(0.5 * (v ** 4 - 16 * v ** 2 + 5 * v) + 39.16616570377142 for v in x)


def rastrigin(p):
    x = _vec(p, 4)
    return 10 * len(x) + sum(v * v - 10 * math.cos(2 * math.pi * v) for v in x)


def ackley(p):
    x = _vec(p, 6)
    n = len(x)
    s1 = sum(v * v for v in x) / n
    s2 = sum(math.cos(2 * math.pi * v) for v in x) / n
    return -20 * math.exp(-0.2 * math.sqrt(s1)) - math.exp(s2) + 20 + math.e


def levy(p):
    x = _vec(p, 6)
    w = [1 + (v - 1) / 4 for v in x]
    s = math.sin(math.pi * w[0]) ** 2
    for wi in w[:-1]:
        s += (wi - 1) ** 2 * (1 + 10 * math.sin(math.pi * wi + 1) ** 2)
    return s + (w[-1] - 1) ** 2 * (1 + math.sin(2 * math.pi * w[-1]) ** 2)


_H6_A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
_H6_P = [[0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886], [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
         [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650], [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381]]
_H6_ALPHA = [1.0, 1.2, 3.0, 3.2]


def hartmann6(p):
    x = _vec(p, 6)
    total = 0.0
    for a, pp, alpha in zip(_H6_A, _H6_P, _H6_ALPHA):
        total += alpha * math.exp(-sum(ai * (xi - pi) ** 2 for ai, xi, pi in zip(a, x, pp)))
    return 3.322368011415515 - total


def branin(p):
    x1, x2 = p["x0"], p["x1"]
    b, c, t = 5.1 / (4 * math.pi ** 2), 5 / math.pi, 1 / (8 * math.pi)
    return (x2 - b * x1 ** 2 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10 - 0.39788735772973816


def q1_lognormal(p):
    # hyperopt's test domain of that name, on a bounded log scale
    return min(0.1 * (p["x"] - 10) ** 2, 10.0)


def q1_choice(p):
    # hyperopt's conditional test domain: the better branch has its own x
    return (p["x_neg"] + 3) ** 2 + 1 if p["o_x"] == 0 else (p["x_pos"] - 3) ** 2


def model_choice(p):
    # A model choice with per-model parameters, shaped like tuning a
    # classifier: each model's error is a smooth bowl in its own parameters
    # (log-scaled ones in log space), with different floors.
    m = p["model"]
    if m == 0:  # svm
        return 0.05 + 0.02 * (math.log10(p["C"]) - 1.5) ** 2 + 0.03 * (math.log10(p["gamma"]) + 2.5) ** 2
    if m == 1:  # forest
        return (0.03 + 0.04 * (math.log(p["n_trees"]) - math.log(300)) ** 2 + 0.002 * (p["depth"] - 12) ** 2
                + 0.05 * (p["max_features"] - 0.35) ** 2)
    return 0.12 + 0.0004 * (p["k"] - 17) ** 2  # knn: never the best


def mixed(p):
    # A categorical optimiser, a log-scaled learning rate whose best value
    # depends on it, integer layers and units, a dropout.
    best_lr = (3e-3, 1e-1, 3e-2, 1e-3)[p["optimizer"]]
    penalty = (0.0, 0.04, 0.02, 0.01)[p["optimizer"]]
    return (penalty + 0.05 * (math.log10(p["lr"]) - math.log10(best_lr)) ** 2 + 0.01 * (p["layers"] - 3) ** 2
            + 0.02 * (math.log2(p["units"]) - 7) ** 2 + 0.2 * (p["dropout"] - 0.2) ** 2)


def _box(n, low, high):
    return [("uniform", "x%d" % i, low, high) for i in range(n)]


DOMAINS = {
    "sphere4": (_box(4, -5, 5), sphere),
    "rosenbrock4": (_box(4, -5, 5), rosenbrock),
    "styblinski6": (_box(6, -5, 5), styblinski_tang),
    "rastrigin4": (_box(4, -5.12, 5.12), rastrigin),
    "ackley6": (_box(6, -32.768, 32.768), ackley),
    "levy6": (_box(6, -10, 10), levy),
    "hartmann6": (_box(6, 0, 1), hartmann6),
    "branin": ([("uniform", "x0", -5, 10), ("uniform", "x1", 0, 15)], branin),
    "q1_lognormal": ([("loguniform", "x", 0.01, 1000)], q1_lognormal),
    "q1_choice": ([("branch", "o_x", [[("uniform", "x_neg", -5, 5)], [("uniform", "x_pos", -5, 5)]])], q1_choice),
    "model_choice": ([("branch", "model", [
        [("loguniform", "C", 1e-3, 1e4), ("loguniform", "gamma", 1e-5, 1e1)],
        [("int", "n_trees", 10, 1000), ("int", "depth", 2, 30), ("uniform", "max_features", 0.05, 1.0)],
        [("int", "k", 1, 50)]])], model_choice),
    "mixed": ([("cat", "optimizer", 4), ("loguniform", "lr", 1e-5, 1.0), ("int", "layers", 1, 8),
               ("int", "units", 16, 1024), ("uniform", "dropout", 0.0, 0.7)], mixed),
}

# --------------------------------------------------------------- translations


def hopt_space(params):
    def node(p):
        kind, name = p[0], p[1]
        if kind == "uniform":
            return {"hp": "uniform", "label": name, "low": p[2], "high": p[3]}
        if kind == "loguniform":
            return {"hp": "loguniform", "label": name, "low": math.log(p[2]), "high": math.log(p[3])}
        if kind == "int":
            return {"hp": "uniformint", "label": name, "low": p[2], "high": p[3]}
        if kind == "cat":
            return {"hp": "choice", "label": name, "options": list(range(p[2]))}
        return {"hp": "choice", "label": name, "options": [hopt_space(b) for b in p[2]]}
    return {"dict": {p[1]: node(p) for p in params}}


def hyperopt_space(params, hp):
    out = {}
    for p in params:
        kind, name = p[0], p[1]
        if kind == "uniform":
            out[name] = hp.uniform(name, p[2], p[3])
        elif kind == "loguniform":
            out[name] = hp.loguniform(name, math.log(p[2]), math.log(p[3]))
        elif kind == "int":
            out[name] = hp.uniformint(name, p[2], p[3])
        elif kind == "cat":
            out[name] = hp.choice(name, list(range(p[2])))
        else:
            out[name] = hp.choice(name, [dict(hyperopt_space(b, hp), **{"__branch_" + name: i})
                                         for i, b in enumerate(p[2])])
    return out


def flatten_point(point):
    flat = {}
    for key, value in point.items():
        if isinstance(value, dict):
            for k2, v2 in flatten_point(value).items():
                if k2.startswith("__branch_"):
                    flat[k2[len("__branch_"):]] = v2
                else:
                    flat[k2] = v2
        else:
            flat[key] = value
    return flat


def optuna_suggest(trial, params, out):
    for p in params:
        kind, name = p[0], p[1]
        if kind == "uniform":
            out[name] = trial.suggest_float(name, p[2], p[3])
        elif kind == "loguniform":
            out[name] = trial.suggest_float(name, p[2], p[3], log=True)
        elif kind == "int":
            out[name] = trial.suggest_int(name, p[2], p[3])
        elif kind == "cat":
            out[name] = trial.suggest_categorical(name, list(range(p[2])))
        else:
            out[name] = b = trial.suggest_categorical(name, list(range(len(p[2]))))
            optuna_suggest(trial, p[2][b], out)
    return out


# --------------------------------------------------------------- searches


def key_of(point):
    return tuple(sorted((k, round(float(v), 12)) for k, v in point.items()))


class Run:
    """Ask/tell with `in_flight` outstanding trials; records the losses."""

    def __init__(self, loss, budget, in_flight, seed):
        self.loss, self.budget, self.in_flight = loss, budget, in_flight
        self.order = random.Random(1000003 * seed + in_flight)
        self.losses, self.points = [], set()
        self.distinct = True

    def drive(self, ask, tell):
        outstanding = []
        asked = 0
        while len(self.losses) < self.budget:
            while len(outstanding) < self.in_flight and asked < self.budget:
                handle, point = ask()
                k = key_of(point)
                if k in self.points:
                    self.distinct = False
                self.points.add(k)
                outstanding.append((handle, point))
                asked += 1
            handle, point = outstanding.pop(self.order.randrange(len(outstanding)))
            value = self.loss(point)
            tell(handle, value)
            self.losses.append(value)


def run_hopt(algo, params, loss, budget, in_flight, seed, settings):
    sys.path.insert(0, settings["hopt_path"])
    from hopt import capi
    space = capi.hopt_space_from_json(json.dumps(hopt_space(params)))
    handle = capi.hopt_algo_new(algo)
    for name, value in settings.get(algo + "_params", {}).items():
        capi.hopt_algo_set(handle, name, float(value))
    trials = capi.hopt_trials_new("bench")
    opt = capi.hopt_optimizer_new(space, handle, trials, seed)
    run = Run(loss, budget, in_flight, seed)

    def ask():
        tid, vals, _ = capi.hopt_ask(opt)
        return tid, json.loads(vals)

    run.drive(ask, lambda tid, value: capi.hopt_tell(opt, tid, value))
    return run


def run_optuna(params, loss, budget, in_flight, seed, settings):
    import optuna
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed))
    run = Run(loss, budget, in_flight, seed)

    def ask():
        trial = study.ask()
        return trial, optuna_suggest(trial, params, {})

    run.drive(ask, lambda trial, value: study.tell(trial, value))
    return run


def run_hyperopt(params, loss, budget, seed):
    import hyperopt
    import numpy as np
    run = Run(loss, budget, 1, seed)

    def objective(point):
        flat = flatten_point(point)
        k = key_of(flat)
        if k in run.points:
            run.distinct = False
        run.points.add(k)
        value = loss(flat)
        run.losses.append(value)
        return value

    hyperopt.fmin(objective, hyperopt_space(params, hyperopt.hp), algo=hyperopt.tpe.suggest, max_evals=budget,
                  trials=hyperopt.Trials(), rstate=np.random.default_rng(seed), show_progressbar=False)
    return run


def one(task):
    algo, domain, in_flight, seed, budgets, settings = task
    params, loss = DOMAINS[domain]
    budget = max(budgets)
    if algo == "optuna":
        run = run_optuna(params, loss, budget, in_flight, seed, settings)
    elif algo == "hyperopt":
        run = run_hyperopt(params, loss, budget, seed)
    else:
        run = run_hopt(algo, params, loss, budget, in_flight, seed, settings)
    best = {str(b): min(run.losses[:b]) for b in budgets}
    return {"algo": settings.get("label", {}).get(algo, algo), "domain": domain, "in_flight": in_flight,
            "seed": seed, "best": best, "distinct": run.distinct}


def quartiles(values):
    v = sorted(values)
    def at(q):
        x = q * (len(v) - 1)
        i = int(x)
        return v[i] if i + 1 >= len(v) else v[i] + (x - i) * (v[i + 1] - v[i])
    return at(0.25), at(0.5), at(0.75)


def summary(path):
    rows = [json.loads(line) for line in open(path) if line.strip()]
    groups = {}
    for r in rows:
        for b, v in r["best"].items():
            groups.setdefault((r["in_flight"], int(b), r["domain"]), {}).setdefault(r["algo"], []).append(v)
    dup = {}
    for r in rows:
        dup.setdefault((r["algo"], r["in_flight"]), [0, 0])
        dup[(r["algo"], r["in_flight"])][0] += 1
        dup[(r["algo"], r["in_flight"])][1] += 0 if r["distinct"] else 1
    algos = sorted({r["algo"] for r in rows}, key=lambda a: ({"mtpe": 0, "tpe": 1, "hyperopt": 2, "optuna": 3}.get(a, 4), a))
    wins = {}
    for (k, b, domain) in sorted(groups):
        g = groups[(k, b, domain)]
        ref = quartiles(g["optuna"])[1] if "optuna" in g else None
        cells = []
        for a in algos:
            if a not in g:
                continue
            q1, med, q3 = quartiles(g[a])
            ratio = ""
            if ref is not None and a != "optuna":
                r = med / ref if ref > 0 else (1.0 if med == 0 else math.inf)
                ratio = " (x%.2f)" % r
                w = wins.setdefault((a, k, b), [0, 0, 0])
                w[0] += 1
                w[1] += r <= 1
                w[2] += r <= 0.5
            cells.append("%s %.4g [%.3g, %.3g]%s" % (a, med, q1, q3, ratio))
        print("in_flight=%d evals=%d %-13s n=%d  %s" % (k, b, domain, len(next(iter(g.values()))), " | ".join(cells)))
    for (a, k, b), (n, le, half) in sorted(wins.items()):
        print("%s in_flight=%d evals=%d: median <= Optuna's on %d/%d domains, <= half on %d" % (a, k, b, le, n, half))
    for (a, k), (n, d) in sorted(dup.items()):
        print("%s in_flight=%d: %d of %d runs had two trials at one point" % (a, k, d, n))


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--summary":
        return summary(sys.argv[2])
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--algos", default="mtpe,tpe,hyperopt,optuna")
    ap.add_argument("--domains", default=",".join(DOMAINS))
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--first-seed", type=int, default=1)
    ap.add_argument("--budgets", default="50,100,200")
    ap.add_argument("--in-flight", default="1", help="comma-separated: 1,8,16")
    ap.add_argument("--jobs", type=int, default=multiprocessing.cpu_count())
    ap.add_argument("--hopt-path", required=True, help="directory holding the hopt Python package")
    ap.add_argument("--mtpe", default="", help="mtpe parameters, name=value,...")
    args = ap.parse_args()
    sys.path.insert(0, args.hopt_path)  # so that hopt's errors reach this process intact
    settings = {"hopt_path": args.hopt_path,
                "mtpe_params": dict(kv.split("=") for kv in args.mtpe.split(",") if kv)}
    budgets = [int(b) for b in args.budgets.split(",")]
    domains = args.domains.split(",")
    for d in domains:
        if d not in DOMAINS:
            ap.error("unknown domain %r (known: %s)" % (d, ", ".join(DOMAINS)))
    tasks = []
    for k in (int(v) for v in args.in_flight.split(",")):
        for algo in args.algos.split(","):
            if algo == "hyperopt" and k != 1:
                continue
            for domain in domains:
                for seed in range(args.first_seed, args.first_seed + args.seeds):
                    tasks.append((algo, domain, k, seed, budgets, settings))
    with multiprocessing.Pool(args.jobs) as pool:
        for result in pool.imap_unordered(one, tasks):
            print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
