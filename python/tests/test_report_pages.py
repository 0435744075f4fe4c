"""The report as pages people read (issue 23, part 2): rendered from the package's Jinja2 templates
with autoescaping (a hostile scenario name stays text), plots that say what data are missing, no
table wider than the page at 1400 px in headless Chromium, and `python -m apmsim report` from a
pip-installed package in a folder without the checkout. With APMSIM_REPORT_SCREENSHOTS=FOLDER the
browser test also writes the screenshots of docs/images/ (report_<scenario>.png)."""
import json
import os
import re
import subprocess
import sys

import pytest

import apmsim
from apmsim import report

from conftest import ROOT
from test_report import browse

HOSTILE = '<script>alert("pwned")</script>'


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """monitor_capitation under a scenario named by a script tag (its `# NAME:` first line)."""
    folder = tmp_path_factory.mktemp("hostile")
    text = open(os.path.join(ROOT, "scenarios", "monitor_capitation.toml"), encoding="utf-8").read()
    scenario = folder / "hostile.toml"
    scenario.write_text(f"# {HOSTILE}: a <b>bold</b> & <img src=x onerror=alert(1)> description\n" + text,
                        encoding="utf-8")
    return apmsim.run(str(scenario), out=str(folder / "hostile.h5"), replications=6, batch_size=3, seed=3,
                      threads=2, progress=False)


def test_template_escapes_a_hostile_scenario_name(hostile, tmp_path):
    assert hostile.scenario_name == HOSTILE
    env = report.environment()
    assert env.autoescape is True or env.autoescape(None) is True
    page = report.write(hostile, str(tmp_path / "hostile.html"), plots=False)
    text = open(page, encoding="utf-8").read()
    assert "<script" not in text and "<img src=x" not in text and "<b>bold</b>" not in text
    assert "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt;" in text
    assert re.search(r"<title>apmsim report: &lt;script&gt;", text)
    assert re.search(r"<h1>apmsim report: &lt;script&gt;", text)


def test_title_is_the_scenarios_own_name(files, tmp_path):
    r = files["mssp_aco"]
    copy = tmp_path / "renamed_file.h5"
    copy.write_bytes(open(r.path, "rb").read())
    text = report.Report(apmsim.open(str(copy)), plots=False).html()
    assert "<title>apmsim report: mssp_aco</title>" in text
    assert "Medicare Shared Savings Program" in text  # its description under the title


def test_scenario_in_brief_reads_as_terms(files):
    text = report.Report(files["mssp_aco"], plots=False).html()
    brief = text[text.index('id="scenario"'):text.index("the scenario file as run")]
    assert "50% above CMS&#39;s MSSP table by size" in brief
    assert "none (upside only)" in brief
    assert "contract.sharing =" not in brief and "savings_rate = " not in brief
    cjr = report.Report(files["cjr_bundle"], plots=False).html()
    assert "Risk corridor" in cjr and "reconciled from 20 episodes a year" in cjr


def test_threshold_section_is_titled_by_the_unit(files):
    assert "Minimum number of episodes" in report.Report(files["cjr_bundle"], plots=False).html()
    assert "Minimum number of patients" in report.Report(files["monitor_capitation"], plots=False).html()


def section(text, name):
    start = text.index(f'<section id="{name}">')
    return text[start:text.index("</section>", start)]


def test_net_result_without_per_replication_data_says_so(files, monkeypatch):
    r = files["mssp_aco"]
    monkeypatch.setattr(r, "has_losses", False)  # as a file before format 2.3, without records
    monkeypatch.setattr(r, "has_records", False)
    risk = section(report.Report(r, max_variants=1).html(), "risk")
    assert 'class="missing"' in risk and "distribution of the net result is not drawn" in risk
    assert "<img" not in risk


def test_benchmark_methods_not_run_are_named_not_drawn(files, monkeypatch):
    r = files["monitor_capitation"]  # a historical benchmark: no comparison population
    bench = section(report.Report(r, max_variants=1).html(), "benchmark")
    assert "<img" in bench and "Not run in this scenario, so not drawn: " in bench
    assert "regional" in bench[bench.index("Not run in this scenario"):]
    monkeypatch.setattr(report.Report, "_methods_run", lambda self, v: [])
    bench = section(report.Report(r, max_variants=1).html(), "benchmark")
    assert "<img" not in bench and "No benchmark method has estimates" in bench


