#!/usr/bin/env python3
"""Compares two apmsim results files: the same groups, datasets and attributes, with every
number equal bit for bit (NaN equals NaN). Provenance attributes that say how a file was made
rather than what it holds (command_line, elapsed_seconds, device) are ignored unless --strict.

usage: h5compare.py A.h5 B.h5 [--strict] [--ignore NAME ...]
exit code 0 when equal, 1 with a list of differences otherwise.
"""
import argparse
import sys

import h5py
import numpy as np

PROVENANCE = {"command_line", "elapsed_seconds", "device"}


def same(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    if a.dtype.kind == "f":
        return a.tobytes() == b.tobytes()  # bit for bit, NaN payloads included
    return np.array_equal(a, b)


def compare(a, b, ignore):
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
            elif not same(x[()], y[()]):
                diffs.append(f"{where}: values differ")
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
    args = p.parse_args()
    ignore = set(args.ignore) | (set() if args.strict else PROVENANCE)
    with h5py.File(args.a, "r") as a, h5py.File(args.b, "r") as b:
        diffs = compare(a, b, ignore)
    for d in diffs[:50]:
        print(d)
    if diffs:
        print(f"{len(diffs)} differences between {args.a} and {args.b}")
        return 1
    print(f"{args.a} and {args.b} are identical (ignoring {', '.join(sorted(ignore)) or 'nothing'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
