#!/usr/bin/env python3
"""Gives a scenario's population Medicare's four enrollment types (issue 1/7, item 4).

Rewrites, in place, a scenario whose population has the four health strata of default.toml
(healthy, chronic, multimorbid, complex) into the same health strata within each of the enrollment
types MSSP computes its benchmarks in (42 CFR 425.602(a)(2)): aged/non-dual (the original names),
aged/dual (`_dual`), disabled (`_disabled`) and ESRD (one stratum, `esrd`), 13 strata in all.

Where the numbers come from (scripts/data/mssp_puf_2018.json, derived by scripts/mssp_puf.py from
CMS's PY2018 county-level FFS benchmark file and ACO PUF):
  - Cost levels: each type's stratum means are the aged/non-dual means times the type's national
    per-capita FFS expenditure over aged/non-dual's (county file, 2018: aged/dual 17,244 / 10,173,
    disabled 11,158 / 10,173, ESRD 85,402 / 10,173), all scaled by one factor so that the national
    population's mean cost per unit is what it was (the original calibration's level).
  - Mix: the strata's `share` (comparison populations: the region's FFS population) is the county
    file's national person-year mix by type (ESRD 1.04%, disabled 14.2%, aged/dual 9.2%, aged/non-dual
    75.6%) times the original health mix; every provider group gets a `case_mix` with an ACO type
    mix (the PUF's pooled assigned mix: 0.75% / 11.5% / 6.4% / 81.3%), and with --vary-mix the groups
    cycle through the pooled mix, a dual- and disabled-heavy mix and an aged-heavy one, spreading
    the types' shares across ACOs as the PUF does (sd across ACOs of the dual share 8.1 points,
    disabled 6.5, ESRD 0.5).
  - ESRD: one stratum, p_any 1, cv 0.5, the complex stratum's catastrophic add-on; members reach it
    from each type's complex stratum at 0.5% a year (ESRD incidence among the sickest; with 5% deaths
    the ESRD share stays near 1%). Risk scores: the health strata keep theirs (mean one within each
    type, as CMS normalises each type's HCC score); ESRD 1.0.

    /usr/bin/python3 scripts/medicare_types.py scenarios/mssp_aco.toml --vary-mix
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HEALTH = ["healthy", "chronic", "multimorbid", "complex"]
TYPES = [("aged_non_dual", "", "AGED/NON-DUAL"), ("aged_dual", "_dual", "AGED/DUAL"),
         ("disabled", "_disabled", "DISABLED")]
ESRD_FROM_COMPLEX = 0.005
NOTES = {"healthy": "no or one well-controlled chronic condition",
         "chronic": "one or two chronic conditions (hypertension, diabetes, COPD, ...)",
         "multimorbid": "three or more chronic conditions, frequent admissions",
         "complex": "active cancer, advanced heart failure, last year of life"}
ESRD_CV = 0.5


def type_mixes(puf: dict) -> dict[str, dict[str, float]]:
    national = puf["national_fee_for_service"]["person_year_share"]
    aco = puf["enrollment_mix"]["pooled_person_year_share"]
    # A dual- and disabled-heavy ACO and an aged-heavy one, about one PUF sd either side.
    heavy = {"ESRD": 0.012, "DISABLED": 0.19, "AGED/DUAL": 0.15}
    light = {"ESRD": 0.004, "DISABLED": 0.06, "AGED/DUAL": 0.02}
    for m in (heavy, light):
        m["AGED/NON-DUAL"] = 1.0 - sum(m.values())
    norm = lambda m: {k: v / sum(m.values()) for k, v in m.items()}  # noqa: E731
    return {"national": norm(national), "aco": norm(aco), "heavy": heavy, "light": light}


def fmt(x: float) -> str:
    s = f"{x:.6g}"
    return s if ("." in s or "e" in s) else s + ".0"


def stratum_block(name: str, src: dict, share: float, enrollment: str, mean_factor: float,
                  transition: dict[str, float], comment: str) -> str:
    lines = ["[[stratum]]", f'name = "{name}"' + (f"   # {comment}" if comment else ""),
             f"share = {share:.9f}", f'enrollment = "{enrollment}"', f"p_any = {fmt(src['p_any'])}",
             f"mean = {fmt(round(src['mean'] * mean_factor, 1))}", f"cv = {fmt(src['cv'])}",
             f"cat_prob = {fmt(src['cat_prob'])}", f"cat_scale = {fmt(src['cat_scale'])}",
             f"cat_shape = {fmt(src['cat_shape'])}", f"risk_score = {fmt(src['risk_score'])}"]
    if transition:
        lines.append("transition = { " + ", ".join(f"{k} = {fmt(v)}" for k, v in transition.items()) + " }")
    return "\n".join(lines) + "\n"


def expected_cost(st: dict) -> float:
    """E[cost] of a stratum: p_any * mean + cat_prob * Pareto mean (the engine's grid cap aside)."""
    shape = st["cat_shape"]
    return st["p_any"] * st["mean"] + st["cat_prob"] * st["cat_scale"] * shape / (shape - 1.0)


def rewrite(path: Path, vary_mix: bool) -> None:
    text = path.read_text()
    doc = tomllib.loads(text)
    strata = {s["name"]: s for s in doc["stratum"]}
    if sorted(strata) != sorted(HEALTH):
        raise SystemExit(f"{path}: expected the strata {HEALTH}, got {list(strata)}")
    puf = json.loads((REPO / "scripts/data/mssp_puf_2018.json").read_text())
    cost = puf["national_fee_for_service"]["per_capita_expenditure"]
    mixes = type_mixes(puf)
    health_share = {h: strata[h]["share"] for h in HEALTH}
    ratio = {key: cost[key] / cost["AGED/NON-DUAL"] for key in cost}
    # One factor keeps the national population's mean cost: E = sum_type share_t ratio_t E_an.
    national = mixes["national"]
    weight = sum(national[k] * ratio[k] for k in ratio)
    factor = 1.0 / weight
    e_an = sum(health_share[h] * expected_cost(strata[h]) for h in HEALTH)
    esrd_src = dict(strata["complex"], p_any=1.0, cv=ESRD_CV, risk_score=1.0)
    # ESRD's body mean such that its expected cost is ratio_ESRD * factor * E_an.
    esrd_target = ratio["ESRD"] * factor * e_an
    esrd_src["mean"] = esrd_target - (expected_cost(esrd_src) - esrd_src["mean"])

    blocks = []
    for tname, suffix, key in TYPES:
        for h in HEALTH:
            src = strata[h]
            trans = {f"{k}{suffix}": v for k, v in src.get("transition", {}).items()}
            if h == "complex":
                trans["esrd"] = ESRD_FROM_COMPLEX
            comment = NOTES[h] if not suffix else ""
            blocks.append(stratum_block(f"{h}{suffix}", src, national[key] * health_share[h], tname,
                                        factor * ratio[key], trans, comment))
    blocks.append(stratum_block("esrd", esrd_src, national["ESRD"], "esrd", 1.0, {},
                                "end-stage renal disease: dialysis or a transplant"))
    header = ("# Strata: default.toml's four health strata within each of Medicare's enrollment types\n"
              "# (scripts/medicare_types.py: cost levels and mixes from CMS's PY2018 county file and\n"
              "# ACO PUF). mean and cv describe the lognormal body given any cost, before frailty.\n")
    first = re.search(r"^\[\[stratum\]\]$", text, flags=re.M).start()  # not in a comment
    start = text.rfind("\n\n", 0, first) + 2  # the comment block above the first stratum goes too
    end = re.search(r"^\[patients\]$", text, flags=re.M).start()
    text = text[:start] + header + "\n".join(blocks) + "\n" + text[end:]

    # Measures: a list of health strata now means those strata in every type (ESRD with complex).
    def expand(match: re.Match) -> str:
        names = re.findall(r'"([^"]+)"', match.group(1))
        out = [f"{n}{suffix}" for _, suffix, _ in TYPES for n in names]
        if "complex" in names:
            out.append("esrd")
        return "strata = [" + ", ".join(f'"{n}"' for n in out) + "]"
    text = re.sub(r"^strata = \[([^\]]*)\]", expand, text, flags=re.M)

    # Provider groups: a case_mix over the 13 strata, the group's health mix within the ACO type mix.
    groups = doc.get("provider_group", [])
    profiles = ["aco", "heavy", "light"] if vary_mix else ["aco"]
    out, pos, g = [], 0, 0
    for m in re.finditer(r"^\[\[provider_group\]\]\n", text, flags=re.M):
        out.append(text[pos:m.end()])
        pos = m.end()
    out.append(text[pos:])
    parts = out
    for i in range(1, len(parts)):
        grp = groups[i - 1]
        hm = grp.get("case_mix", health_share)
        tm = mixes[profiles[(i - 1) % len(profiles)]]
        mix = {}
        for tname, suffix, key in TYPES:
            for h in HEALTH:
                mix[f"{h}{suffix}"] = tm[key] * hm[h]
        mix["esrd"] = tm["ESRD"]
        total = sum(mix.values())
        line = ("case_mix = { " + ", ".join(f"{k} = {v / total:.9f}" for k, v in mix.items()) + " }"
                f"   # ACO type mix: {profiles[(i - 1) % len(profiles)]}")
        body = parts[i]
        if re.search(r"^case_mix = .*$", body, flags=re.M):
            body = re.sub(r"^case_mix = .*$", line, body, count=1, flags=re.M)
        else:
            body = re.sub(r"^(name = .*)$", r"\1\n" + line.replace("\\", "\\\\"), body, count=1, flags=re.M)
        parts[i] = body
    path.write_text("".join(parts))
    print(f"{path}: 13 strata; cost factor {factor:.4f}; ESRD mean {esrd_src['mean']:.0f}", file=sys.stderr)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("scenario", nargs="+", type=Path)
    p.add_argument("--vary-mix", action="store_true", help="cycle the groups through three ACO type mixes")
    a = p.parse_args()
    for path in a.scenario:
        rewrite(path, a.vary_mix)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
