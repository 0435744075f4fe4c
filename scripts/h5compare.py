#!/usr/bin/env python3
"""Compares two apmsim results files: the same groups, datasets and attributes, with every
number equal bit for bit (NaN equals NaN). Provenance attributes that say how a file was made
rather than what it holds (command_line, elapsed_seconds, device) are ignored unless --strict.

With --tolerance REL (a GPU run against a CPU run: the devices add in another order) the
per-replication tallies (/tallies/values, from --write-tallies) must have equal counts and sums
within REL relative, cell by cell; every other float dataset is derived from those sums (means,
standard errors, contract money, rates) and must agree within --derived REL' (default 1e-9) of
the largest magnitude in that dataset, since a difference of two sums can amplify a relative
error. Each category's largest difference is printed.

usage: h5compare.py A.h5 B.h5 [--strict] [--ignore NAME ...] [--tolerance REL [--derived REL']]
exit code 0 when equal (or within tolerance), 1 with a list of differences otherwise.
"""
import argparse
import sys

import h5py
import numpy as np

PROVENANCE = {"command_line", "elapsed_seconds", "device"}
#: Tally fields that are counts (engine/model.cpp, tally_field_names): exact on every backend.
COUNT_FIELDS = ("units", "any_cost", "catastrophic")
COUNT_SUFFIXES = (".eligible", ".measured", ".achieved", ".achieved_true")


def is_count_field(name):
    return name in COUNT_FIELDS or name.endswith(COUNT_SUFFIXES)


def same(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    if a.dtype.kind == "f":
        return a.tobytes() == b.tobytes()  # bit for bit, NaN payloads included
    return np.array_equal(a, b)


class Tolerance:
    """How far floats may differ, and the largest differences seen (for the report)."""

    def __init__(self, tallies, derived):
        self.tallies, self.derived = tallies, derived
        self.worst = {"tally sums": 0.0, "derived": 0.0}
        self.count_mismatches = 0
        self.tally_cells = 0
        self.differing_cells = 0

    def tally_values(self, a, b, fields, where, diffs):
        a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
        if a.shape != b.shape:
            diffs.append(f"{where}: shapes {a.shape} and {b.shape}")
            return
        counts = np.array([is_count_field(f) for f in fields])
        self.tally_cells += a.size
        self.differing_cells += int(np.count_nonzero(a != b))
        ca, cb = a[..., counts], b[..., counts]
        bad = int(np.count_nonzero(ca != cb))
        if bad:
            self.count_mismatches += bad
            diffs.append(f"{where}: {bad} counts differ")
        sa, sb = a[..., ~counts], b[..., ~counts]
        scale = np.maximum(np.abs(sa), np.abs(sb))
        rel = np.divide(np.abs(sa - sb), scale, out=np.zeros_like(scale), where=scale > 0)
        worst = float(rel.max()) if rel.size else 0.0
        self.worst["tally sums"] = max(self.worst["tally sums"], worst)
        if worst > self.tallies:
            diffs.append(f"{where}: sums differ by up to {worst:.3g} relative (allowed {self.tallies:g})")

    def derived_values(self, a, b, where, diffs):
        a, b = np.asarray(a), np.asarray(b)
        if a.shape != b.shape or a.dtype != b.dtype:
            diffs.append(f"{where}: shapes or types differ")
            return
        if a.dtype.kind != "f":
            if not np.array_equal(a, b):
                diffs.append(f"{where}: values differ")
            return
        nan_a, nan_b = np.isnan(a), np.isnan(b)
        if not np.array_equal(nan_a, nan_b):
            diffs.append(f"{where}: NaN in different places")
            return
        fa, fb = a[~nan_a], b[~nan_b]
        if fa.size == 0:
            return
        inf = np.isinf(fa) | np.isinf(fb)
        if not np.array_equal(fa[inf], fb[inf]):
            diffs.append(f"{where}: infinities differ")
            return
        fa, fb = fa[~inf], fb[~inf]
        scale = float(np.max(np.maximum(np.abs(fa), np.abs(fb)))) if fa.size else 0.0
        worst = float(np.max(np.abs(fa - fb))) / scale if scale > 0 else 0.0
        self.worst["derived"] = max(self.worst["derived"], worst)
        if worst > self.derived:
            diffs.append(f"{where}: differs by {worst:.3g} of its largest value (allowed {self.derived:g})")


def compare(a, b, ignore, tolerance=None):
    diffs = []

    def attrs(x, y, where):
        keys = (set(x.attrs) | set(y.attrs)) - ignore
        for k in sorted(keys):
            if k not in x.attrs or k not in y.attrs:
                diffs.append(f"{where} attribute {k}: only in {'first' if k in x.attrs else 'second'}")
            elif not same(x.attrs[k], y.attrs[k]):
                diffs.append(f"{where} attribute {k}: {x.attrs[k]!r} != {y.attrs[k]!r}")

    def walk(x, y, where):
        attrs(x, y, where)
        if isinstance(x, h5py.Dataset) or isinstance(y, h5py.Dataset):
            if not (isinstance(x, h5py.Dataset) and isinstance(y, h5py.Dataset)):
                diffs.append(f"{where}: dataset in one file only")
            elif tolerance is None:
                if not same(x[()], y[()]):
                    diffs.append(f"{where}: values differ")
            elif where == "/tallies/values":
                fields = [f.decode() if isinstance(f, bytes) else str(f) for f in a["tallies/fields"][()]]
                tolerance.tally_values(x[()], y[()], fields, where, diffs)
            else:
                tolerance.derived_values(x[()], y[()], where, diffs)
            return
        for k in sorted(set(x) | set(y)):
            if k not in x or k not in y:
                diffs.append(f"{where}/{k}: only in {'first' if k in x else 'second'}".replace("//", "/"))
            else:
                walk(x[k], y[k], f"{where}/{k}".replace("//", "/"))

    walk(a, b, "/")
    return diffs


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("--strict", action="store_true", help="compare provenance attributes too")
    p.add_argument("--ignore", action="append", default=[], help="an attribute name to ignore")
    p.add_argument("--tolerance", type=float, help="tally sums within this relative difference; counts exact")
    p.add_argument("--derived", type=float, default=1e-9,
                   help="with --tolerance: other floats within this share of their dataset's largest value")
    args = p.parse_args()
    ignore = set(args.ignore) | (set() if args.strict else PROVENANCE)
    if args.tolerance is not None:
        ignore |= {"backend"}  # the two runs are on different backends by design
    tolerance = Tolerance(args.tolerance, args.derived) if args.tolerance is not None else None
    with h5py.File(args.a, "r") as a, h5py.File(args.b, "r") as b:
        if tolerance is not None and "tallies" not in a:
            print(f"{args.a} has no /tallies: run with --write-tallies to compare sums and counts")
            return 1
        diffs = compare(a, b, ignore, tolerance)
    for d in diffs[:50]:
        print(d)
    if tolerance is not None:
        print(f"tallies: {tolerance.tally_cells} cells, {tolerance.differing_cells} not bit-identical, "
              f"{tolerance.count_mismatches} counts differ; largest relative difference of sums "
              f"{tolerance.worst['tally sums']:.3g}; derived figures within "
              f"{tolerance.worst['derived']:.3g} of their datasets' largest values")
    if diffs:
        print(f"{len(diffs)} differences between {args.a} and {args.b}")
        return 1
    how = "within tolerance" if tolerance is not None else "identical"
    print(f"{args.a} and {args.b} are {how} (ignoring {', '.join(sorted(ignore)) or 'nothing'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
