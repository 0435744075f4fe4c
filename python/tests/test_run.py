"""apmsim.run as a notebook uses it: an existing results file is kept unless force=True, the CLI's
progress lines arrive while it runs (not after), and its temporary folder is gone after a close,
a failure or Ctrl-C (the CLI then stopped, as Ctrl-C stops it)."""
import gc
import os
import stat
import time

import pytest

import apmsim
from apmsim.run import STOP_SECONDS
from conftest import ROOT

DEFAULT = os.path.join(ROOT, "scenarios", "default.toml")


@pytest.fixture
def temporary(tmp_path, monkeypatch):
    """The folder apmsim.run makes its temporary folders in (tempfile's, redirected)."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(folder))
    return folder


def fake_apmsim(folder, body):
    """An executable standing in for apmsim: `body` is sh; $OUT is the --out argument."""
    path = folder / "fake-apmsim"
    path.write_text('#!/bin/sh\nOUT=""\nprev=""\nfor a in "$@"; do [ "$prev" = "--out" ] && OUT="$a"; prev="$a"; done\n'
                    + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_run_keeps_an_existing_file_unless_forced(tmp_path):
    out = tmp_path / "default.h5"
    out.write_bytes(b"my earlier results")
    with pytest.raises(FileExistsError, match="force=True"):
        apmsim.run(DEFAULT, out=str(out), replications=2, threads=1, progress=False)
    assert out.read_bytes() == b"my earlier results"
    r = apmsim.run(DEFAULT, out=str(out), replications=2, threads=1, progress=False, force=True)
    assert r.info["replications"] == 2 and r.path == str(out)


def test_run_removes_its_temporary_folder(temporary):
    r = apmsim.run(DEFAULT, replications=2, threads=1, progress=False)
    assert os.path.dirname(os.path.dirname(r.path)) == str(temporary)
    assert r.summary("portfolio").shape[0] > 0
    r.close()
    assert not os.listdir(temporary)
    with apmsim.run(DEFAULT, replications=2, threads=1, progress=False) as r:
        assert os.path.exists(r.path)
    assert not os.listdir(temporary)
    r = apmsim.run(DEFAULT, replications=2, threads=1, progress=False)
    del r
    gc.collect()
    assert not os.listdir(temporary)


def test_a_failed_run_leaves_no_temporary_folder(tmp_path, temporary):
    bad = tmp_path / "bad.toml"
    bad.write_text("[simulation]\nreplications = -3\n")
    with pytest.raises(apmsim.RunError) as e:
        apmsim.run(str(bad), progress=False)
    assert e.value.code == 2 and "replications" in e.value.stderr
    assert not os.listdir(temporary)


def test_run_a_named_file_is_kept_after_close(tmp_path):
    out = tmp_path / "mine.h5"
    with apmsim.run(DEFAULT, out=str(out), replications=2, threads=1, progress=False):
        pass
    assert out.exists()


def test_progress_lines_arrive_while_the_run_goes_on(files, tmp_path, monkeypatch):
    """The stand-in prints a line, then waits until the caller has seen it: a run that buffered
    its output until the end would never let it finish."""
    seen = tmp_path / "seen"
    monkeypatch.setenv("SEEN", str(seen))
    monkeypatch.setenv("SOURCE", files["default"].path)
    exe = fake_apmsim(tmp_path, """echo "apmsim:  50%  1 / 2 replications" >&2
i=0
while [ ! -e "$SEEN" ]; do
  sleep 0.05; i=$((i + 1))
  [ $i -gt 400 ] && { echo "apmsim: error: nobody read the progress line" >&2; exit 1; }
done
echo "apmsim: 100%  2 / 2 replications" >&2
cp "$SOURCE" "$OUT"
""")
    lines = []

    def progress(line):
        lines.append((line, seen.exists()))
        seen.touch()

    r = apmsim.run(DEFAULT, out=str(tmp_path / "x.h5"), apmsim=exe, progress=progress)
    assert lines == [("apmsim:  50%  1 / 2 replications", False), ("apmsim: 100%  2 / 2 replications", True)]
    assert r.info["replications"] == 12


def test_progress_goes_to_stderr_by_default(tmp_path, capsys):
    apmsim.run(DEFAULT, out=str(tmp_path / "a.h5"), replications=2, threads=1)
    err = capsys.readouterr().err
    assert "100%  2 / 2 replications" in err and "wrote" in err
    apmsim.run(DEFAULT, out=str(tmp_path / "b.h5"), replications=2, threads=1, progress=False)
    assert capsys.readouterr().err == ""


def test_ctrl_c_stops_the_cli_and_removes_the_temporary_folder(tmp_path, temporary, monkeypatch):
    stopped = tmp_path / "stopped"
    monkeypatch.setenv("STOPPED", str(stopped))
    exe = fake_apmsim(tmp_path, """trap 'echo SIGINT > "$STOPPED"; exit 75' INT
echo "apmsim:  10%  1 / 10 replications" >&2
i=0
while [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
""")

    def interrupt(line):
        raise KeyboardInterrupt

    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        apmsim.run(DEFAULT, apmsim=exe, progress=interrupt)
    assert time.monotonic() - started < 20
    assert stopped.read_text().strip() == "SIGINT"  # asked to stop as Ctrl-C asks it, so it checkpoints
    assert not os.listdir(temporary)


def test_ctrl_c_stops_the_real_cli(temporary):
    """The CLI itself stops within seconds on the SIGINT (exit 75), and nothing is left behind."""
    def interrupt(line):
        if "backend" in line:  # its first line: the run has started
            raise KeyboardInterrupt

    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        apmsim.run(os.path.join(ROOT, "scenarios", "mssp_aco.toml"), replications=5000, threads=1,
                   progress=interrupt)
    assert time.monotonic() - started < STOP_SECONDS  # not killed after waiting: it stopped itself
    assert not os.listdir(temporary)
