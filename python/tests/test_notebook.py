"""The package as a notebook and an editor see it: Results shows as a compact, escaped HTML
summary, and the wheel carries py.typed, so type checkers read the package's annotations."""
import copy
import os
import shutil
import subprocess
import sys
import zipfile

import pytest

from conftest import ROOT


def test_repr_html_summarises_the_file(files):
    r = files["mssp_aco"]
    page = r._repr_html_()
    assert "<b>mssp_aco</b>" in page
    for v in r.variants:
        assert v in page
    assert ">12<" in page and ">2.7<" in page and ">3<" in page  # replications, format, seed
    for name in ("contract_portfolio", "headline", "net_result", "stop_loss_exhibit", "msr", "records", "tallies"):
        assert f"<code>{name}</code>" in page, name
    assert len(page) < 5000
    # One variant, no contract: no list, no analyses.
    d = files["default"]._repr_html_()
    assert "<code>base</code>" in d and "analysis" not in d


def test_repr_html_escapes_every_text(files):
    r = copy.copy(files["default"])
    r.variants = ["rate=<b>0.2</b>", "a&b"]
    r.scenario = 'name = "<script>alert(1)</script>"\n'
    r.path = "/tmp/<i>.h5"
    page = r._repr_html_()
    assert "<script>" not in page and "<i>" not in page and "<b>0.2" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "rate=&lt;b&gt;0.2&lt;/b&gt;" in page and "a&amp;b" in page and "/tmp/&lt;i&gt;.h5" in page


def test_the_wheel_carries_py_typed(tmp_path):
    pytest.importorskip("setuptools")
    pytest.importorskip("wheel")
    assert os.path.isfile(os.path.join(ROOT, "python", "apmsim", "py.typed"))
    source = tmp_path / "python"
    shutil.copytree(os.path.join(ROOT, "python"), source,
                    ignore=shutil.ignore_patterns("tests", "build", "*.egg-info", "__pycache__"))
    build = ("import sys; from setuptools import build_meta; "
             "print(build_meta.build_wheel(sys.argv[1]))")
    done = subprocess.run([sys.executable, "-c", build, str(tmp_path / "dist")], cwd=source,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    wheel = tmp_path / "dist" / done.stdout.strip().splitlines()[-1]
    with zipfile.ZipFile(wheel) as z:
        assert "apmsim/py.typed" in z.namelist()
