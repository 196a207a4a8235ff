"""Misdirected work from the command line: `--out` misuse, huge plans, too many workers, special files.

Each is a one-line refusal with exit code 2 (never `internal error`), or a printed line that says what is used.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import scenarios
from analysis.sweep import setup as sweep_setup
from dipsim.cli import main
from sim.limits import use

BASE = str(scenarios.builtin())
QUICK = ["--workers", "1", "--no-progress", "--no-dashboard"]
SMALL_SWEEP = [BASE, "--vary", "actors.UK.strategy.openness=0,1", "--seeds", "2"]


@pytest.fixture(autouse=True)
def _no_flag_limits():
    yield
    use()


def _refused(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 2
    captured = capsys.readouterr()  # validate reports on stdout, the others on stderr
    err = (captured.out + captured.err).strip()
    assert "\n" not in err and "internal error" not in err and "Traceback" not in err, err
    return err


def test_out_naming_a_file_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Defect 5: `--out afile` was `internal error: FileExistsError`, `--out afile/sub` NotADirectoryError."""
    afile = tmp_path / "afile"
    afile.write_text("mine")
    assert _refused(capsys, "sweep", *SMALL_SWEEP, *QUICK, "--out", str(afile)) == \
        f"--out {afile}: is a file, not a directory; give a directory path"
    assert _refused(capsys, "sweep", *SMALL_SWEEP, *QUICK, "--out", str(afile / "sub")) == \
        f"--out {afile / 'sub'}: lies under {afile}, which is a file, not a directory; give a directory path"
    assert "is a file" in _refused(capsys, "run", BASE, "--no-dashboard", "--out", str(afile))
    assert "is a file" in _refused(capsys, "compare", BASE, BASE, *QUICK, "--out", str(afile))
    assert afile.read_text() == "mine"


def test_out_into_someone_elses_directory_needs_force(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Defect 6: sweep files were written silently beside the user's own files."""
    theirs = tmp_path / "thesis"
    theirs.mkdir()
    (theirs / "chapter1.tex").write_text("...")
    err = _refused(capsys, "sweep", *SMALL_SWEEP, *QUICK, "--out", str(theirs))
    assert err == (f"--out {theirs}: the directory holds 1 entries that are not a dipsim output (chapter1.tex); "
                   "give a new or empty directory, or --force to write beside them")
    assert sorted(p.name for p in theirs.iterdir()) == ["chapter1.tex"]
    assert main(["sweep", *SMALL_SWEEP, *QUICK, "--out", str(theirs), "--force"]) == 0
    assert (theirs / "runs.parquet").is_file() and (theirs / "chapter1.tex").read_text() == "..."
    capsys.readouterr()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["run", BASE, "--no-dashboard", "--out", str(empty)]) == 0
    assert main(["run", BASE, "--no-dashboard", "--out", str(empty)]) == 0  # its own output: rewritten


def test_workers_are_capped_by_the_batches(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Defect 8: `--workers 1000` printed "running on 1000 workers" for a 30-run sweep."""
    args = [BASE, "--vary", "actors.UK.strategy.openness=0,0.5,1", "--seeds", "10", "--batch-size", "15",
            "--no-progress", "--no-dashboard", "--out", str(tmp_path / "o")]
    assert main(["sweep", *args, "--workers", "1000"]) == 0
    out = capsys.readouterr().out
    assert "running on 2 workers (local) (--workers 1000 capped at 2 batches to run)" in out, out


def test_a_huge_grid_is_refused_before_planning(capsys: pytest.CaptureFixture[str], monkeypatch,
                                                tmp_path: Path) -> None:
    """Defect 4: a 10^8-run grid printed its size and planned for minutes (8.6 GB) before anything ran."""
    def never(*a, **k):
        raise AssertionError("planned anyway")

    monkeypatch.setattr(sweep_setup, "sweep_plan", never)
    grid = ["--vary", "actors.UK.strategy.openness=0:1:10000", "--vary", "actors.EU.strategy.openness=0:1:1000"]
    err = _refused(capsys, "sweep", BASE, *grid, *QUICK, "--out", str(tmp_path / "o"))
    assert err == ("10000000 points × 20 seeds = 200000000 runs, more than the limit of 10000000 runs per plan; "
                   "raise it with --max-runs N (or DIPSIM_MAX_RUNS=N)")
    assert not (tmp_path / "o").exists()
    err = _refused(capsys, "sweep", BASE, "--vary", "actors.UK.strategy.openness=0:1:1000000000000", *QUICK)
    assert "1000000000000 values, more than the limit of 10000000 runs per plan" in err
    err = _refused(capsys, "compare", BASE, BASE, "--seeds", "6000000", *QUICK)
    assert err.startswith("2 scenarios × 6000000 seeds = 12000000 runs, more than the limit")


def test_the_run_limit_can_be_lifted(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    err = _refused(capsys, "sweep", *SMALL_SWEEP, *QUICK, "--max-runs", "3", "--out", str(tmp_path / "o"))
    assert err.startswith("2 points × 2 seeds = 4 runs, more than the limit of 3 runs per plan")
    assert main(["sweep", *SMALL_SWEEP, *QUICK, "--max-runs", "4", "--out", str(tmp_path / "o")]) == 0


def test_special_and_oversized_files(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Defect 3: `dipsim validate /dev/zero` grew past 14.5 GB and never answered."""
    assert _refused(capsys, "validate", "/dev/zero").startswith("/dev/zero:0:0: <root>: not a regular file")
    assert _refused(capsys, "run", "/dev/zero").startswith("/dev/zero:0:0: <root>: not a regular file")
    big = tmp_path / "big.yaml"
    big.write_bytes(Path(BASE).read_bytes() + b"#" * 3000)
    assert "larger than the limit of 1000 bytes" in _refused(capsys, "validate", str(big), "--max-bytes", "1000")
    assert main(["validate", str(big)]) == 0


def test_sweep_batches_that_cannot_fit_are_refused(capsys: pytest.CaptureFixture[str], monkeypatch,
                                                   tmp_path: Path) -> None:
    monkeypatch.setenv("DIPSIM_MAX_MEMORY", "10000")  # the baseline: ~4 kB per run
    err = _refused(capsys, "sweep", *SMALL_SWEEP, *QUICK, "--out", str(tmp_path / "o"))
    assert "needs about" in err and "per run" in err and "DIPSIM_MAX_MEMORY" in err


def test_flag_extremes_are_one_line_refusals(capsys: pytest.CaptureFixture[str], monkeypatch, tmp_path: Path) -> None:
    """Seeds outside int64 (numpy's seed arrays) and huge counts never reach the engine."""
    for seed in ("-1", str(2**63), str(10**40), "x"):
        with pytest.raises(SystemExit) as stop:  # argparse's own exit: code 2, one line
            main(["run", BASE, "--no-dashboard", "--seed", seed, "--out", str(tmp_path / "r")])
        assert stop.value.code == 2
        err = capsys.readouterr().err.strip()
        assert "\n" not in err and "--seed" in err and "internal error" not in err, err
    assert main(["validate", BASE, "--max-bytes", str(10**40)]) == 0  # a huge limit is no limit
    capsys.readouterr()
    monkeypatch.setenv("DIPSIM_MAX_MEMORY", "10000000")
    err = _refused(capsys, "sweep", BASE, "--vary", "actors.UK.strategy.openness=0:1", "--design", "lhs",
                   "--samples", "1000000", "--seeds", "1", *QUICK, "--out", str(tmp_path / "o"))
    assert err.startswith("a design of 1000000 points over 1 paths needs about 340.0 MB to plan"), err