WIDTHS = """<script>addEventListener('load', () => {
  const page = document.documentElement.clientWidth, out = [];
  document.querySelectorAll('table').forEach((t, i) => {
    const box = (t.closest('section') || document.body).getBoundingClientRect();
    const r = t.getBoundingClientRect();
    out.push({i, section: (t.closest('section') || {}).id, right: r.right, scroll: t.scrollWidth,
              width: r.width, limit: box.right});
  });
  const m = document.createElement('pre'); m.id = 'apmsim-widths';
  m.textContent = JSON.stringify({page, document: document.documentElement.scrollWidth, tables: out});
  document.body.appendChild(m);
});</script>"""


def table_widths(page, tmp_path):
    """Each table's right edge and scroll width, measured by Chromium at 1400 px wide."""
    text = open(page, encoding="utf-8").read()
    text = re.sub(r"<meta http-equiv=Content-Security-Policy[^>]*>", "", text).replace("</body>", WIDTHS + "</body>")
    probe = tmp_path / (os.path.basename(page) + ".probe.html")
    probe.write_text(text, encoding="utf-8")
    dom = browse(str(probe), "--window-size=1400,1000", "--virtual-time-budget=3000", "--dump-dom")
    found = re.search(r'<pre id="apmsim-widths">(.*?)</pre>', dom, re.S)
    assert found, "the width probe did not run"
    return json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))


@pytest.mark.parametrize("name", ["mssp_aco", "monitor_capitation", "default"])
def test_no_table_is_wider_than_the_page(files, tmp_path, name):
    page = report.write(files[name], str(tmp_path / f"{name}.html"), max_variants=2)
    widths = table_widths(page, tmp_path)
    assert widths["page"] == 1400
    assert widths["document"] <= widths["page"], "the page scrolls sideways"
    assert widths["tables"], name
    for t in widths["tables"]:
        assert t["right"] <= t["limit"] + 1, (name, t)
        assert t["scroll"] <= t["width"] + 1, (name, t)
    shots = os.environ.get("APMSIM_REPORT_SCREENSHOTS")
    if shots:
        shot = os.path.join(shots, f"report_{name}.png")
        browse(page, f"--screenshot={shot}", "--window-size=1400,2200")
        assert open(shot, "rb").read(8) == b"\x89PNG\r\n\x1a\n"


def test_width_probe_can_fail(tmp_path):
    page = tmp_path / "wide.html"
    page.write_text("<html><body style='max-width:1000px'><section id=s><table><tr>"
                    + "<td style='white-space:nowrap'>" + "x" * 400 + "</td></tr></table></section></body></html>")
    widths = table_widths(str(page), tmp_path)
    assert any(t["right"] > t["limit"] + 1 for t in widths["tables"])


def test_report_from_a_pip_installed_package(files, tmp_path):
    """`python -m apmsim report` from the package installed by pip, in a folder without the checkout."""
    import importlib.util  # found, not imported: setuptools' distutils shim must not load in pytest
    missing = [m for m in ("pip", "setuptools") if importlib.util.find_spec(m) is None]
    if missing:
        pytest.skip(f"{' and '.join(missing)} missing (Debian python3-pip, python3-setuptools): "
                    "cannot install the package here")
    import shutil
    target = tmp_path / "site"
    source = tmp_path / "source"  # a copy: setuptools writes build/ and *.egg-info beside the sources
    shutil.copytree(os.path.join(ROOT, "python"), source,
                    ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__", "tests"))
    install = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                              "--no-build-isolation", "--target", str(target), str(source)],
                             capture_output=True, text=True, timeout=300, cwd=str(tmp_path))
    if install.returncode != 0 and "No module named" in install.stderr:
        pytest.skip(f"pip cannot build here: {install.stderr.strip().splitlines()[-1]}")
    assert install.returncode == 0, install.stderr[-2000:]
    assert (target / "apmsim" / "templates" / "report.html.j2").is_file(), "templates not packaged"
    work = tmp_path / "elsewhere"
    work.mkdir()
    results = work / "mssp_aco.h5"
    results.write_bytes(open(files["mssp_aco"].path, "rb").read())
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "APMSIM")}
    env["PYTHONPATH"] = str(target)
    env["PATH"] = "/usr/bin:/bin"
    where = subprocess.run([sys.executable, "-c", "import apmsim; print(apmsim.__file__)"], capture_output=True,
                           text=True, env=env, cwd=str(work))
    assert where.stdout.startswith(str(target)), where.stdout + where.stderr
    done = subprocess.run([sys.executable, "-m", "apmsim", "report", str(results), "--no-plots"],
                          capture_output=True, text=True, env=env, cwd=str(work), timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    text = (work / "mssp_aco.html").read_text(encoding="utf-8")
    assert "<title>apmsim report: mssp_aco</title>" in text and 'id="precision"' in text
