#!/usr/bin/env python3
"""apmsim against what an analyst would write instead: a NumPy and a Numba peer (issue 26).

    benchmarks/peers/run_peers.py [--rounds 7] [--apmsim build/b/apmsim]   # throughput
    benchmarks/peers/run_peers.py --check [--check-replications 40]        # means agree?

Throughput: for each setting (one core: `taskset -c 0`, one thread; all cores: every core, as
many threads), N rounds, each round running the tools one after the other (apmsim, Numba,
NumPy; the order rotates each round so no tool always follows another), each in a fresh process.
Each tool is timed on its own simulation only: the peers after a warm-up replication (Numba's
JIT compilation excluded; its compiled kernel is cached beside the source), apmsim by the
simulation time it writes into its results file (`elapsed_seconds`: the batches, not start-up,
pilot or writing). Prints patient-years/s per tool and round, the medians, and the ratios
apmsim / Numba and apmsim / NumPy per round and their medians.

Check: apmsim (tallies written), the Numba peer and the NumPy peer on reference.toml, each on
its own replications; every statistic of reference_model.statistics must agree within 4
combined standard errors (exit status 1 if one does not).

Needs NumPy and Numba: without them the script makes a virtual environment under
build/peers-venv (`python3 -m venv --system-site-packages`, `pip install numba`, from PyPI) and
runs itself there. NumPy has no threads of its own for this model: "all cores" runs it as on
one core, unpinned.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics as stats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
VENV = ROOT / "build" / "peers-venv"
TOOLS = ("apmsim", "numba", "numpy")


def ensure_numba() -> None:
    """Re-runs this script in build/peers-venv (made on first use) unless Numba imports here."""
    try:
        import numba  # noqa: F401
        import numpy  # noqa: F401
        return
    except ImportError:
        pass
    python = VENV / "bin" / "python"
    if os.environ.get("APMSIM_PEERS_VENV"):
        sys.exit(f"run_peers: numba still missing in {VENV}; remove it and run again")
    if not python.exists():
        print(f"run_peers: making {VENV} (numba from PyPI)", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "numba"], check=True)
    env = dict(os.environ, APMSIM_PEERS_VENV="1")
    os.execve(str(python), [str(python), __file__, *sys.argv[1:]], env)


def find_apmsim(given: str | None) -> Path:
    if given:
        return Path(given)
    for candidate in ("build/b/apmsim", "build/release/apmsim", "build/ci/apmsim"):
        if (ROOT / candidate).exists():
            return ROOT / candidate
    sys.exit("run_peers: no apmsim binary found; build it (see docs/performance.md) or pass --apmsim")


# ---- one measurement, each in its own process ----------------------------------------------

def worker(tool: str, scenario: Path, first: int, replications: int, tallies_out: str | None) -> None:
    """Simulates replications first.. with one peer and prints {"seconds", "unit_years"}."""
    sys.path.insert(0, str(HERE))
    import numpy as np
    import reference_model as rm
    peer = __import__("peer_numba" if tool == "numba" else "peer_numpy")
    p = rm.load(scenario)
    peer.run(p, first + replications, 1)  # warm-up: JIT compilation (Numba), caches, pages
    start = time.perf_counter()
    tallies = peer.run(p, first, replications)
    seconds = time.perf_counter() - start
    if tallies_out:
        np.save(tallies_out, tallies)
    print(json.dumps({"seconds": seconds, "unit_years": float(tallies[:, :, 0].sum())}))


def pinned(one_core: bool) -> list[str]:
    return ["taskset", "-c", "0"] if one_core else []


def run_peer(tool: str, args, replications: int, one_core: bool, first: int = 0,
             tallies_out: str | None = None) -> dict:
    threads = 1 if one_core else os.cpu_count()
    env = dict(os.environ, NUMBA_NUM_THREADS=str(threads), OMP_NUM_THREADS="1",
               OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    command = [*pinned(one_core), sys.executable, __file__, "--worker", tool, "--scenario",
               str(args.scenario), "--first", str(first), "--replications", str(replications)]
    if tallies_out:
        command += ["--tallies-out", tallies_out]
    done = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_apmsim(args, replications: int, one_core: bool, workdir: Path, first_seed: int | None = None,
               tallies: bool = False) -> dict:
    """apmsim's own simulation time, read back from its results file (export to JSON)."""
    threads = 1 if one_core else os.cpu_count()
    out = workdir / "apmsim.h5"
    scenario = args.apmsim_scenario or args.scenario
    command = [*pinned(one_core), str(args.apmsim), "run", str(scenario), "--replications",
               str(replications), "--threads", str(threads), "--backend", "cpu", "--out", str(out),
               "--force", "--quiet"]
    if first_seed is not None:
        command += ["--seed", str(first_seed)]
    if tallies:
        command.append("--write-tallies")
    env = dict(os.environ, APMSIM_ISA=args.apmsim_isa) if args.apmsim_isa else None
    subprocess.run(command, check=True, capture_output=True, text=True, env=env)
    exported = workdir / ("apmsim_csv" if tallies else "apmsim_json")
    subprocess.run([str(args.apmsim), "export", str(out), "--format", "csv" if tallies else "json",
                    "--out", str(exported), "--force"], check=True, capture_output=True, text=True)
    if tallies:
        return {"tallies_csv": exported / "tallies.csv"}
    info = json.loads((exported / "results.json").read_text())["info"]
    return {"seconds": float(info["elapsed_seconds"]), "unit_years": float(info["unit_years"]),
            "device": info["device"]}


