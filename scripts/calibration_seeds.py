#!/usr/bin/env python3
"""Checks calibrate's standard errors over several seeds: for each seed, `apmsim sample` draws
1e6 member-years from tests/data/calibrate/truth.toml and `apmsim calibrate` fits them back; for
every parameter shared with the truth the z-score (estimate - truth) / se is collected. Honest
standard errors give z-scores with mean ~0 and sd ~1 (and |z| < 3 nearly always).

usage: scripts/calibration_seeds.py [--seeds N] [--apmsim build/release/apmsim]
prints a table: per parameter the mean and sd of z over seeds, the largest |z|, and the ratio of
the estimates' sd over seeds to the mean reported se.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def truth_values(path):
    with open(path, "rb") as f:
        t = tomllib.load(f)
    strata = t["stratum"]
    names = [s["name"] for s in strata]
    values = {
        "trend": t["simulation"]["trend"],
        "churn": t["patients"]["churn"],
        "frailty_sd": t["patients"]["frailty_sd"],
        "frailty_rho": t["patients"]["frailty_rho"],
    }
    for s in strata:
        values[f"{s['name']}.share"] = s["share"]
        values[f"{s['name']}.p_positive"] = 1 - (1 - s.get("p_any", 1.0)) * (1 - s.get("cat_prob", 0.0))
        for to, p in s.get("transition", {}).items():
            values[f"{s['name']}->{to}"] = p
    return values, names


def body_share(truth_file, fit):
    """The truth's body share of cost, over the data's stratum mix: efficiency scales the body
    only, so what the data identify is efficiency_sd times this share."""
    with open(truth_file, "rb") as f:
        strata = tomllib.load(f)["stratum"]
    rows = {s["name"]: s["rows"] for s in fit["strata"]}
    body = sum(rows[s["name"]] * s.get("p_any", 1.0) * s["mean"] for s in strata)
    addon = sum(rows[s["name"]] * s.get("cat_prob", 0.0) * s.get("cat_scale", 0.0) * s.get("cat_shape", 2.0)
                / (s.get("cat_shape", 2.0) - 1.0) for s in strata)
    return body / (body + addon)


def estimates(fit):
    e = {k: v for k, v in fit["population"].items()}
    for s in fit["strata"]:
        e[f"{s['name']}.share"] = s["estimates"]["share"]
        e[f"{s['name']}.p_positive"] = s["estimates"]["p_positive"]
        for to, v in s["transition"].items():
            e[f"{s['name']}->{to}"] = v
    return e


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", type=int, default=8)
    p.add_argument("--apmsim", default=os.path.join(ROOT, "build", "release", "apmsim"))
    args = p.parse_args()
    truth_file = os.path.join(ROOT, "tests", "data", "calibrate", "truth.toml")
    truth, _ = truth_values(truth_file)
    z, est, ses = {}, {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(1, args.seeds + 1):
            claims, out, fit = (os.path.join(tmp, n) for n in ("claims.csv", "pop.toml", "fit.json"))
            subprocess.run([args.apmsim, "sample", truth_file, "--seed", str(seed), "--out", claims, "--force"],
                           check=True, stderr=subprocess.DEVNULL)
            subprocess.run([args.apmsim, "calibrate", claims, "--out", out, "--force", "--quiet", "--json", fit],
                           check=True, stderr=subprocess.DEVNULL)
            with open(fit) as f:
                report = json.load(f)
            e = estimates(report)
            with open(truth_file, "rb") as f:
                sd = tomllib.load(f)["provider_group"][0]["efficiency_sd"]
            truth["efficiency_sd on total cost"] = sd * body_share(truth_file, report)
            e["efficiency_sd on total cost"] = e["efficiency_sd_empirical"]
            for name, t in truth.items():
                v = e[name]
                if v["se"] is None or v["se"] == 0:
                    continue
                z.setdefault(name, []).append((v["value"] - t) / v["se"])
                est.setdefault(name, []).append(v["value"])
                ses.setdefault(name, []).append(v["se"])
            print(f"seed {seed} done", file=sys.stderr)
    print(f"| parameter | truth | mean z | sd z | max abs z | sd of estimates / mean se |")
    print("| --- | --- | --- | --- | --- | --- |")
    all_z = []
    for name in truth:
        if name not in z:
            continue
        zs = z[name]
        all_z += zs
        n = len(zs)
        m = sum(zs) / n
        sd = math.sqrt(sum((x - m) ** 2 for x in zs) / (n - 1)) if n > 1 else float("nan")
        e = est[name]
        me = sum(e) / n
        sde = math.sqrt(sum((x - me) ** 2 for x in e) / (n - 1)) if n > 1 else float("nan")
        ratio = sde / (sum(ses[name]) / n)
        print(f"| {name} | {truth[name]:g} | {m:+.2f} | {sd:.2f} | {max(abs(x) for x in zs):.2f} | {ratio:.2f} |")
    n = len(all_z)
    m = sum(all_z) / n
    sd = math.sqrt(sum((x - m) ** 2 for x in all_z) / (n - 1))
    within3 = sum(abs(x) <= 3 for x in all_z) / n
    within2 = sum(abs(x) <= 2 for x in all_z) / n
    print(f"\nall {n} z-scores: mean {m:+.3f}, sd {sd:.3f}, |z| <= 2: {within2:.1%}, |z| <= 3: {within3:.1%}")


if __name__ == "__main__":
    main()
