"""Per-trial overhead of fmin from Python: hopt's binding against hyperopt.

fmin with a trivial objective (the loss is the point) for N trials on
in-memory Trials, with rand and with tpe, wall time per trial. hopt runs in
this interpreter, hyperopt in --ref-python (a child process that runs one
fmin per request), and their runs alternate, so that both see the same load
on a shared machine. Prints the median of the repetitions and the ratio.

    python bench/python_overhead.py --ref-python build/venv-ref/bin/python
"""
import argparse
import json
import statistics
import subprocess
import sys
import time

ALGOS = ("rand", "tpe")


def load(impl):
    if impl == "hopt":
        import hopt as lib
    else:
        import logging

        import hyperopt as lib

        logging.getLogger("hyperopt").setLevel(logging.ERROR)
    return lib


def run_once(lib, algo_name, trials_n, seed):
    """Seconds per trial of one fmin."""
    import numpy as np

    trials = lib.Trials()
    start = time.perf_counter()
    lib.fmin(lambda x: x, lib.hp.uniform("x", -5, 5), algo=getattr(lib, algo_name).suggest, max_evals=trials_n,
             trials=trials, rstate=np.random.default_rng(seed), show_progressbar=False)
    elapsed = time.perf_counter() - start
    assert len(trials.trials) == trials_n
    return elapsed / trials_n


def serve(impl):
    """Answer requests "algo trials seed" on stdin with seconds per trial."""
    lib = load(impl)
    for line in sys.stdin:
        algo, n, seed = line.split()
        print(run_once(lib, algo, int(n), int(seed)), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--serve", choices=["hopt", "hyperopt"], help=argparse.SUPPRESS)
    ap.add_argument("--trials", type=int, default=1000)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--ref-python", required=False, help="an interpreter that imports hyperopt")
    args = ap.parse_args()
    if args.serve:
        return serve(args.serve)
    if not args.ref_python:
        ap.error("--ref-python is needed to compare with hyperopt")
    hopt = load("hopt")
    ref = subprocess.Popen([args.ref_python, __file__, "--serve", "hyperopt"], stdin=subprocess.PIPE,
                           stdout=subprocess.PIPE, text=True)
    ours = {a: [] for a in ALGOS}
    theirs = {a: [] for a in ALGOS}
    for rep in range(args.reps):
        for algo in ALGOS:
            ours[algo].append(run_once(hopt, algo, args.trials, rep))
            ref.stdin.write("%s %d %d\n" % (algo, args.trials, rep))
            ref.stdin.flush()
            theirs[algo].append(float(ref.stdout.readline()))
    ref.stdin.close()
    ref.wait()
    print("fmin wall time per trial: trivial objective, %d trials, in-memory Trials, median of %d alternating runs"
          % (args.trials, args.reps))
    print("%-6s %12s %15s %8s" % ("algo", "hopt (us)", "hyperopt (us)", "ratio"))
    for algo in ALGOS:
        a, b = statistics.median(ours[algo]) * 1e6, statistics.median(theirs[algo]) * 1e6
        print("%-6s %12.1f %15.1f %7.0fx" % (algo, a, b, b / a))


if __name__ == "__main__":
    main()
