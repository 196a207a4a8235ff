"""A batch's table built in Arrow is the one pandas built: same values, schema and pandas metadata, part by part.

The oracle below is the pandas typing the workers used before (``to_frame``: one ``pd.Series`` per column, written
by ``DataFrame.to_parquet``); every table ``to_table`` builds must equal ``Table.from_pandas`` of it, metadata and
all, so the Parquet files, and what ``pd.read_parquet`` gives of them, are the same as before.
"""

from __future__ import annotations

from numbers import Integral, Real
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from analysis.sweep import io as sweep_io
from analysis.sweep import tasks
from analysis.sweep.backends import SerialBackend
from analysis.sweep.designs import parse_vary
from analysis.sweep.execute import execute, start
from analysis.sweep.plan import Plan, compare_plan, read_source, sweep_plan
from analysis.sweep.table import runs_schema, to_table
from sim.result import is_optional_round

SCENARIOS = Path(__file__).parents[3] / "scenarios"


def _old_outcome(key: str, values: np.ndarray | list[Any]) -> pd.Series:
    """The pandas typing of an outcome column (before: ``table._outcome_column``)."""
    if isinstance(values, np.ndarray):
        return pd.Series(values, copy=False)
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, (bool, np.bool_)) for v in present):
        return pd.Series(values, dtype=bool if len(present) == len(values) else "boolean")
    complete = len(present) == len(values)
    if complete and not is_optional_round(key) and all(isinstance(v, Integral) and not isinstance(v, (bool, np.bool_))
                                                       for v in present):
        return pd.Series(values, dtype="int64")
    if all(isinstance(v, Real) for v in present):
        return pd.Series([np.nan if v is None else float(v) for v in values], dtype="float64")
    return pd.Series(values, dtype=object)


def _old_vary(kind: str, values: list[Any]) -> pd.Series:
    """The pandas typing of a varied path's column (before: ``table._vary_column``)."""
    if kind == "bool":
        return pd.Series(values, dtype=object if any(v is None for v in values) else bool)
    if kind == "int":
        return pd.Series(values, dtype="int64")
    if kind == "float":
        return pd.Series([np.nan if v is None else float(v) for v in values], dtype="float64")
    return pd.Series([None if v is None else str(v) for v in values], dtype=object)


def old_frame(ids: dict[str, list[Any]], points: dict[str, list[Any]], vary_kinds: dict[str, str],
              outcomes: dict[str, Any]) -> pd.DataFrame:
    """A batch's table as the pandas route built it (before: ``table.to_frame``)."""
    cols = {"run_id": pd.Series(ids["run_id"], dtype="int64"), "seed": pd.Series(ids["seed"], dtype="int64")}
    if "scenario" in ids:
        cols["scenario"] = pd.Series(ids["scenario"], dtype=object)
    for path, kind in vary_kinds.items():
        cols[path] = _old_vary(kind, points[path])
    for key, values in outcomes.items():
        if key not in cols:
            cols[key] = _old_outcome(key, values)
    return pd.DataFrame(cols)


def old_to_table(*args: Any) -> pa.Table:
    """The Arrow table ``old_frame(...).to_parquet(index=False)`` writes."""
    return pa.Table.from_pandas(old_frame(*args), preserve_index=False)


