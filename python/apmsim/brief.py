"""The scenario in brief: its contract and analyses as terms a person reads ("Shared savings: 50%
above a 2% minimum savings rate"), not key = value dumps. Anything this module does not know is
still listed, under its key with the underscores read as spaces, so nothing is hidden.
"""
from __future__ import annotations

from typing import Dict, List, Tuple

Term = Tuple[str, str]

#: The plural a person says for each `unit` of docs/scenario-reference.md.
UNIT_PLURAL = {"episode": "episodes", "patient_year": "patients"}


def unit_word(doc: dict) -> str:
    """What the scenario's providers count: "episodes", "patients", or both ("episodes or patients")."""
    units = sorted({str(g.get("unit", "patient_year")) for g in _groups(doc)}) or ["patient_year"]
    return " or ".join(UNIT_PLURAL.get(u, u.replace("_", " ") + "s") for u in units)


def _groups(doc: dict) -> List[dict]:
    groups = doc.get("provider_group", doc.get("providers", []))
    return groups if isinstance(groups, list) else []


def _pct(x) -> str:
    try:
        value = float(x) * 100
    except (TypeError, ValueError):
        return str(x)
    return f"{value:.3g}%"


def _num(x) -> str:
    try:
        value = float(x)
    except (TypeError, ValueError):
        return str(x)
    return f"{value:,.0f}" if value == int(value) else f"{value:,.4g}"


def _words(key: str) -> str:
    return key.replace("_", " ").replace(".", ": ")


