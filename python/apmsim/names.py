"""The names the Results accessors take (tables, analyses, quantities, rows, variants), and the
error a wrong one raises: it says which names are valid, so a typo never reads as an empty table."""
from __future__ import annotations

import difflib
from typing import Dict, Iterable, Optional, Sequence, Tuple

#: Summary tables by calendar year (`Results.summary`): name -> what a row is.
SUMMARY_TABLES: Dict[str, str] = {
    "portfolio": "the portfolio: rows `participants` and `all`",
    "provider": "one row per provider",
    "region": "one row per region",
}

#: Contract tables (`Results.contract`), present with a [contract]: name -> what a row is.
CONTRACT_TABLES: Dict[str, str] = {
    "portfolio": "the participants' totals (row `participants`), by performance year and agreement",
    "provider": "one row per participant provider",
    "headline": "the agreement's headline figures (row `participants`)",
}

#: Analysis tables (`Results.analysis`), present where the scenario's [analysis] asks for them.
ANALYSIS_TABLES: Dict[str, Tuple[str, ...]] = {
    "withhold": ("forfeit", "earn_share_distribution", "solved_rate", "provider"),
    "benchmark": ("methods", "optimal_weight"),
    "threshold": ("rates", "msr"),
    "risk": ("net_result", "specific_layers", "aggregate_layers", "stop_loss_exhibit", "corridor_bands"),
    "cash": ("position", "worst_point", "present_value", "repayment_mechanism"),
}

#: The rows that stand for the whole portfolio, in the order `compare` looks for them.
PORTFOLIO_ROWS: Tuple[str, ...] = ("portfolio", "participants", "all")


class UnknownNameError(KeyError):
    """A table, analysis, quantity, row, column, variant or provider name the file does not have.
    A KeyError; its message lists the valid names (also in `valid`)."""

    def __init__(self, message: str, name: object = None, valid: Sequence[object] = ()):
        super().__init__(message)
        self.name, self.valid = name, list(valid)

    def __str__(self) -> str:  # KeyError would print the message quoted, as a key
        return str(self.args[0])


def listing(names: Iterable[object]) -> str:
    """'a', 'b', 'c' (names as Python would quote them)."""
    return ", ".join(repr(n) for n in names)


def unknown(what: str, name: object, valid: Sequence[object], where: str = "", note: str = "") -> UnknownNameError:
    """The error for `name` not among `valid`: "no contract table 'providers' (did you mean
    'provider'?); valid: 'portfolio', 'provider', 'headline'". `where` follows the name
    (" in summary/base/headline"), `note` ends the message."""
    close = difflib.get_close_matches(str(name), [str(v) for v in valid], n=1)
    text = f"no {what} {name!r}{where}" + (f" (did you mean {close[0]!r}?)" if close else "")
    text += f"; valid: {listing(valid)}" if valid else "; this file has none"
    return UnknownNameError(text + (f". {note}" if note else ""), name, valid)


def check(what: str, name: object, valid: Sequence[object], where: str = "", note: str = "") -> None:
    """Raises `unknown(...)` unless `name` is one of `valid`."""
    if name not in valid:
        raise unknown(what, name, valid, where, note)


def portfolio_row(rows: Sequence[str]) -> Optional[str]:
    """The row standing for the portfolio (`portfolio`, `participants`, `all`), the only row of a
    one-row table, else None."""
    for name in PORTFOLIO_ROWS:
        if name in rows:
            return name
    return rows[0] if len(rows) == 1 else None
