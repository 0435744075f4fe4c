"""Checks that an open results file holds what a reader needs, as strictly as the C++ reader
(src/io/read.cpp): the format and its major version, every required attribute and dataset with its
type and shape, and no link to another object or file. The rules are data, in
results_schema.json; a file that breaks one raises FormatError naming the file and the object.
"""
from __future__ import annotations

import hashlib
import json
import os
from typing import Dict, List, Optional

import h5py
import numpy as np

#: The schema (results_schema.json beside this module).
SCHEMA = json.load(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "results_schema.json"),
                        encoding="utf-8"))

#: The integer types: (least, most).
INTEGERS = {"uint8": (0, 2**8 - 1), "int32": (-2**31, 2**31 - 1), "uint32": (0, 2**32 - 1),
            "uint64": (0, 2**64 - 1)}


class FormatError(ValueError):
    """The file is not an apmsim results file this package reads (or it is damaged)."""


class _Check:
    """The checks of one file; `fail` raises FormatError naming it and an object in it."""

    def __init__(self, f: h5py.File, path: str):
        self.f = f
        self.path = path

    def fail(self, where: str, what: str) -> None:
        raise FormatError(f"{self.path}: {where}: {what}")

    # --- objects ---------------------------------------------------------------------------

    def refuse_links(self) -> None:
        """Every link in the file is a hard link: the file holds its data itself (H5Lvisit)."""
        kinds = {h5py.h5l.TYPE_SOFT: "a soft link", h5py.h5l.TYPE_EXTERNAL: "an external link"}

        def look(name: bytes, info):
            if info.type != h5py.h5l.TYPE_HARD:
                return name, info.type  # stops the visit (raising inside it is not allowed)
            return None

        found = self.f.id.links.visit(look, info=True)
        if found is not None:
            self.fail("/" + found[0].decode("utf-8", "replace"),
                      f"is {kinds.get(found[1], 'a user-defined link')}; a results file holds its data "
                      "itself, and apmsim does not follow links to other objects or files")

    def _member(self, parent: h5py.Group, name: str, kind: type, word: str, other: str):
        """`parent[name]`, which must be a `kind` (FormatError naming it otherwise)."""
        where = f"{parent.name.rstrip('/')}/{name}"
        member = parent.get(name)
        if member is None:
            self.fail(where, f"missing {word}")
        if not isinstance(member, kind):
            self.fail(where, f"expected a {word}, found a {other}")
        return member

    def group(self, parent: h5py.Group, name: str) -> h5py.Group:
        return self._member(parent, name, h5py.Group, "group", "dataset")

    def dataset(self, parent: h5py.Group, name: str) -> h5py.Dataset:
        return self._member(parent, name, h5py.Dataset, "dataset", "group")

    # --- values ----------------------------------------------------------------------------

    def values(self, where: str, type_class: int, shape, read, kind: str, need: bool = True):
        """The values of an attribute or dataset of `kind` (a schema type), checked; strings and
        floating-point numbers only counted unless `need`."""
        if kind in ("string", "strings"):
            if type_class != h5py.h5t.STRING:
                self.fail(where, "expected strings, found another type")
            if kind == "string" and int(np.prod(shape or ())) != 1:
                self.fail(where, "expected one string")
            if kind == "strings" and len(shape or ()) != 1:
                self.fail(where, "expected a one-dimensional list of strings")
            if not need:
                return range(int(np.prod(shape or ())))
            values = np.asarray(read(), dtype=object).ravel()
            try:
                return [v.decode("utf-8") if isinstance(v, bytes) else str(v) for v in values]
            except UnicodeDecodeError:
                self.fail(where, "text that is not UTF-8")
        if type_class not in (h5py.h5t.INTEGER, h5py.h5t.FLOAT):
            self.fail(where, "expected numbers, found another type")
        if kind in INTEGERS:
            if type_class != h5py.h5t.INTEGER:
                self.fail(where, "expected integers, found floating-point numbers")
            values = np.asarray(read()).ravel()
            least, most = INTEGERS[kind]
            for v in values:
                if not least <= int(v) <= most:
                    self.fail(where, f"value {int(v)} is out of range")
            return [int(v) for v in values]
        return np.asarray(read(), dtype=float).ravel() if need else range(int(np.prod(shape or ())))

    def attribute(self, obj, name: str, kind: str, required: bool = True, need: bool = True):
        """One attribute's value (a scalar for one value), or None when absent and optional."""
        where = f"{obj.name} attribute '{name}'"
        if name not in obj.attrs:
            if required:
                self.fail(obj.name, f"missing attribute '{name}'")
            return None
        attr = h5py.h5a.open(obj.id, name.encode("utf-8"))
        values = self.values(where, attr.get_type().get_class(), attr.shape,
                             lambda: obj.attrs[name], kind, need)
        if len(values) != 1:
            self.fail(where, "expected one value")
        return values[0]

    def attributes(self, obj, spec: Dict[str, str], required: bool = True, need: bool = True) -> Dict[str, object]:
        found = {}
        for name, kind in spec.items():
            value = self.attribute(obj, name, kind, required, need)
            if value is not None:
                found[name] = value
        return found

    def data(self, parent: h5py.Group, name: str, spec: dict, axes: Dict[str, int]):
        """A dataset's values, its type and shape checked; string lists' lengths and shaped
        datasets' axes go into `axes` (an axis seen twice must agree)."""
        ds = self.dataset(parent, name)
        kind = spec["type"]
        shape = ds.shape
        wanted = spec.get("shape")
        if kind == "strings" and shape is not None and len(shape) != 1:
            self.fail(ds.name, "expected a one-dimensional list of strings")
        if wanted is not None:
            if shape is None or len(shape) != len(wanted):
                self.fail(ds.name, f"expected {len(wanted)} dimensions, found {len(shape or ())}")
            for axis, size in zip(wanted, shape):
                if axes.setdefault(axis, size) != size:
                    self.fail(ds.name, f"shape {tuple(shape)} does not match the {axis} ({axes[axis]}) "
                                       f"of {_axes_text(wanted)}")
        values = self.values(ds.name, ds.id.get_type().get_class(), shape, lambda: ds[()], kind,
                             need=kind != "float64")
        if kind == "strings":
            axes.setdefault(name, len(values))
        return values

    def datasets(self, parent: h5py.Group, spec: Dict[str, dict], axes: Dict[str, int]) -> Dict[str, object]:
        # string lists first, so that the shapes naming them find their lengths
        order = sorted(spec, key=lambda n: spec[n]["type"] != "strings")
        return {n: self.data(parent, n, spec[n], axes) for n in order}

    # --- the file --------------------------------------------------------------------------

    def format(self) -> None:
        root = self.f
        fmt = root.attrs.get("format")
        try:
            fmt = self.attribute(root, "format", "string", required=False) if fmt is not None else None
        except FormatError:
            self.fail("/", "cannot read the 'format' attribute, so this is a damaged file or not an apmsim "
                           "results file")
        if fmt != SCHEMA["format"]:
            raise FormatError(f"{self.path}: not an apmsim results file ("
                              + ("no 'format' attribute" if fmt is None else f"format is {fmt!r}") + ")")
        if "format_version" not in root.attrs:
            raise FormatError(f"{self.path}: apmsim results file without a 'format_version' attribute")
        attr = h5py.h5a.open(root.id, b"format_version")
        version = self.values("/ attribute 'format_version'", attr.get_type().get_class(), attr.shape,
                              lambda: root.attrs["format_version"], "int32")
        if len(version) != 2:
            self.fail("/ attribute 'format_version'", "must hold two numbers (major, minor)")
        major, minor = version
        if major != SCHEMA["format_major"]:
            age = "newer" if major > SCHEMA["format_major"] else "older"
            raise FormatError(f"{self.path}: format version {major}.{minor} is {age} than this package reads "
                              f"({SCHEMA['format_major']}.x)")

    def root(self) -> None:
        spec = SCHEMA["root"]
        info = self.attributes(self.f, spec["attributes"])
        self.attributes(self.f, spec["optional_attributes"], required=False)
        for trigger, more in spec["attributes_with"].items():
            if trigger in self.f.attrs:
                info.update(self.attributes(self.f, dict({trigger: "int32"} if trigger == "shard_count" else {},
                                                         **more)))
        b, p, most = info["baseline_years"], info["performance_years"], SCHEMA["max_years"]
        if b < 1 or p < 1 or b + p > most:
            self.fail("/ attributes 'baseline_years' and 'performance_years'",
                      f"{b} and {p} years (each at least 1, together at most {most})")
        if "shard_count" in info:
            count, index = info["shard_count"], info["shard_index"]
            first, total, reps = info["first_replication"], info["total_replications"], info["replications"]
            if count < 1 or index < 0 or index >= count or first > total or reps > total - first:
                self.fail("/", "the shard attributes are inconsistent")

    def scenario(self) -> None:
        spec = SCHEMA["scenario"]
        parent, name = spec["dataset"].rsplit("/", 1)
        ds = self.dataset(self.group(self.f, parent), name)
        text = self.values(ds.name, ds.id.get_type().get_class(), ds.shape, lambda: ds[()], "string")[0]
        attributes = self.attributes(ds, spec["attributes"])
        if hashlib.sha256(text.encode("utf-8")).hexdigest() != attributes["sha256"]:
            self.fail(ds.name, "the scenario text does not match its sha256 attribute")

    def table(self, parent: h5py.Group, name: str, extra: Optional[Dict[str, str]] = None) -> None:
        spec = SCHEMA["table"]
        g = self.group(parent, name)
        years = self.attributes(g, spec["attributes"])["years"]
        if years < 0:
            self.fail(g.name, "negative 'years' attribute")
        self.attributes(g, spec["optional_attributes"], required=False, need=False)
        self.attributes(g, extra or {}, need=False)
        axes = {"years": years}
        found = self.datasets(g, spec["datasets"], axes)
        optional = {n: s for n, s in spec["optional_datasets"].items() if n in g}
        self.datasets(g, optional, axes)
        q = spec["quantity"]
        for quantity in found["quantities"]:
            if not quantity or "/" in quantity or quantity == ".":
                self.fail(f"{g.name}/quantities", f"{quantity!r} is no quantity name")
            ds = self.dataset(g, quantity)
            self.attributes(ds, q["attributes"], need=False)
            self.attributes(ds, q["optional_attributes"], required=False, need=False)
            for suffix in q["suffixes"]:
                self.data(g, quantity + suffix, {"type": q["type"], "shape": q["shape"]}, axes)

    def summary(self) -> List[str]:
        spec = SCHEMA["summary"]
        top = self.group(self.f, spec["group"])
        variants = [n for n in top if isinstance(top.get(n), h5py.Group)]
        for v in variants:
            g = top[v]
            self.datasets(self.group(g, "providers"), spec["providers"]["datasets"], {})
            for t in spec["tables"]:
                self.table(g, t)
            self.datasets(g, {n: s for n, s in spec["optional_datasets"].items() if n in g}, {})
            if spec["contract_marker"] in g:
                for t in spec["contract_tables"]:
                    self.table(g, t)
        return variants

    def analyses(self, variants: List[str]) -> None:
        spec = SCHEMA["analysis"]
        if spec["group"] not in self.f:
            return
        top = self.group(self.f, spec["group"])
        for analysis in _groups(top):
            for v in variants:
                if v not in top[analysis]:
                    continue
                g = self.group(top[analysis], v)
                for t in _groups(g):
                    self.table(g, t, spec["table_attributes"])

    def optional_groups(self, variants: List[str]) -> None:
        for name, spec in SCHEMA["optional_groups"].items():
            if name not in self.f:
                continue
            top = self.group(self.f, name)
            groups = {"summary": lambda: [self.group(top, v) for v in variants if v in top],
                      "members": lambda: [top[n] for n in _groups(top)],
                      None: lambda: [top]}[spec["variants"]]()
            for g in groups:
                axes: Dict[str, int] = {}
                self.datasets(g, spec["datasets"], axes)
                for trigger, more in spec.get("datasets_with", {}).items():
                    if trigger in g:
                        self.datasets(g, more, axes)
                for axis, most in spec.get("at_most", {}).items():
                    limit = axes.get(most) if isinstance(most, str) else most
                    if axis in axes and limit is not None and axes[axis] > limit:
                        self.fail(g.name, f"implausible shape: {axis} {axes[axis]} exceeds {most} ({limit})")
        for name, spec in SCHEMA["optional_datasets"].items():
            if name in self.f:
                self.data(self.f, name, spec, {})


def _groups(parent: h5py.Group) -> List[str]:
    return [n for n in parent if isinstance(parent.get(n), h5py.Group)]


def _axes_text(axes: List[str]) -> str:
    return "(" + ", ".join(axes) + ")"


def validate(f: h5py.File, path: str) -> None:
    """Raises FormatError unless the open file `f` (at `path`) is a results file a reader takes:
    format and major version, no links, then every required object with its type and shape."""
    check = _Check(f, path)
    check.format()
    check.refuse_links()
    check.root()
    check.scenario()
    variants = check.summary()
    check.analyses(variants)
    check.optional_groups(variants)