def _plain(value) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{_words(k)} {_plain(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return _num(value) if isinstance(value, (int, float)) else str(value)


def population(doc: dict) -> List[Term]:
    terms: List[Term] = []
    sim = doc.get("simulation", {})
    if sim:
        terms.append(("Years", f"{sim.get('baseline_years', '?')} baseline, "
                               f"{sim.get('performance_years', '?')} performance"
                      + (f"; cost trend {_pct(sim['trend'])} a year" if "trend" in sim else "")))
    strata = doc.get("stratum", [])
    if strata:
        terms.append(("Population", f"{len(strata)} strata: " + ", ".join(
            f"{s.get('name')} {float(s.get('share', 0)):.0%}" for s in strata)))
    groups = _groups(doc)
    if groups:
        def size(g):
            unit = UNIT_PLURAL.get(str(g.get("unit", "patient_year")), "units")
            if "panel_size" in g:
                return f"{_num(g['panel_size'])} {unit}"
            if "volume" in g:
                return f"about {_num(g['volume'])} {unit} a year"
            return unit
        terms.append(("Providers", f"{sum(int(g.get('count', 1)) for g in groups)} in {len(groups)} groups: "
                      + "; ".join(f"{g.get('name')}: {g.get('count', 1)} of {size(g)}"
                                  + ("" if g.get("participant", True) else " (not participating)")
                                  for g in groups)))
    regions = doc.get("region", [])
    if regions:
        terms.append(("Regions", ", ".join(str(x.get("name")) for x in regions)))
    return terms


def _benchmark(b: dict) -> str:
    method = str(b.get("method", "historical")).replace("_", " ")
    parts = [f"{method} benchmark"]
    if "baseline_weights" in b:
        parts.append("baseline years weighted " + ", ".join(_pct(w) if float(w) < 1 else _num(w)
                                                            for w in b["baseline_weights"]))
    if "regional_weight" in b and "regional_weight_below" not in b:
        parts.append(f"regional weight {_pct(b['regional_weight'])}")
    if "regional_weight_below" in b:
        parts.append(f"regional weight {_pct(b['regional_weight_below'])} below the region, "
                     f"{_pct(b.get('regional_weight_above', 0))} above")
    if "regional_adjustment_cap" in b:
        parts.append(f"regional adjustment capped at {_pct(b['regional_adjustment_cap'])} of national cost")
    if "assumed_trend" in b:
        parts.append(f"trended at {_pct(b['assumed_trend'])} a year")
    elif "trend" in b:
        parts.append(f"trend {_plain(b['trend'])}")
    if b.get("risk_adjust"):
        parts.append("risk adjusted" + (f" (risk growth capped at {_pct(b['risk_growth_cap'])})"
                                        if "risk_growth_cap" in b else ""))
    if "truncate_at" in b:
        parts.append(f"costs truncated at {_num(b['truncate_at'])}")
    if "truncate_percentile" in b:
        parts.append(f"costs truncated at the {_pct(b['truncate_percentile'])} percentile")
    if "discount" in b:
        parts.append(f"discounted {_pct(b['discount'])}")
    if "repayment_discount" in b:
        parts.append("repayment discount " + ", ".join(_pct(x) for x in b["repayment_discount"]) + " by year")
    return "; ".join(parts)


def _sharing(s: dict) -> List[Term]:
    msr = s.get("minimum_savings_rate", 0)
    msr_text = ("CMS's MSSP table by size" if msr == "mssp" else
                "a size-based rate" if msr == "size_based" else f"a {_pct(msr)} minimum savings rate")
    first = " (from the first dollar)" if s.get("first_dollar") else ""
    terms = [("Shared savings", f"{_pct(s.get('savings_rate', 0))} above {msr_text}{first}"
              + (f", capped at {_pct(s['savings_cap'])} of the benchmark" if "savings_cap" in s else ""))]
    loss = float(s.get("loss_rate", 0) or 0)
    if loss:
        mlr = s.get("minimum_loss_rate", 0)
        terms.append(("Shared losses", f"{_pct(loss)} beyond a {_pct(mlr)} minimum loss rate"
                      + (f", capped at {_pct(s['loss_cap'])} of the benchmark" if "loss_cap" in s else "")))
    else:
        terms.append(("Shared losses", "none (upside only)"))
    extra = []
    if s.get("quality_scaled"):
        extra.append("savings scaled by the quality score")
    if "sequestration" in s:
        extra.append(f"{_pct(s['sequestration'])} sequestration of savings payments")
    if "confidence" in s:
        extra.append(f"confidence {_plain(s['confidence'])}")
    known = {"minimum_savings_rate", "first_dollar", "savings_rate", "savings_cap", "loss_rate",
             "minimum_loss_rate", "loss_cap", "quality_scaled", "sequestration", "confidence"}
    extra += [f"{_words(k)} {_plain(v)}" for k, v in s.items() if k not in known]
    if extra:
        terms.append(("Sharing details", "; ".join(extra)))
    return terms


def contract(doc: dict) -> List[Term]:
    c = doc.get("contract")
    if not isinstance(c, dict):
        return [("Contract", "none: the population only")]
    unit = unit_word(doc)
    base = {"ffs": "fee for service", "capitation": "capitation", "fee": "a fee per unit"}.get(
        str(c.get("base", "ffs")), str(c.get("base")))
    terms: List[Term] = [("Payment", f"{base}" + (f"; reconciled from {_num(c['min_units'])} {unit} a year"
                                                   if float(c.get("min_units", 0) or 0) else ""))]
    if "quality_gate" in c:
        terms.append(("Quality gate", f"no shared savings below a quality score of {_pct(c['quality_gate'])}"))
    if isinstance(c.get("benchmark"), dict):
        terms.append(("Benchmark", _benchmark(c["benchmark"])))
    if isinstance(c.get("sharing"), dict):
        terms += _sharing(c["sharing"])
    for band in c.get("corridor", []) or []:
        terms.append(("Risk corridor", f"between {_pct(band.get('lower'))} and {_pct(band.get('upper'))} "
                                       f"of the budget, {_pct(band.get('share', 1))} borne by the provider"))
    if isinstance(c.get("stop_loss"), dict):
        sl = c["stop_loss"]
        terms.append(("Stop-loss", f"cost above {_num(sl.get('attachment'))} per unit covered"
                      + (f", {_pct(sl['coinsurance'])} coinsurance" if float(sl.get("coinsurance", 0) or 0) else "")
                      + (f"; premium {_num(sl['premium'])} per unit" if "premium" in sl else "")))
    if isinstance(c.get("withhold"), dict):
        w = c["withhold"]
        terms.append(("Withhold", f"{_pct(w.get('rate', 0))} of payment held back, earned back on quality"
                      + (f" ({_plain(w['scoring'])} from {_pct(w['floor'])} to {_pct(w['target'])})"
                         if "floor" in w and "target" in w else "")))
    quality = c.get("quality")
    if isinstance(quality, dict) and isinstance(quality.get("measures"), dict):
        terms.append(("Quality measures", ", ".join(f"{_words(k)} ({_plain(v)})" for k, v in quality["measures"].items())))
    years = c.get("year", [])
    if years:
        terms.append(("Year by year", "; ".join(
            f"year {y.get('year')}: " + ", ".join(_words(k) for k in y if k != "year") for y in years)))
    known = {"base", "min_units", "quality_gate", "benchmark", "sharing", "corridor", "stop_loss", "withhold",
             "quality", "year"}
    terms += [(_words(k).capitalize(), _plain(v)) for k, v in c.items() if k not in known]
    return terms


def sweep(doc: dict) -> List[Term]:
    s = doc.get("sweep")
    if not isinstance(s, dict) or not s:
        return []
    return [("Sweep", "; ".join(f"{str(k).replace('contract.', '').replace('.', ' ').replace('_', ' ')}: {_plain(v)}" for k, v in s.items()))]


def analyses(doc: dict) -> List[Term]:
    a = doc.get("analysis")
    if not isinstance(a, dict):
        return []
    terms: List[Term] = []
    unit = unit_word(doc)
    t = a.get("threshold")
    if isinstance(t, dict):
        terms.append(("Threshold analysis", f"minimum {unit} " + ", ".join(_num(x) for x in t.get("min_units", []))
                      + (f"; false reward kept at {_pct(t['alpha'])}" if "alpha" in t else "")
                      + (f"; a true effect of {_pct(t['target_effect'])}" if "target_effect" in t else "")))
    w = a.get("withhold")
    if isinstance(w, dict):
        terms.append(("Withhold analysis", "; ".join(f"{_words(k)} {_pct(v)}" for k, v in w.items())))
    r = a.get("risk")
    if isinstance(r, dict):
        text = f"premium loading {_pct(r.get('loading', 0))}"
        layers = r.get("aggregate_layers")
        if layers:
            text += "; aggregate layers " + ", ".join(
                f"{_pct(x.get('limit'))} in excess of {_pct(x.get('attach'))}" for x in layers)
        terms.append(("Risk analysis", text))
    return terms


def terms(doc: dict) -> Dict[str, List[Term]]:
    """The scenario in brief, by heading."""
    return {"Population and providers": population(doc), "Contract": contract(doc) + sweep(doc),
            "Analyses": analyses(doc)}
