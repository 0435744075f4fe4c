"""Shared fixtures: one small run of every shipped scenario, made with the CLI under test."""
import glob
import os

import pytest

import apmsim

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCENARIOS = sorted(glob.glob(os.path.join(ROOT, "scenarios", "*.toml")))


@pytest.fixture(scope="session")
def files(tmp_path_factory):
    """One small run of every shipped scenario, with tallies and records."""
    folder = tmp_path_factory.mktemp("results")
    made = {}
    for scenario in SCENARIOS:
        name = os.path.basename(scenario)[:-5]
        made[name] = apmsim.run(scenario, out=str(folder / f"{name}.h5"), replications=12,
                                batch_size=5, seed=3, threads=2, write_tallies=True,
                                write_records=True)
    return made



@pytest.fixture(scope="session")
def plain(tmp_path_factory):
    """mssp_aco without --write-records (summary tables only)."""
    folder = tmp_path_factory.mktemp("plain")
    return apmsim.run(os.path.join(ROOT, "scenarios", "mssp_aco.toml"), out=str(folder / "mssp_aco.h5"),
                      replications=12, batch_size=5, seed=3, threads=2)
