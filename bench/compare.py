#!/usr/bin/env python3
"""Join hopt's and a reference's JSON-lines results and print them side by side.

    compare.py latency HOPT.jsonl REF.jsonl     TPE latency table, ratios, growth, memory
    compare.py quality HOPT.jsonl REF.jsonl     pass rates and median best losses per domain

Standard library only, so it runs wherever the benchmarks do.
"""
import json
import sys


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip().startswith("{")]


def latency(hopt_rows, ref_rows):
    def cells(rows, field="seconds"):
        return {(r["n_trials"], r["n_params"]): r[field] for r in rows if field in r and "metric" not in r}

    def memory(rows):
        return {r["n_params"]: r["value"] for r in rows if r.get("metric") == "bytes_per_trial"}

    h, p = cells(hopt_rows), cells(ref_rows)
    h_cold, h_min, p_min = cells(hopt_rows, "seconds_cold"), cells(hopt_rows, "min_seconds"), cells(ref_rows, "min_seconds")
    ref_name = next((f"hyperopt {r['version']}" for r in ref_rows if "version" in r), "reference")
    print(f"TPE suggestion latency, one new trial; reference: {ref_name}")
    print("  fmin: hopt as fmin calls it (one more trial than the last call); cold: a fresh algorithm object")
    print("  every call, as hyperopt always is; medians, and the ratio of the fastest calls\n")
    print(f"{'trials':>7} {'params':>6} {'hopt fmin':>11} {'hopt cold':>11} {'reference':>11} "
          f"{'x fmin':>7} {'x cold':>7} {'x fastest':>9}")
    for key in sorted(set(h) | set(p), key=lambda k: (k[1], k[0])):
        hs, hc, ps = h.get(key), h_cold.get(key), p.get(key)
        ratio = lambda a, b: f"{b / a:6.0f}x" if a and b else "     -"
        fastest = ratio(h_min.get(key), p_min.get(key))
        nan = float("nan")
        print(f"{key[0]:>7} {key[1]:>6} {hs or nan:11.6f} {hc or nan:11.6f} {ps or nan:11.6f} "
              f"{ratio(hs, ps):>7} {ratio(hc, ps):>7} {fastest:>9}")
    print("\ncost growth from 1,000 to 10,000 trials (linear = 10x):")
    for params in sorted({k[1] for k in h}):
        for name, t in (("hopt fmin", h), ("hopt cold", h_cold), ("reference", p)):
            if (1000, params) in t and (10000, params) in t:
                print(f"  {params:>2} params, {name:>9}: {t[(10000, params)] / t[(1000, params)]:5.1f}x")
    hm, pm = memory(hopt_rows), memory(ref_rows)
    if hm or pm:
        print("\nmemory per stored trial (bytes):")
        for params in sorted(set(hm) | set(pm)):
            print(f"  {params:>2} params: hopt {hm.get(params, float('nan')):8.0f}   reference {pm.get(params, float('nan')):8.0f}")
    target = h.get((1000, 4)), p.get((1000, 4))
    if all(target):
        verdict = "met" if target[1] / target[0] >= 100 else "NOT met"
        cold = h_cold.get((1000, 4))
        extra = f"; cold {target[1] / cold:.0f}x" if cold else ""
        print(f"\ntarget >= 100x at 1,000 trials x 4 params: {target[1] / target[0]:.0f}x as fmin calls it ({verdict}){extra}")


def quality(hopt_rows, ref_rows):
    def summary(rows):
        return {(r["algo"], r["domain"]): r for r in rows if r.get("summary")}

    h, p = summary(hopt_rows), summary(ref_rows)
    print(f"{'algo':>7} {'domain':>14} {'seeds':>6} {'hopt pass':>10} {'ref pass':>9} "
          f"{'hopt median':>12} {'ref median':>11}   at least as often")
    worse = 0
    for key in sorted(set(h) | set(p)):
        hr, pr = h.get(key, {}), p.get(key, {})
        ok = hr and pr and hr["pass_rate"] >= pr["pass_rate"]
        worse += not ok
        print(f"{key[0]:>7} {key[1]:>14} {hr.get('seeds', '-'):>6} {hr.get('pass_rate', float('nan')):10.2f} "
              f"{pr.get('pass_rate', float('nan')):9.2f} {hr.get('median_min_loss', float('nan')):12.4g} "
              f"{pr.get('median_min_loss', float('nan')):11.4g}   {'yes' if ok else 'NO'}")
    print(f"\n{len(set(h) | set(p)) - worse} of {len(set(h) | set(p))} (algo, domain) pairs reach the target "
          "at least as often as the reference")


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("latency", "quality"):
        sys.exit(__doc__)
    {"latency": latency, "quality": quality}[sys.argv[1]](load(sys.argv[2]), load(sys.argv[3]))
