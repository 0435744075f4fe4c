"""The report's output is written as apmsim writes every output (issue 24): a fresh temporary that
never follows a planted link, published without replacing unless forced, and --force replaces
only a regular file."""
import os
import threading

import pytest

from apmsim import report


def test_a_link_planted_at_the_old_temporary_name_is_not_followed(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    out = tmp_path / "r.html"
    planted = [str(out) + ".partial", f"{out}.tmp.{os.getpid()}"]
    for name in planted:
        os.symlink(victim, name)
    report.publish(b"<html></html>", str(out))
    assert victim.read_text() == "precious\n"
    assert out.read_bytes() == b"<html></html>" and not out.is_symlink()
    assert all(os.path.islink(name) for name in planted)
    assert sorted(os.listdir(tmp_path)) == sorted(["victim.txt", "r.html"] + [os.path.basename(p) for p in planted])


def test_an_existing_report_is_kept_unless_forced(tmp_path):
    out = tmp_path / "r.html"
    report.publish(b"first", str(out))
    with pytest.raises(FileExistsError, match="not overwriting it"):
        report.publish(b"second", str(out))
    assert out.read_bytes() == b"first"
    report.publish(b"forced", str(out), force=True)
    assert out.read_bytes() == b"forced"
    assert os.listdir(tmp_path) == ["r.html"]
    mask = os.umask(0)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask


def test_two_writers_on_one_out_publish_once(tmp_path):
    out = str(tmp_path / "r.html")
    outcomes = []

    def write(text):
        try:
            report.publish(text, out)
            outcomes.append(("ok", text))
        except FileExistsError:
            outcomes.append(("refused", text))

    for attempt in range(20):
        threads = [threading.Thread(target=write, args=(f"writer {i}".encode(),)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        winners = [text for kind, text in outcomes if kind == "ok"]
        assert len(winners) == 1, outcomes
        assert open(out, "rb").read() == winners[0]
        assert os.listdir(tmp_path) == ["r.html"]
        os.unlink(out)
        outcomes.clear()


@pytest.mark.parametrize("kind", ["fifo", "link", "folder"])
def test_force_replaces_only_a_regular_file(tmp_path, kind, capsys):
    out = tmp_path / "r.html"
    target = tmp_path / "elsewhere.txt"
    target.write_text("kept\n")
    if kind == "fifo":
        os.mkfifo(out)
    elif kind == "link":
        os.symlink(target, out)
    else:
        out.mkdir()
    with pytest.raises(ValueError, match="--force replaces only a regular file"):
        report.publish(b"x", str(out), force=True)
    # The command says so with exit 2, before it reads the results file.
    assert report.main([str(tmp_path / "missing.h5"), "--out", str(out), "--force"]) == 2
    err = capsys.readouterr().err
    assert ("is a folder; name the report file" if kind == "folder" else "replaces only a regular file") in err
    assert target.read_text() == "kept\n"
    assert sorted(os.listdir(tmp_path)) == ["elsewhere.txt", "r.html"]
