"""A results file at a glance, as HTML for notebooks (Results._repr_html_): every text escaped."""
from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, List, Tuple

if TYPE_CHECKING:
    from .results import Results

#: Variants listed in full up to this many; more fold into a <details> list.
VARIANTS_SHOWN = 8


def _names(names: List[str]) -> str:
    return ", ".join(f"<code>{escape(n)}</code>" for n in names)


def _variants(variants: List[str]) -> str:
    items = "".join(f"<li><code>{escape(v)}</code></li>" for v in variants)
    if len(variants) == 1:
        return f"<code>{escape(variants[0])}</code>"
    if len(variants) <= VARIANTS_SHOWN:
        return f"{len(variants)}<ol style='margin:0'>{items}</ol>"
    return f"<details><summary>{len(variants)}</summary><ol style='margin:0'>{items}</ol></details>"


def _tables(results: "Results") -> str:
    lines = [f"summary: {_names(results.summary_tables())}"]
    lines += [f"analysis <code>{escape(a)}</code>: {_names(t)}" for a, t in results.analyses().items()]
    stored = [name for name, present in (("losses", results.has_losses), ("records", results.has_records),
                                         ("tallies", results.has_tallies)) if present]
    if stored:
        lines.append(f"per replication: {_names(stored)}")
    return "<br>".join(lines)


def results_html(results: "Results") -> str:
    """A compact table: scenario, file, variants, replications, seed, format, backend, tables."""
    info = results.info
    rows: List[Tuple[str, str]] = [
        ("scenario", f"<b>{escape(results.scenario_name)}</b>"),
        ("file", f"<code>{escape(results.path)}</code>"),
        ("variants", _variants(results.variants)),
        ("replications", escape(f"{info.get('replications'):,}" if isinstance(info.get("replications"), int)
                                else str(info.get("replications")))),
        ("seed", escape(str(info.get("seed", "")))),
        ("years", escape(f"{info.get('baseline_years')} baseline, {info.get('performance_years')} performance")),
        ("format", escape(results.format_version)),
        ("backend", escape(str(info.get("device") or info.get("backend") or ""))),
        ("tables", _tables(results)),
    ]
    body = "".join(f"<tr><th style='text-align:left;vertical-align:top'>{k}</th>"
                   f"<td style='text-align:left'>{v}</td></tr>" for k, v in rows)
    return f"<div class='apmsim-results'><table><caption style='text-align:left'>apmsim.Results</caption>{body}</table></div>"
