"""The NumPy peer of the peer benchmark (benchmarks/peers/) simulates apmsim's model: its means
agree with apmsim's on a small copy of the reference world. Needs NumPy (skipped without it),
never Numba or the network: run_peers.py --check compares both peers on the full world."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

np = pytest.importorskip("numpy")

ROOT = Path(__file__).resolve().parents[2]
PEERS = ROOT / "benchmarks" / "peers"
sys.path.insert(0, str(PEERS))

import peer_numpy  # noqa: E402
import reference_model as rm  # noqa: E402
import run_peers  # noqa: E402

REPLICATIONS = 40


def small_world(folder: Path) -> Path:
    """reference.toml with 12 providers of 300 patients: the same model, 1/55 of the work."""
    text = (PEERS / "reference.toml").read_text()
    assert "count = 100" in text and "panel_size = 2000" in text
    path = folder / "small.toml"
    path.write_text(text.replace("count = 100", "count = 12").replace("panel_size = 2000",
                                                                      "panel_size = 300"))
    return path


def test_numpy_peer_means_agree_with_apmsim(tmp_path):
    apmsim = os.environ.get("APMSIM")
    if not apmsim:
        pytest.skip("APMSIM (the binary under test) not set")
    scenario = small_world(tmp_path)
    out = tmp_path / "small.h5"
    subprocess.run([apmsim, "run", str(scenario), "--replications", str(REPLICATIONS), "--threads",
                    "2", "--backend", "cpu", "--out", str(out), "--quiet", "--write-tallies"],
                   check=True)
    subprocess.run([apmsim, "export", str(out), "--format", "csv", "--out", str(tmp_path / "csv")],
                   check=True, capture_output=True)
    p = rm.load(scenario)
    theirs = run_peers.apmsim_tallies(tmp_path / "csv" / "tallies.csv", p.fields)
    mine = peer_numpy.run(p, 0, REPLICATIONS)
    assert mine.shape == theirs.shape
    np.testing.assert_array_equal(mine[:, :, 0], theirs[:, :, 0])  # units
    # 4 combined SE per statistic (about 30 of them): a false failure about once in 500 runs.
    bad = rm.compare(rm.statistics(mine, p.fields, p.measure_names),
                     rm.statistics(theirs, p.fields, p.measure_names), "numpy", "apmsim")
    assert not bad, f"further apart than 4 SE: {bad}"


def test_the_peers_refuse_a_model_they_do_not_simulate(tmp_path):
    path = tmp_path / "thresholds.toml"
    path.write_text((PEERS / "reference.toml").read_text() + "\n[tallies]\nthresholds = [1e4]\n")
    with pytest.raises(ValueError, match="reference model only"):
        rm.load(path)
