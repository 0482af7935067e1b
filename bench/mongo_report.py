#!/usr/bin/env python3
"""Tables of bench/run_mongo_throughput.sh from its JSON lines (bench_mongo_throughput,
bench_mongo_raw_bound, bench/ref/mongo_hyperopt.py, bench_mongo_driver_cpu):

    mongo_report.py FILE.jsonl...

Where a configuration was measured more than once, the median is shown. Standard library only.
"""
import json
import statistics
import sys


def load(paths):
    rows = []
    for p in paths:
        with open(p) as f:
            rows += [json.loads(line) for line in f if line.strip().startswith("{")]
    return rows


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(v, spec="7.1f"):
    return format(v, spec) if v is not None else " " * (int(spec.split(".")[0]) - 1) + "-"


def label(r):
    if r["impl"] == "raw":
        return "raw loop, leaner protocol (--lean)" if r.get("variant") == "lean" else "raw driver loop (bound)"
    if r["impl"] == "hopt":
        iso = "in-process" if r["isolation"] == "none" else "process/trial"
        return f"hopt {r['algo']}, {iso}"
    v = r["variant"]
    return {
        "tutorial": "hyperopt tutorial (queue 1, subproc.)",
        "queue": "hyperopt queue=N, subproc.",
        "queue-nosub": "hyperopt queue=N, --no-subprocesses",
        "poll0.1": "hyperopt queue=N, nosub, fmin poll 0.1s",
    }[v]


ORDER = ["raw driver loop (bound)", "raw loop, leaner protocol (--lean)", "hopt rand, in-process", "hopt rand, process/trial", "hopt tpe, in-process",
         "hopt tpe, process/trial", "hyperopt tutorial (queue 1, subproc.)", "hyperopt queue=N, subproc.",
         "hyperopt queue=N, --no-subprocesses", "hyperopt queue=N, nosub, fmin poll 0.1s"]


def throughput(rows, index):
    tp = [r for r in rows if r.get("bench") == "mongo_throughput" and bool(r.get("id_index", False)) == index]
    if not tp:
        return None
    cells, extra = {}, {}
    for r in tp:
        cells.setdefault((label(r), r["workers"]), []).append(r["trials_per_s"])
        extra.setdefault((label(r), r["workers"]), []).append(r)
    workers = sorted({r["workers"] for r in tp})
    names = [n for n in ORDER if any((n, w) in cells for w in workers)]
    med = {k: median(v) for k, v in cells.items()}
    trials = {}
    for r in tp:
        trials.setdefault(label(r), set()).add(r["trials"])
    title = ("FerretDB with the _id index its lookups can use (bench/mongo_ferretdb_id_index.py)" if index
             else "FerretDB 1.24 (SQLite) as it is")
    print(f"\nTrials per second, trivial objective, {title}")
    print(f"{'':42}" + "".join(f"{str(w) + ' worker' + ('s' if w > 1 else ''):>11}" for w in workers) + "   trials")
    for n in names:
        print(f"{n:42}" + "".join(f"{fmt(med.get((n, w)), '11.2f')}" for w in workers)
              + "   " + ",".join(str(t) for t in sorted(trials[n])))

    def ratio_line(num, den, what):
        vals = [(w, med.get((num, w)), med.get((den, w))) for w in workers]
        if not any(a and b for _, a, b in vals):
            return None
        cells_ = "".join(f"{(a / b if a and b else float('nan')):10.2f}x" for _, a, b in vals)
        print(f"{what:42}{cells_}")
        return [a / b for _, a, b in vals if a and b]

    print()
    r_raw = ratio_line("hopt rand, in-process", "raw driver loop (bound)", "hopt in-process / raw bound")
    r_raw_p = ratio_line("hopt rand, process/trial", "raw driver loop (bound)", "hopt process/trial / raw bound")
    ratio_line("hopt tpe, in-process", "raw driver loop (bound)", "hopt tpe in-process / raw bound")
    ratio_line("raw loop, leaner protocol (--lean)", "raw driver loop (bound)", "leaner protocol / raw bound")
    r_tut = ratio_line("hopt rand, process/trial", "hyperopt tutorial (queue 1, subproc.)",
                       "hopt process / hyperopt tutorial")
    r_q = ratio_line("hopt rand, process/trial", "hyperopt queue=N, subproc.", "hopt process / hyperopt queue=N")
    r_best = ratio_line("hopt rand, in-process", "hyperopt queue=N, --no-subprocesses",
                        "hopt in-proc. / hyperopt q=N nosub")
    ratio_line("hopt rand, in-process", "hyperopt queue=N, nosub, fmin poll 0.1s", "hopt in-proc. / hyperopt poll 0.1")

    print("\nper trial, median over worker counts: server commands | CPU ms: server, driver, workers")
    for n in names:
        rs = [r for k, v in extra.items() if k[0] == n for r in v]
        cmds = median([r["commands_per_trial"]["total"] for r in rs])
        detail = {k: median([r["commands_per_trial"].get(k, 0) for r in rs]) for k in
                  ("find", "insert", "update", "delete", "findAndModify", "count", "other")}
        dcpu = median([r.get("driver_cpu_ms_per_trial", r.get("client_cpu_ms_per_trial")) for r in rs])
        print(f"  {n:40} {cmds:5.1f} ({', '.join(f'{k} {v:.1f}' for k, v in detail.items() if v)})"
              f" | {fmt(median([r['server_cpu_ms_per_trial'] for r in rs]), '6.1f')}"
              f" {fmt(dcpu, '6.2f')} {fmt(median([r.get('workers_cpu_ms_per_trial') for r in rs]), '6.2f')}")
    dup = [r for r in tp if r["impl"] == "hyperopt" and r.get("evaluations", 0) > r["done"]]
    if dup:
        print("  hyperopt evaluated some trials twice (0.2.7 reserves with findAndModify, not atomic on FerretDB): "
              + ", ".join(f"{r['variant']}/{r['workers']}w {r['evaluations']} runs for {r['done']}" for r in dup))
    return {"raw": r_raw, "raw_process": r_raw_p, "tutorial": r_tut, "queue": r_q, "best": r_best}


