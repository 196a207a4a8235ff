"""rounds.parquet written slice by slice from the recorded series holds what the DataFrame route wrote: the same
rows, column types and pandas metadata, for every kind of run (tracks, channels, trust; a population)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from analysis import rounds_io as R
from sim.engine import Engine
from sim.loader import load_scenario

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("scenario", "overrides"), [
    ("scenarios/article_baseline.yaml", []),
    ("scenarios/europe_seat.yaml", []),
    ("scenarios/no_back_channel.yaml", []),
    ("scenarios/validation/deffuant.yaml", ["population.count=50", "rounds=30"]),
    ("tests/golden/extra/every_event.yaml", []),
])
@pytest.mark.parametrize("slice_rows", [R.SLICE, 97])
def test_parquet_holds_what_the_dataframe_route_wrote(scenario: str, overrides: list[str], slice_rows: int,
                                                      tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(R, "SLICE", slice_rows)
    sc = load_scenario(ROOT / scenario, overrides)
    res = Engine(sc, [3], record=True).run()
    table = R.rounds_table(res, 0)
    table.to_parquet(tmp_path / "want.parquet", index=False)
    R.write_rounds_parquet(tmp_path / "got.parquet", res, 0)
    assert pq.read_schema(tmp_path / "got.parquet").equals(pq.read_schema(tmp_path / "want.parquet"),
                                                           check_metadata=True)
    got = pd.read_parquet(tmp_path / "got.parquet")
    pd.testing.assert_frame_equal(got, pd.read_parquet(tmp_path / "want.parquet"))
    pd.testing.assert_frame_equal(got, table)


@pytest.mark.parametrize("labelled", [set(), {"actor", "issue"}, {"actor", "other", "issue", "track", "state"}])
def test_the_hand_built_schema_is_what_pandas_writes(labelled: set[str]) -> None:
    """The schema and its pandas metadata bytes, built without pandas, are those pandas gives such a table."""
    frame = pd.DataFrame({c: pd.Series([0] if c == "round" else [0.5] if c == "value"
                                       else ["x"] if c == "series" or c in labelled else [None])
                          for c in R.ROUNDS_COLUMNS})
    want = pa.Schema.from_pandas(frame, preserve_index=False)
    got = R.rounds_schema(labelled)
    assert got.equals(want, check_metadata=True)
    assert got.metadata[b"pandas"] == want.metadata[b"pandas"]
