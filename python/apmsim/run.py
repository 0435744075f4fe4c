"""Running the apmsim command line from Python: its progress lines come through as they are
printed, an existing results file is kept unless asked, and a temporary folder never outlives
its use (nor a failure or Ctrl-C)."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from typing import Callable, List, Optional, Tuple, Union

from .results import Results

#: Seconds a stopped run gets to checkpoint and exit (it stops within seconds) before it is killed.
STOP_SECONDS = 30

#: `progress` of run(): True prints each line on stderr, False or None prints nothing, a callable
#: gets each line (without its newline).
Progress = Union[bool, None, Callable[[str], None]]


class RunError(RuntimeError):
    """apmsim exited with an error; `code` is its exit code (2: bad input, 75: stopped, resumable),
    `stderr` what it printed."""

    def __init__(self, code: int, stderr: str, command: List[str]):
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


def command_line(scenario: str, out: str, **overrides: object) -> List[str]:
    """`apmsim run SCENARIO --out OUT` with each override as an option: replications=200 ->
    --replications 200, write_tallies=True -> --write-tallies (False or None: left out)."""
    args = ["run", os.fspath(scenario), "--out", os.fspath(out), "--quiet"]
    for key, value in overrides.items():
        if value is None or value is False:
            continue
        option = "--" + key.replace("_", "-")
        args += [option] if value is True else [option, str(value)]
    return args


def run(scenario: str, out: Optional[str] = None, apmsim: Optional[str] = None, force: bool = False,
        progress: Progress = True, **overrides: object) -> Results:
    """Runs `apmsim run` on `scenario` and opens the results.

    `out`: the results file. An existing one is kept (FileExistsError) unless `force=True`
    (the CLI's --force). Without `out` the file goes to a new temporary folder, removed when
    the Results is closed (r.close(), or a `with` block), garbage-collected, or at exit.
    `progress`: the CLI's progress lines, as it prints them: True (default) onto sys.stderr,
    False for none, or a function called with each line.
    Overrides are run's options: replications, seed, backend, threads, batch_size,
    write_tallies, write_records, target_se, checkpoint_every, resume, ...

    Raises RunError when apmsim fails (exit code 2 for bad input, with its message). On any
    failure, and on KeyboardInterrupt, apmsim is stopped (it checkpoints beside `out`, so
    resume=True continues a named run) and the temporary folder is removed."""
    folder = None
    if out is None:
        folder = tempfile.mkdtemp(prefix="apmsim-run-")
        out = os.path.join(folder, os.path.basename(os.fspath(scenario)).rsplit(".", 1)[0] + ".h5")
    elif os.path.exists(out) and not force:
        raise FileExistsError(f"{out} already exists; not overwriting it (pass force=True)")
    args = [find_apmsim(apmsim)] + command_line(scenario, out, force=force, **overrides)
    try:
        code, printed = _stream(args, _printer(progress))
        if code != 0:
            raise RunError(code, printed, args)
        results = Results(out)
    except BaseException:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    if folder is not None:
        results._remove_when_done(folder)
    return results


def _printer(progress: Progress) -> Callable[[str], None]:
    if callable(progress):
        return progress
    if progress:
        def to_stderr(line: str) -> None:
            sys.stderr.write(line + "\n")  # sys.stderr as it is now: a notebook's or pytest's
            sys.stderr.flush()
        return to_stderr
    return lambda line: None


def _stream(args: List[str], emit: Callable[[str], None]) -> Tuple[int, str]:
    """Runs `args`, handing each line it prints (stderr and stdout) to `emit` as it comes;
    returns the exit code and everything printed. Stops the process on any exception."""
    printed: List[str] = []
    process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, errors="replace", bufsize=1)
    try:
        assert process.stdout is not None
        for line in process.stdout:
            printed.append(line)
            emit(line.rstrip("\n"))
        return process.wait(), "".join(printed)
    except BaseException:
        _stop(process)
        raise
    finally:
        if process.stdout is not None:
            process.stdout.close()


def _stop(process: "subprocess.Popen[str]") -> None:
    """Asks apmsim to stop as Ctrl-C does (it checkpoints and exits), kills it if it has not
    within STOP_SECONDS or on a second interrupt, and waits for it to be gone."""
    if process.poll() is not None:
        return
    try:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=STOP_SECONDS)
    except (subprocess.TimeoutExpired, KeyboardInterrupt):
        process.kill()
        process.wait()
