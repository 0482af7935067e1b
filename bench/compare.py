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
    def cells(rows):
        return {(r["n_trials"], r["n_params"]): r["seconds"] for r in rows if "seconds" in r and "metric" not in r}

    def memory(rows):
        return {r["n_params"]: r["value"] for r in rows if r.get("metric") == "bytes_per_trial"}

    h, p = cells(hopt_rows), cells(ref_rows)
    ref_name = next((f"hyperopt {r['version']}" for r in ref_rows if "version" in r), "reference")
    print(f"TPE suggestion latency, one new trial (median seconds per call); reference: {ref_name}")
    print(f"{'trials':>8} {'params':>6} {'hopt':>12} {'reference':>12} {'speed-up':>10}")
    for key in sorted(set(h) | set(p), key=lambda k: (k[1], k[0])):
        hs, ps = h.get(key), p.get(key)
        ratio = f"{ps / hs:9.0f}x" if hs and ps else "-"
        print(f"{key[0]:>8} {key[1]:>6} {hs or float('nan'):12.6f} {ps or float('nan'):12.6f} {ratio:>10}")
    print("\ncost growth from 1,000 to 10,000 trials (linear = 10x):")
    for params in sorted({k[1] for k in h}):
        for name, t in (("hopt", h), ("reference", p)):
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
        print(f"\ntarget >= 100x at 1,000 trials x 4 params: {target[1] / target[0]:.0f}x ({verdict})")


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