# ---- throughput ------------------------------------------------------------------------------

def throughput(args) -> None:
    replications = {"apmsim": args.apmsim_replications, "numba": args.numba_replications,
                    "numpy": args.numpy_replications}
    settings = [("one core", True)] + ([] if args.one_core_only else [("all cores", False)])
    print(f"apmsim {args.apmsim}{' (APMSIM_ISA=' + args.apmsim_isa + ')' if args.apmsim_isa else ''}; "
          f"{os.cpu_count()} cores; {args.rounds} rounds; replications "
          + ", ".join(f"{t} {replications[t]}" for t in TOOLS) + " (1.2 M patient-years each)")
    with tempfile.TemporaryDirectory(prefix="apmsim-peers-") as tmp:
        workdir = Path(tmp)
        for label, one_core in settings:
            rates = {t: [] for t in TOOLS}
            for r in range(args.rounds):
                order = TOOLS[r % 3:] + TOOLS[:r % 3]
                for tool in order:
                    n = replications[tool] * (1 if one_core else args.all_cores_factor)
                    m = (run_apmsim(args, n, one_core, workdir) if tool == "apmsim"
                         else run_peer(tool, args, n, one_core))
                    rates[tool].append(m["unit_years"] / m["seconds"])
                    if tool == "apmsim" and r == 0:
                        print(f"{label}: apmsim's device: {m['device']}")
                print(f"{label} round {r + 1}: " + ", ".join(
                    f"{t} {rates[t][-1]:.3g}" for t in TOOLS) + " patient-years/s", flush=True)
            report(label, rates)


def report(label: str, rates: dict) -> None:
    ratio = {
        "apmsim / Numba": [a / b for a, b in zip(rates["apmsim"], rates["numba"])],
        "apmsim / NumPy": [a / b for a, b in zip(rates["apmsim"], rates["numpy"])],
    }
    print(f"\n{label}: patient-years/s, median [min, max] over {len(rates['apmsim'])} rounds")
    for tool, xs in rates.items():
        print(f"  {tool:15s} {stats.median(xs):10.3g}  [{min(xs):.3g}, {max(xs):.3g}]")
    for name, xs in ratio.items():
        print(f"  {name:15s} {stats.median(xs):10.2f}  [{min(xs):.2f}, {max(xs):.2f}]  (per round)")
    print(flush=True)


