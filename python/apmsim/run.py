"""Running the apmsim command line from Python."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from typing import Optional

from .results import Results


class RunError(RuntimeError):
    """apmsim exited with an error; `code` is its exit code (2: bad input), `stderr` its message."""

    def __init__(self, code: int, stderr: str, command):
        super().__init__(f"apmsim exited with {code}: {stderr.strip()}")
        self.code, self.stderr, self.command = code, stderr, command


def find_apmsim(explicit: Optional[str] = None) -> str:
    """The apmsim executable: `explicit`, $APMSIM, `apmsim` on PATH, or this checkout's build."""
    candidates = [explicit, os.environ.get("APMSIM"), shutil.which("apmsim")]
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    candidates += [os.path.join(root, "build", b, "apmsim") for b in ("release", "ci", "debug")]
    for c in candidates:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    raise FileNotFoundError("apmsim not found: pass apmsim=PATH, set $APMSIM, put it on PATH, "
                            "or build it (scripts/run-default)")


def command_line(scenario: str, out: str, **overrides) -> list:
    """`apmsim run SCENARIO --out OUT` with each override as an option: replications=200 ->
    --replications 200, write_tallies=True -> --write-tallies (False or None: left out)."""
    args = ["run", os.fspath(scenario), "--out", os.fspath(out), "--quiet"]
    for key, value in overrides.items():
        if value is None or value is False:
            continue
        option = "--" + key.replace("_", "-")
        args += [option] if value is True else [option, str(value)]
    return args


def run(scenario: str, out: Optional[str] = None, apmsim: Optional[str] = None, force: bool = True,
        **overrides) -> Results:
    """Runs `apmsim run` on `scenario` and opens the results. Overrides are run's options
    (replications, seed, backend, threads, batch_size, write_tallies, write_records, target_se,
    ...). Without `out` the file goes to a new temporary folder. Raises RunError when apmsim
    fails (exit code 2 for bad input, with its message)."""
    if out is None:
        out = os.path.join(tempfile.mkdtemp(prefix="apmsim-"), os.path.basename(os.fspath(scenario)).rsplit(".", 1)[0] + ".h5")
    args = [find_apmsim(apmsim)] + command_line(scenario, out, force=force, **overrides)
    done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode != 0:
        raise RunError(done.returncode, done.stderr, args)
    return Results(out)