OUTCOMES: dict[str, Any] = {
    "flag": np.array([True, False, True]),
    "count": np.array([3, 0, 7], dtype=np.int64),
    "small": np.array([3, 0, 7], dtype=np.int32),
    "share": np.array([0.5, np.nan, 1.0]),
    "who": np.array(["UK", None, "both"], dtype=object),
    "nobody": np.array([None, None, None], dtype=object),
    "object_counts": np.array([1, None, 3], dtype=object),  # what the rules do not cover is typed by pandas
    "odd_numbers": np.array([1.5, 2.0, np.nan], dtype=np.float32),
    "rows_flag": [True, False, True],
    "rows_flag_gaps": [True, None, False],
    "rows_count": [1, 2, np.int64(3)],
    "rows_count_gaps": [1, None, 3],
    "agreement_round": [4, 5, 6],  # an optional round: float64 even when every run has it
    "rows_share": [0.25, None, 1],
    "rows_bool_and_int": [True, 2, None],
    "rows_names": ["x", None, "y"],
    "rows_none": [None, None, None],
    "rows_lists": [[1, 2], None, [3]],
    "rows_nan_name": ["x", float("nan"), None],
    "run_id": [9, 9, 9],  # an outcome named like an id column is dropped
}
POINTS = {"p_bool": [True, False, True], "p_bool_gaps": [True, None, None], "p_bool_none": [None, None, None],
          "p_int": [1, 2, 3], "p_float": [0.5, 1, None], "p_str": ["a", 2, None], "p_str_none": [None, None, None]}
KINDS = {"p_bool": "bool", "p_bool_gaps": "bool", "p_bool_none": "bool", "p_int": "int", "p_float": "float",
         "p_str": "str", "p_str_none": "str"}


def _same(ids: dict[str, list[Any]], points: dict[str, list[Any]], kinds: dict[str, str],
          outcomes: dict[str, Any], tmp_path: Path) -> None:
    """``to_table`` equals the pandas route, in memory and as written (schema with metadata, and read back)."""
    new, old = to_table(ids, points, kinds, outcomes), old_to_table(ids, points, kinds, outcomes)
    assert new.equals(old, check_metadata=True), (new.schema, old.schema)
    sweep_io.write_part(tmp_path, 0, new, [])
    old_frame(ids, points, kinds, outcomes).to_parquet(tmp_path / "old.parquet", index=False)
    new_path = sweep_io.part_path(tmp_path, 0)
    assert pq.read_schema(new_path).equals(pq.read_schema(tmp_path / "old.parquet"), check_metadata=True)
    pd.testing.assert_frame_equal(pd.read_parquet(new_path), pd.read_parquet(tmp_path / "old.parquet"))


@pytest.mark.parametrize("key", list(OUTCOMES))
def test_each_outcome_column_is_typed_as_pandas_typed_it(key: str, tmp_path: Path) -> None:
    _same({"run_id": [0, 1, 2], "seed": [5, 6, 7]}, {}, {}, {key: OUTCOMES[key]}, tmp_path)


@pytest.mark.parametrize("path", list(POINTS))
def test_each_varied_path_is_typed_as_pandas_typed_it(path: str, tmp_path: Path) -> None:
    _same({"run_id": [0, 1, 2], "seed": [5, 6, 7]}, {path: POINTS[path]}, {path: KINDS[path]}, {}, tmp_path)


def test_a_whole_batch_and_an_empty_one_are_typed_as_pandas_typed_them(tmp_path: Path) -> None:
    ids = {"run_id": [0, 1, 2], "seed": [5, 6, 7], "scenario": ["a", "b", "a"]}
    _same(ids, POINTS, KINDS, OUTCOMES, tmp_path)
    _same({"run_id": [], "seed": [], "scenario": []}, {p: [] for p in POINTS}, KINDS, {}, tmp_path)


def test_a_column_pandas_cannot_write_fails_as_it_did() -> None:
    """Names mixed with numbers: pandas could not write the part either (now the worker says so)."""
    args = ({"run_id": [0, 1], "seed": [3, 4]}, {}, {}, {"mixed": ["x", 2.5]})
    with pytest.raises(pa.ArrowTypeError):
        old_to_table(*args)
    with pytest.raises(pa.ArrowTypeError):
        to_table(*args)


def test_a_table_pickles_without_pandas_metadata_loss() -> None:
    import pickle

    table = to_table({"run_id": [0, 1], "seed": [3, 4]}, {}, {}, {"who": np.array(["UK", None], dtype=object)})
    assert pickle.loads(pickle.dumps(table)).equals(table, check_metadata=True)


