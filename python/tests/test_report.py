"""The HTML report in a real browser: headless Chromium (Debian `chromium`) renders the reports of
the shipped scenarios; every section is in the DOM with its content, and no request leaves the
file (checked statically, by the page's Content-Security-Policy, and at run time in Chromium's net
log with that policy taken out). A screenshot is written (to $APMSIM_REPORT_SCREENSHOT when set; the
docs/images/report_*.png screenshots come from test_report_pages.py)."""
import html.parser
import json
import os
import re
import shutil
import subprocess

import pytest

from apmsim import report

SECTIONS = ["overview", "answers", "scenario", "money-flows", "variants", "withhold", "benchmark", "threshold",
            "risk", "population", "precision"]
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-default-apps", "--no-first-run",
                  "--disable-features=Translate,OptimizationHints,MediaRouter,SpellCheck"]


def chromium():
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("APMSIM_SKIP_BROWSER") == "1":
            pytest.skip("no chromium and APMSIM_SKIP_BROWSER=1: browser tests skipped")
        pytest.fail("chromium not found: scripts/setup installs it (APMSIM_SKIP_BROWSER=1 skips these tests)")
    return path


def browse(page, *flags, timeout=180):
    done = subprocess.run([chromium(), *CHROMIUM_FLAGS, *flags, f"file://{page}"], capture_output=True,
                          text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


class Sections(html.parser.HTMLParser):
    """Per <section id>: its heading, and how many tables, images and rows it holds."""

    def __init__(self):
        super().__init__()
        self.sections, self.current, self.heading, self.text = {}, None, False, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self.current = attrs.get("id")
            self.sections[self.current] = {"heading": "", "table": 0, "img": 0, "tr": 0, "text": ""}
        elif self.current:
            if tag in ("h1", "h2"):
                self.heading = True
            if tag in ("table", "img", "tr"):
                self.sections[self.current][tag] += 1

    def handle_endtag(self, tag):
        if tag in ("h1", "h2"):
            self.heading = False
        if tag == "section":
            self.current = None

    def handle_data(self, data):
        if self.current:
            if self.heading:
                self.sections[self.current]["heading"] += data
            self.sections[self.current]["text"] += data


@pytest.fixture(scope="module")
def reports(files, tmp_path_factory):
    folder = tmp_path_factory.mktemp("reports")
    out = {}
    for name in ("access_withhold", "mssp_aco", "default"):
        path = str(folder / f"{name}.html")
        report.write(files[name], path, max_variants=3)
        out[name] = path
    return out


def test_every_section_renders(reports):
    for name, path in reports.items():
        parser = Sections()
        parser.feed(browse(path, "--dump-dom"))
        found = parser.sections
        assert list(found) == SECTIONS, name
        for section, content in found.items():
            assert content["heading"].strip(), (name, section)
        assert found["overview"]["text"].count("replications") >= 1
        assert found["precision"]["table"] == 1 and found["precision"]["tr"] > 1
        if name == "default":  # no contract: population plots, analyses say why they are absent
            assert "Not in this run" in found["risk"]["text"]
            assert found["population"]["img"] == 1
            assert found["money-flows"]["img"] == 1
        else:
            for section in ("money-flows", "benchmark", "risk"):
                assert found[section]["table"] >= 1, (name, section)
            assert found["risk"]["img"] >= 1 and found["benchmark"]["img"] >= 1
        if name == "default":
            assert "No contract in this run" in found["answers"]["text"]
        else:  # the answers open the report (issue 23): key figures with intervals, then the quotes
            assert found["answers"]["table"] >= 1
            assert "payer_net_savings" in found["answers"]["text"]
        if name == "access_withhold":
            assert found["withhold"]["table"] >= 3 and found["withhold"]["img"] >= 1
            assert "withhold rate for each target" in found["answers"]["text"]
        if name == "mssp_aco":
            # The stop-loss exhibit, by performance year (issue 2/7): its arrangements are shown.
            assert "stop-loss exhibit" in found["risk"]["text"].lower()
            assert "aggregate break-even" in found["risk"]["text"]
            # a header and 6 variants in each part (wide tables are split to fit the page)
            assert found["variants"]["tr"] == found["variants"]["table"] * (1 + 6)
            assert found["threshold"]["img"] >= 1
            assert "excluded: no payments" in found["threshold"]["text"]
            for quote in ("stop-loss quote", "MSR keeping false reward", "false_reward", "optimal_weight"):
                assert quote in found["answers"]["text"], quote


def test_nothing_leaves_the_file(reports, tmp_path):
    for name, path in reports.items():
        text = open(path, encoding="utf-8").read()
        assert "Content-Security-Policy" in text and "default-src 'none'" in text
        # No URL in an attribute or in CSS other than data: URIs and in-page anchors.
        for url in re.findall(r'(?:src|href|action|poster|data)\s*=\s*"?([^"\s>]+)', text):
            assert url.startswith(("data:", "#")), (name, url)
        assert "url(" not in text and "@import" not in text and "<script" not in text
        # At run time, with the policy taken out, the page itself asks for nothing.
        open_page = tmp_path / f"{name}.open.html"
        open_page.write_text(re.sub(r"<meta http-equiv=Content-Security-Policy[^>]*>", "", text), encoding="utf-8")
        log = tmp_path / f"{name}.netlog.json"
        browse(str(open_page), f"--log-net-log={log}", "--dump-dom")
        assert page_requests(log) == [], name


def page_requests(log):
    """URLs the page requested (Chromium's own background requests have no origin)."""
    data = json.load(open(log))
    start = data["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return [e["params"]["url"] for e in data["events"] if e["type"] == start
            and e.get("params", {}).get("initiator", "not an origin") != "not an origin"
            and not e["params"]["url"].startswith(("file:", "data:"))]


def test_the_net_log_check_can_fail(tmp_path):
    page = tmp_path / "leaky.html"
    page.write_text('<html><body><img src="http://198.51.100.7/x.png"></body></html>')
    log = tmp_path / "leaky.json"
    browse(str(page), f"--log-net-log={log}", "--dump-dom")
    assert page_requests(log) == ["http://198.51.100.7/x.png"]


def test_screenshot(reports, tmp_path):
    shot = os.environ.get("APMSIM_REPORT_SCREENSHOT") or str(tmp_path / "report.png")
    browse(reports["mssp_aco"], f"--screenshot={shot}", "--window-size=1280,2400")
    with open(shot, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    assert os.path.getsize(shot) > 50_000


def test_cash_section_only_with_contract_timing(files):
    """[contract.timing] (aco_reach_global) adds a cash section with its three tables, by provider
    and the portfolio; a run without it (mssp_aco) has none."""
    sections = {s["id"]: s for s in report.Report(files["aco_reach_global"], max_variants=1).sections()}
    assert list(sections).index("cash") == list(sections).index("risk") + 1
    text = repr(sections["cash"]["blocks"])
    for table in ("worst point", "present value", "repayment mechanism"):
        assert table in text, table
    assert "portfolio" in text and "worst_mean" in text and "pv_net_result" in text
    assert "cash" not in {s["id"] for s in report.Report(files["mssp_aco"], max_variants=1).sections()}
