"""Malformed but correctly stamped results files (malformed_cases.py, the manifest): the C++ reader
(`apmsim summary`, `apmsim export`), `apmsim report` and the Python package refuse each alike, with
exit 2 or FormatError and a one-line message naming the damaged object, never a traceback; and
`apmsim report` maps a bad --out and a full disk to one line and exit 2 or 1."""
import hashlib
import os
import resource
import shutil
import subprocess
import sys

import h5py
import numpy as np
import pytest

import apmsim
from apmsim.validate import SCHEMA

from malformed_cases import CASES

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HEADER_BYTES = 512


def stamp(path):
    """Writes the integrity header again for the bytes after it (src/io/integrity.cpp's layout)."""
    with open(path, "r+b") as f:
        f.seek(HEADER_BYTES)
        body = f.read()
        header = (b"apmsim-results\nsha256 " + hashlib.sha256(body).hexdigest().encode() + b"\nbytes " +
                  str(len(body)).encode() + b"\nThis block precedes an HDF5 file; apmsim checks the digest "
                  b"before reading it.\n")
        f.seek(0)
        f.write(header.ljust(HEADER_BYTES, b"\0"))


@pytest.fixture(scope="module")
def damaged(files, tmp_path_factory):
    """Every case of the manifest as a file: {name: (path, text the messages must contain)}."""
    folder = tmp_path_factory.mktemp("malformed")
    source = files["mssp_aco"]
    other = str(folder / "other.h5")
    with h5py.File(other, "w") as f:
        f["rows"] = np.array([b"someone else's data"])
    ctx = {"variant": source.variants[0], "other": other,
           "quantity": source.quantities(f"summary/{source.variants[0]}/portfolio")["quantity"][0]}
    made = {}
    for name, _, names, edit in CASES:
        path = str(folder / f"{name}.h5")
        shutil.copyfile(source.path, path)
        with h5py.File(path, "r+") as f:
            edit(f, ctx)
        stamp(path)
        made[name] = (path, names.format(**ctx))
    return made


def test_the_manifest_names_each_case_once():
    names = [c[0] for c in CASES]
    assert len(names) == len(set(names)) >= 35


def test_a_restamped_copy_of_a_good_file_is_read(files, tmp_path):
    path = str(tmp_path / "copy.h5")
    shutil.copyfile(files["mssp_aco"].path, path)
    with h5py.File(path, "r+") as f:
        f.attrs["note"] = "added by hand: readers ignore what they do not know"
    stamp(path)
    assert apmsim.open(path).variants == files["mssp_aco"].variants
    done = subprocess.run([apmsim.find_apmsim(), "summary", path], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def one_line_refusal(done, names, what):
    assert done.returncode == 2, f"{what}: exit {done.returncode}\n{done.stderr[-3000:]}"
    assert "Traceback" not in done.stderr, f"{what}:\n{done.stderr[-3000:]}"
    assert names in done.stderr, f"{what} does not name {names!r}: {done.stderr}"
    assert len(done.stderr.strip().splitlines()) == 1, f"{what}: {done.stderr}"


@pytest.mark.parametrize("case", [c[0] for c in CASES])
def test_every_reader_refuses_a_malformed_file(damaged, tmp_path, case):
    path, names = damaged[case]
    with pytest.raises(apmsim.FormatError) as error:
        apmsim.open(path)
    assert names in str(error.value)
    cli = apmsim.find_apmsim()
    one_line_refusal(subprocess.run([cli, "summary", path], capture_output=True, text=True), names, "summary")
    one_line_refusal(subprocess.run([cli, "export", path, "--out", str(tmp_path / "export")],
                                    capture_output=True, text=True), names, "export")
    out = tmp_path / "report.html"
    one_line_refusal(subprocess.run([cli, "report", path, "--out", str(out), "--no-plots"],
                                    capture_output=True, text=True), names, "report")
    assert not os.listdir(tmp_path)


def test_the_schema_lists_what_the_cpp_reader_reads():
    """The schema and src/io/read.cpp name the same root attributes and datasets."""
    with open(os.path.join(ROOT, "src", "io", "read.cpp"), encoding="utf-8") as f:
        reader = f.read()
    root = SCHEMA["root"]
    for name in list(root["attributes"]) + list(root["optional_attributes"]):
        assert f'"{name}"' in reader or name == "format", name
    for spec in SCHEMA["optional_groups"].values():
        for name in spec["datasets"]:
            assert f'"{name}"' in reader, name
    for name in SCHEMA["summary"]["providers"]["datasets"]:
        assert f'"{name}"' in reader, name


def report(args, **kw):
    return subprocess.run([sys.executable, "-m", "apmsim", "report", *args], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python")), **kw)


@pytest.mark.parametrize("where", ["folder", "under_a_file", "unwritable"])
def test_report_refuses_a_bad_out_in_one_line(plain, tmp_path, where):
    (tmp_path / "a_file").write_text("x")
    out = {"folder": str(tmp_path), "under_a_file": str(tmp_path / "a_file" / "report.html"),
           "unwritable": "/proc/apmsim-report.html"}[where]
    done = report([plain.path, "--out", out, "--no-plots"])
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert out in done.stderr


def test_report_on_a_full_disk_leaves_nothing(plain, tmp_path):
    """A file size limit (the way hardening.disk_full fills a disk): exit 1, one line, no .partial."""
    out = tmp_path / "report.html"

    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))

    done = report([plain.path, "--out", str(out), "--no-plots"], preexec_fn=limit)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "cannot write" in done.stderr
    assert os.listdir(tmp_path) == []