def driver_cpu(rows):
    dc = [r for r in rows if r.get("bench") == "mongo_driver_cpu"]
    if not dc:
        return None
    print("\nDriver CPU per trial against stored trials (fmin rand adds trials; 2 in-process workers)")
    print(f"{'server':10} {'stored':>7} {'added':>6} {'trials/s':>9} {'driver ms':>10} {'idle poll ms':>13} "
          f"{'server ms':>10} {'cmds':>6} {'open s':>7}")
    verdicts = {}
    for index in (False, True):
        sub = sorted((r for r in dc if bool(r["id_index"]) == index), key=lambda r: r["stored"])
        for r in sub:
            print(f"{'+_id index' if index else 'as it is':10} {r['stored']:7d} {r['added']:6.0f} {r['trials_per_s']:9.2f} "
                  f"{r['driver_cpu_ms_per_trial']:10.2f} {r['refresh_cpu_ms']:13.2f} {r['server_cpu_ms_per_trial']:10.1f} "
                  f"{r['commands_per_trial']['total']:6.1f} {r['open_seconds']:7.2f}")
        if len(sub) >= 2:
            lo, hi = sub[0], sub[-1]
            g = hi["driver_cpu_ms_per_trial"] / lo["driver_cpu_ms_per_trial"]
            gs = hi["server_cpu_ms_per_trial"] / lo["server_cpu_ms_per_trial"]
            gp = hi["refresh_cpu_ms"] / lo["refresh_cpu_ms"] if lo["refresh_cpu_ms"] > 0 else float("nan")
            print(f"{'':10} growth {lo['stored']} -> {hi['stored']}: driver CPU/trial {g:.1f}x, idle poll CPU {gp:.1f}x, "
                  f"server CPU/trial {gs:.1f}x")
            verdicts[index] = g
    return verdicts


def main():
    rows = load(sys.argv[1:])
    if not rows:
        raise SystemExit("no results")
    v = [r for r in rows if r.get("impl") == "hyperopt"]
    if v:
        print(f"reference: Python hyperopt {v[0]['version']} with pymongo {v[0]['pymongo']}")
    t = throughput(rows, False)
    throughput(rows, True)
    d = driver_cpu(rows)
    print("\nTargets")
    if t and t["raw"]:
        worst = min(t["raw"])
        print(f"  hopt >= 50% of the raw bound (in-process workers): worst {100 * worst:.0f}% -> "
              f"{'met' if worst >= 0.5 else 'NOT met'}")
    if t and t["raw_process"]:
        worst = min(t["raw_process"])
        print(f"  ... with a process per trial (hopt's default):   worst {100 * worst:.0f}% -> "
              f"{'met' if worst >= 0.5 else 'NOT met'}")
    if t and t["tutorial"]:
        worst = min(t["tutorial"])
        print(f"  hopt >= 20x hyperopt, both as the tutorial runs them: worst {worst:.0f}x -> "
              f"{'met' if worst >= 20 else 'NOT met'}")
    if t and t["queue"]:
        worst = min(t["queue"])
        print(f"  ... hyperopt with max_queue_len = workers:         worst {worst:.0f}x -> "
              f"{'met' if worst >= 20 else 'NOT met'}")
    if t and t["best"]:
        worst = min(t["best"])
        print(f"  ... best vs best (in-process both, queue = workers): worst {worst:.0f}x -> "
              f"{'met' if worst >= 20 else 'NOT met'}")
    if d:
        for index, g in d.items():
            print(f"  driver CPU per trial, largest vs smallest store ({'+_id index' if index else 'as it is'}): "
                  f"{g:.1f}x -> {'met' if g <= 2 else 'NOT met'} (target <= 2x)")


if __name__ == "__main__":
    main()
