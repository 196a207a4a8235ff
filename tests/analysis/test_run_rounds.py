"""The run page reads only the rows it draws from rounds.parquet, batch by batch: the same rows as filtering the
whole table, line series thinned to the rounds the figures keep, and the same figures."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from plotly.io.json import to_json_plotly

from analysis import run_rounds as R
from analysis.columns import Columns
from analysis.dashboard import read_rounds, run_page
from analysis.figures.arrays import MAX_ROUNDS
from analysis.figures.common import MAX_STEPS, slider_rounds
from analysis.figures.positions import positions_figure, pressure_figure, series
from analysis.figures.spec import encoded
from analysis.figures.trust import trust_figure
from dipsim.cli import main

ROOT = Path(__file__).resolve().parents[2]


def _run(tmp_path: Path, scenario: str, *args: str) -> Path:
    out = tmp_path / "run"
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert main(["run", str(ROOT / "scenarios" / scenario), "--out", str(out), "--no-dashboard", *args]) == 0
    return out


@pytest.fixture(scope="module")
def long_population(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 40-actor Deffuant run of 900 rounds: position, pressure and trust series longer than MAX_ROUNDS."""
    return _run(tmp_path_factory.mktemp("long"), "validation/deffuant.yaml", "--set", "population.count=40",
                "--rounds", "900")


def frame(table: Columns) -> pd.DataFrame:
    """A ``Columns`` table as a DataFrame, to compare."""
    return pd.DataFrame(table.data)


def whole_table(path: Path) -> Columns:
    """Every row of a rounds.parquet, as the run page holds its columns."""
    return Columns.from_arrow(pq.read_table(path))


@pytest.mark.parametrize("batch", [R.BATCH, 4096])
def test_batches_give_the_rows_of_the_whole_table(long_population: Path, batch: int,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(R, "BATCH", batch)
    whole = pd.read_parquet(long_population / "rounds.parquet")
    read = R.read_run_rounds(long_population / "rounds.parquet")
    every = whole_table(long_population / "rounds.parquet")
    pd.testing.assert_frame_equal(frame(read.frame), frame(R.reduce_frame(every)))
    assert read.n_rounds == whole["round"].nunique() == 901


def test_line_series_keep_the_rounds_the_figures_draw(long_population: Path) -> None:
    whole = pd.read_parquet(long_population / "rounds.parquet")
    read = R.read_run_rounds(long_population / "rounds.parquet").frame
    assert len(read) < len(whole) / 2
    for name in ("position", "pressure"):
        kept = np.unique(read.equal(series=name)["round"])
        assert kept.tolist() == np.unique(series(whole, name)["round"]).tolist()
        assert len(kept) <= MAX_ROUNDS and kept[0] == 0 and kept[-1] == 900
    summary = {"actors": list(pd.unique(whole["actor"].dropna())), "issues": {"issue_1": {}}, "tracks": []}
    for build in (positions_figure, pressure_figure, trust_figure):
        assert to_json_plotly(encoded(build(read, summary))) == to_json_plotly(encoded(build(whole, summary)))
    trust = np.unique(read.equal(series="trust")["round"]).tolist()
    assert trust == slider_rounds(whole.loc[whole["series"] == "trust", "round"].unique()) and len(trust) <= MAX_STEPS


def test_series_nobody_draws_are_left_out_and_short_runs_kept_whole(tmp_path: Path) -> None:
    out = _run(tmp_path, "article_baseline.yaml")
    whole = whole_table(out / "rounds.parquet")
    read = read_rounds(out).frame
    assert set(whole["series"]) - set(read["series"]) == {"listen"}
    pd.testing.assert_frame_equal(frame(read), frame(whole.where(whole["series"] != "listen")))
    without_trust = read_rounds(out, tuple(s for s in R.DRAWN if s != "trust")).frame
    assert "trust" not in set(without_trust["series"])


def test_csv_and_parquet_give_the_same_page(long_population: Path, tmp_path: Path) -> None:
    page = run_page(long_population, ("", ""))
    csv_dir = tmp_path / "csv"
    csv_dir.mkdir()
    for f in ("summary.json", "events.jsonl"):
        (csv_dir / f).write_bytes((long_population / f).read_bytes())
    pd.read_parquet(long_population / "rounds.parquet").to_csv(csv_dir / "rounds.csv", index=False)
    assert read_rounds(csv_dir).n_rounds == 901
    assert run_page(csv_dir, ("", "")).replace(str(csv_dir), "D") == page.replace(str(long_population), "D")
