"""How apmsim writes numbers for people: digits set by the standard error, thousands separators,
money with its currency, fractions as percentages, one set of digits for an estimate and its interval.

The rule (the same as the CLI's text summary): the standard error is shown to two significant
digits, and the estimate and the interval bounds to the same decimal place. Exact quantities (SE 0)
keep the digits their size needs. Money never shows more than cents.
"""
from __future__ import annotations

import math
from typing import Optional, Tuple

def is_money(unit: str) -> bool:
    """Whether values in `unit` are money: "currency", or an amount per some exposure
    ("currency/unit", "currency/provider-year")."""
    return unit == "currency" or unit.startswith("currency/")


def decimals_for(se: float, scale: float = 1.0, most: int = 6, estimate: float = 0.0) -> Optional[int]:
    """Decimal places that show `se * scale` to two significant digits (negative: round to tens,
    hundreds, ...); None when the SE is 0, not finite, or below 1e-12 of the estimate (rounding)."""
    s = abs(se) * scale
    if not math.isfinite(s) or s == 0 or s <= 1e-12 * abs(estimate) * scale:
        return None
    return min(most, 1 - int(math.floor(math.log10(s))))


def _plain(x: float, places: int, separators: bool) -> str:
    if not math.isfinite(x):
        return "-" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    if places < 0:
        x = round(x, places)
        places = 0
    text = f"{x:,.{places}f}" if separators else f"{x:.{places}f}"
    return text[1:] if text.startswith("-") and float(text.replace(",", "")) == 0 else text


def number(x: float, se: float = 0.0, unit: str = "", currency: str = "") -> str:
    """One value in its unit, with the digits its SE allows: 2,567,700,000 USD; 3.64%; 0.412."""
    return interval(x, se, unit=unit, currency=currency)[0]


def places_for(estimate: float, se: float, unit: str = "") -> int:
    """The decimal places `interval` uses for one value (a column of values shares the most)."""
    percent = unit == "fraction"
    money = is_money(unit)
    scale = 100.0 if percent else 1.0
    places = None if residue(estimate, se, unit) else decimals_for(se, scale, estimate=estimate)
    if residue(estimate, se, unit):
        estimate = 0.0
    if places is None:  # exact: enough digits for the value itself, two decimals at most for a share
        magnitude = abs(estimate) * scale
        places = 0 if money and (magnitude >= 100 or magnitude == 0) else (2 if money else _exact_places(magnitude))
        places = min(places, 2) if percent else places
    return min(places, 2) if money else places


def interval(estimate: float, se: float, low: float = float("nan"), high: float = float("nan"),
             unit: str = "", currency: str = "", places: Optional[int] = None) -> Tuple[str, str, str]:
    """(estimate, se, "[low, high]") as text with one set of digits, in the unit: fractions as
    percentages, money with separators (and the currency after the estimate when given).
    `places` overrides the digits (to keep a column's decimals the same)."""
    percent = unit == "fraction"
    money = is_money(unit)
    scale = 100.0 if percent else 1.0
    if places is None:
        places = places_for(estimate, se, unit)
    suffix = "%" if percent else ""
    text = lambda v: _plain(v * scale, places, money or _rounds_to_thousands(v * scale, places)) + suffix  # noqa: E731
    est = text(estimate) + (f" {currency}" if money and currency else "")
    bounds = f"[{text(low)}, {text(high)}]" if math.isfinite(low) and math.isfinite(high) else ""
    if not _estimated(estimate, se, unit):
        bounds = ""
    return est, text(se) if _estimated(estimate, se, unit) else "0" + suffix, bounds


def residue(estimate: float, se: float, unit: str = "") -> bool:
    """Floating-point residue, shown as an exact 0: what sums that cancel leave behind. An amount
    of money and its SE both below half a cent, or any other value and its SE both below 1e-10."""
    tiny = 0.005 if is_money(unit) else 1e-10
    return abs(estimate) < tiny and not (math.isfinite(se) and se >= tiny)


def _estimated(estimate: float, se: float, unit: str = "") -> bool:
    """An SE worth printing: positive, finite and not mere rounding (below 1e-12 of the estimate),
    of a value that is not residue."""
    return (math.isfinite(se) and se > 0 and se > 1e-12 * abs(estimate)
            and not residue(estimate, se, unit))


def estimate(value: float, se: float, unit: str = "", places: Optional[int] = None) -> str:
    """"estimate ± se" (just the estimate when exact), as the CLI's summary prints it; a share is
    in percent without the sign (the column header says %)."""
    if isinstance(value, float) and math.isnan(value):
        return "-"
    est, se_text, _ = interval(value, se, unit=unit, places=places)
    est, se_text = est.rstrip("%"), se_text.rstrip("%")
    return f"{est} ± {se_text}" if _estimated(value, se, unit) else est


def _rounds_to_thousands(x: float, places: int) -> bool:
    return math.isfinite(x) and abs(round(x, places)) >= 1000


def _exact_places(magnitude: float) -> int:
    if magnitude == 0 or not math.isfinite(magnitude):
        return 0
    if magnitude >= 1000:
        return 0
    return min(6, max(0, 3 - int(math.floor(math.log10(magnitude)))))


def signed(text: str) -> str:
    """A '+' on positive amounts (for gains and losses)."""
    return text if text.startswith(("-", "0")) else "+" + text