# ---- means -----------------------------------------------------------------------------------

def apmsim_tallies(path: Path, fields: list[str]):
    """apmsim's tallies.csv summed over entities: [replication, year, field] in `fields` order."""
    import numpy as np
    with open(path) as f:
        header = f.readline().strip().split(",")
    columns = [header.index(name) for name in fields]
    data = np.loadtxt(path, delimiter=",", skiprows=1, usecols=[0, 2, *columns])
    reps, years = int(data[:, 0].max()) + 1, int(data[:, 1].max()) + 1
    out = np.zeros((reps, years, len(fields)))
    np.add.at(out, (data[:, 0].astype(int), data[:, 1].astype(int)), data[:, 2:])
    return out


def check(args) -> int:
    import numpy as np
    sys.path.insert(0, str(HERE))
    import reference_model as rm
    p = rm.load(args.scenario)
    n = args.check_replications
    with tempfile.TemporaryDirectory(prefix="apmsim-peers-") as tmp:
        workdir = Path(tmp)
        got = run_apmsim(args, n, False, workdir, tallies=True)
        with open(got["tallies_csv"]) as f:
            header = f.readline().strip().split(",")
        names = [h for h in header[3:3 + len(p.fields)]]
        print("apmsim's fields:", ", ".join(names))
        reference = apmsim_tallies(got["tallies_csv"], names)
        failed = []
        for tool in ("numba", "numpy"):
            path = str(workdir / f"{tool}.npy")
            run_peer(tool, args, n, False, tallies_out=path)
            mine = np.load(path)
            print(f"\n{tool} ({n} replications) against apmsim ({n} replications)")
            bad = rm.compare(rm.statistics(mine, p.fields, p.measure_names),
                             rm.statistics(reference, p.fields, p.measure_names), tool, "apmsim")
            failed += [f"{tool}: {b}" for b in bad]
    if failed:
        print("\nfurther apart than 4 SE: " + "; ".join(failed))
        return 1
    print("\nall statistics within 4 combined standard errors")
    return 0


def main() -> int:
    a = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    a.add_argument("--scenario", type=Path, default=HERE / "reference.toml")
    a.add_argument("--apmsim", default=None, help="apmsim binary (default: build/b, release, ci)")
    a.add_argument("--apmsim-isa", default=None,
                   help="cap apmsim's kernel (APMSIM_ISA: generic, avx2, avx512); default: the best")
    a.add_argument("--apmsim-scenario", type=Path, default=None,
                   help="the file apmsim runs (default: --scenario); e.g. reference_features.toml, "
                        "the reference world with the model of issues 1/7 and 6/7 (the peers "
                        "still run --scenario: a lower bound on the ratio)")
    a.add_argument("--rounds", type=int, default=7)
    a.add_argument("--apmsim-replications", type=int, default=48)
    a.add_argument("--numba-replications", type=int, default=16)
    a.add_argument("--numpy-replications", type=int, default=6)
    a.add_argument("--all-cores-factor", type=int, default=2,
                   help="replications are multiplied by this on all cores")
    a.add_argument("--one-core-only", action="store_true")
    a.add_argument("--check", action="store_true", help="compare the means instead of timing")
    a.add_argument("--check-replications", type=int, default=40)
    a.add_argument("--worker", choices=("numba", "numpy"), help=argparse.SUPPRESS)
    a.add_argument("--first", type=int, default=0, help=argparse.SUPPRESS)
    a.add_argument("--replications", type=int, default=1, help=argparse.SUPPRESS)
    a.add_argument("--tallies-out", default=None, help=argparse.SUPPRESS)
    args = a.parse_args()
    ensure_numba()
    if args.worker:
        worker(args.worker, args.scenario, args.first, args.replications, args.tallies_out)
        return 0
    args.apmsim = find_apmsim(args.apmsim)
    if args.check:
        return check(args)
    throughput(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