@pytest.mark.parametrize("dtype", ["int64", "float64", "bool", "boolean", "str", "object"])
def test_runs_schema_is_the_one_pandas_gives(dtype: str) -> None:
    old = pa.Schema.from_pandas(pd.DataFrame({"run_id": pd.Series(dtype="int64"), "c": pd.Series(dtype=dtype)}),
                                preserve_index=False)
    assert runs_schema({"run_id": "int64", "c": dtype}).equals(old, check_metadata=True)


def test_an_empty_sweep_writes_the_table_pandas_wrote(tmp_path: Path) -> None:
    head = ["run_id", "seed", "actors.UK.strategy.openness"]
    assert sweep_io.write_runs(tmp_path, head) == 0
    old = pd.DataFrame({c: pd.Series(dtype="int64" if c in ("run_id", "seed") else object) for c in head})
    old.to_parquet(tmp_path / "old.parquet", index=False)
    assert pq.read_schema(tmp_path / "runs.parquet").equals(pq.read_schema(tmp_path / "old.parquet"),
                                                            check_metadata=True)
    pd.testing.assert_frame_equal(sweep_io.combine(tmp_path, head), old)


def _plans() -> dict[str, Plan]:
    """Sweeps whose parts differ in columns and types: failing points (a part with no rows), scenarios with and
    without a channel in mixed batches, population sizes (per-actor outcomes), --keep-rounds."""
    article = read_source(SCENARIOS / "article_baseline.yaml")
    failing = sweep_plan(article, [parse_vary("rounds=2,10"), parse_vary("channels.UK-Russia.opens=1,5")],
                         "grid", None, 3, 4, 3)
    channels = compare_plan([article, read_source(SCENARIOS / "no_back_channel.yaml"),
                             read_source(SCENARIOS / "europe_seat.yaml")], 5, 2, 4)
    population = sweep_plan(read_source(SCENARIOS / "validation" / "deffuant.yaml"),
                            [parse_vary("population.count=2,3,8"), parse_vary("rounds=4")], "grid", None, 3, 1, 4)
    speaking = parse_vary("actors.UK.strategy.speaking=respectful,ultimatum")
    rounds = sweep_plan(article, [parse_vary("actors.UK.strategy.openness=0,1"), speaking], "grid", None, 2, 3, 3)
    rounds.keep_rounds = True
    return {"failing": failing, "channels": channels, "population": population, "rounds": rounds}


@pytest.mark.parametrize("name", ["failing", "channels", "population", "rounds"])
def test_sweep_files_equal_those_of_the_pandas_route(name: str, tmp_path: Path, monkeypatch) -> None:
    """Every part and runs.parquet: the same schema (with pandas metadata) and table as the pandas route wrote; and
    a sweep whose first parts the pandas route wrote resumes to the same runs.parquet."""
    plan = _plans()[name]
    with monkeypatch.context() as m:
        m.setattr(tasks, "to_table", old_to_table)
        _run(plan, tmp_path / "old")
    _run(plan, tmp_path / "new")
    files = sorted(p.relative_to(tmp_path / "old") for p in (tmp_path / "old").rglob("*.parquet"))
    assert files == sorted(p.relative_to(tmp_path / "new") for p in (tmp_path / "new").rglob("*.parquet"))
    for f in files:
        old, new = pq.read_table(tmp_path / "old" / f), pq.read_table(tmp_path / "new" / f)
        assert new.equals(old, check_metadata=True), f
    for part in sorted((tmp_path / "old" / "parts").glob("part-*.parquet"))[plan.n_batches // 2:]:
        part.unlink()  # the rest is run by this code
    _run(plan, tmp_path / "old", new=False)
    assert pq.read_table(tmp_path / "old" / "runs.parquet").equals(pq.read_table(tmp_path / "new" / "runs.parquet"),
                                                                   check_metadata=True)


def _run(plan: Plan, out: Path, new: bool = True) -> None:
    if new:
        start(plan, out)
    with SerialBackend() as b:
        execute(plan, out, b, progress=False)
