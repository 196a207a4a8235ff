"""Progress: a tqdm bar on a terminal only; plain lines (done / total, rate, ETA) in a log file."""

from __future__ import annotations

import io

from tqdm import tqdm

from analysis.progress import PlainProgress, bar


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_file_gets_plain_lines_without_carriage_returns() -> None:
    log = io.StringIO()
    p = PlainProgress(total=200, initial=0, unit="run", stream=log, every=0.0)
    p.set_postfix(failed=1)
    for _ in range(4):
        p.update(50)
    lines = log.getvalue().splitlines()
    assert "\r" not in log.getvalue() and len(lines) == 4
    assert lines[0].startswith("50/200 runs (25%), ") and "runs/s" in lines[0] and "ETA" in lines[0]
    assert lines[-1].startswith("200/200 runs (100%)") and lines[-1].endswith("failed 1")


def test_bar_picks_by_stream() -> None:
    assert isinstance(bar(10, stream=io.StringIO()), PlainProgress)
    on_terminal = bar(10, stream=Terminal())
    assert isinstance(on_terminal, tqdm)
    on_terminal.close()
    off = bar(10, enabled=False, stream=io.StringIO())
    off.update(10)
    off.close()


def test_plain_lines_are_spaced_in_time() -> None:
    log = io.StringIO()
    p = PlainProgress(total=1000, initial=0, unit="run", stream=log, every=3600.0)
    for _ in range(1000):
        p.update()
    assert log.getvalue() == ""  # nothing before `every` seconds have passed


def test_no_progress_counts_silently_without_tqdm() -> None:
    """`--no-progress` gets a counter that writes nothing, and tqdm is never imported for it."""
    import subprocess
    import sys

    probe = ("import io, sys; from analysis.progress import bar; s = io.StringIO(); "
             "b = bar(10, enabled=False, stream=s); b.update(4); b.set_postfix(failed=0); b.close(); "
             "print(b.n, repr(s.getvalue()), 'tqdm' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True).stdout.split()
    assert out == ["4", "''", "False"]
