"""runs.parquet written while a sweep's batches arrive (``RunsStream``) is, byte for byte, the file ``write_runs``
builds from the parts; the stream gives the file up (and the parts rebuild it) whenever it could differ."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.sweep import io as sweep_io
from analysis.sweep.backends import SerialBackend
from analysis.sweep.execute import execute, start
from analysis.sweep.io import RunsStream, part_path, write_runs
from analysis.sweep.plan import Plan
from analysis.sweep.table import column_types, merged_types, table_types
from tests.analysis.sweep.test_sweep import TINY, FakeRunner, _plan
from tests.analysis.sweep.test_sweep_arrow import _plans

HEAD = ("run_id", "seed")


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """The two-actor scenario of the fake sweeps."""
    (tmp_path / "tiny.yaml").write_text(TINY)
    return tmp_path / "tiny.yaml"


def _swept(plan: Plan, out: Path, monkeypatch: pytest.MonkeyPatch, runner: object = None) -> list[Path]:
    """Run ``plan`` into ``out``; the directories ``write_runs`` was called on (empty: the stream wrote the file)."""
    rebuilt: list[Path] = []
    real = sweep_io.write_runs

    def counted(where: Path, head: tuple[str, ...]) -> int:
        rebuilt.append(where)
        return real(where, head)

    monkeypatch.setattr(sweep_io, "write_runs", counted)
    start(plan, out)
    with SerialBackend() as b:
        execute(plan, out, b, runner, progress=False)
    monkeypatch.setattr(sweep_io, "write_runs", real)
    return rebuilt


def _rebuilt_bytes(out: Path, head: tuple[str, ...] | list[str]) -> bytes:
    """runs.parquet as ``write_runs`` builds it from the parts (the file it replaces is read first)."""
    streamed = (out / "runs.parquet").read_bytes()
    write_runs(out, head)
    rebuilt = (out / "runs.parquet").read_bytes()
    (out / "runs.parquet").write_bytes(streamed)
    return rebuilt


@pytest.mark.parametrize("row_group", [10, 65_536])
def test_a_streamed_sweep_writes_the_file_the_parts_rebuild(tiny: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch, row_group: int) -> None:
    """A fake sweep whose parts all type alike is streamed (write_runs never runs), and its bytes are the rebuild's,
    with row groups cut where write_runs cuts them."""
    monkeypatch.setattr(sweep_io, "ROW_GROUP", row_group)
    plan = _plan(tiny, batch=3)
    rebuilt = _swept(plan, tmp_path / "s", monkeypatch, FakeRunner())
    streamed = (tmp_path / "s" / "runs.parquet").read_bytes()
    assert rebuilt == []
    assert streamed == _rebuilt_bytes(tmp_path / "s", plan.head)
    assert not (tmp_path / "s" / "runs.parquet.tmp").exists()
    groups = pq.ParquetFile(tmp_path / "s" / "runs.parquet").metadata.num_row_groups
    assert groups == (5 if row_group == 10 else 1)  # parts of 3 rows flushed at >= 10: 12, 12, 12, 12, 2


@pytest.mark.parametrize("name", ["failing", "channels", "population", "rounds"])
def test_engine_sweeps_streamed_or_not_write_the_rebuilt_file(name: str, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Sweeps of the engine whose parts differ in columns and types (failing points, compares of scenarios with and
    without channels, population sizes, --keep-rounds): runs.parquet is the rebuild's, byte for byte."""
    plan = _plans()[name]
    _swept(plan, tmp_path / "s", monkeypatch)
    assert (tmp_path / "s" / "runs.parquet").read_bytes() == _rebuilt_bytes(tmp_path / "s", plan.head)


def _parts_of(out: Path) -> list[tuple[int, pa.Table]]:
    paths = sorted((out / "parts").glob("part-*.parquet"))
    return [(int(p.stem.split("-")[1]), pq.ParquetFile(p).read()) for p in paths]


@pytest.mark.parametrize("seed", range(6))
def test_batches_arriving_in_any_order_make_the_same_file(tiny: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    """Finishing order does not matter: held back until the batches before them are in, shuffled parts give the
    bytes of the rebuild; with room for fewer waiting batches than arrive early, the stream gives up cleanly."""
    plan = _plan(tiny, batch=3)
    _swept(plan, tmp_path / "s", monkeypatch, FakeRunner())
    parts = _parts_of(tmp_path / "s")
    random.Random(seed).shuffle(parts)
    want = _rebuilt_bytes(tmp_path / "s", plan.head)
    (tmp_path / "s" / "runs.parquet").unlink()
    stream = RunsStream(tmp_path / "s", plan.n_batches)
    for index, table in parts:
        stream.add(index, table)
    assert stream.close() == 50
    assert (tmp_path / "s" / "runs.parquet").read_bytes() == want
    (tmp_path / "s" / "runs.parquet").unlink()
    narrow = RunsStream(tmp_path / "s", plan.n_batches)
    narrow.MAX_WAITING = 1
    for index, table in sorted(parts, reverse=True):  # the last batch first: all of them wait
        narrow.add(index, table)
    assert narrow.close() is None
    assert not (tmp_path / "s" / "runs.parquet").exists() and not (tmp_path / "s" / "runs.parquet.tmp").exists()


def test_the_stream_gives_up_on_a_part_typed_otherwise_a_missing_batch_or_an_interrupt(tmp_path: Path) -> None:
    """A later part whose types differ from the first's, a batch that never arrives, or an interrupt: no file (the
    parts rebuild it), no temporary file left behind."""
    first = pa.table({"run_id": [0, 1], "seed": [1, 2], "ok": [True, False]})
    gaps = pa.table({"run_id": [2], "seed": [3], "ok": pa.array([None], pa.bool_())})  # bool -> nullable boolean
    for tables, batches in (([first, gaps], 2), ([first], 2)):
        stream = RunsStream(tmp_path, batches)
        for index, table in enumerate(tables):
            stream.add(index, table)
        assert stream.close() is None
        assert list(tmp_path.iterdir()) == []
    stream = RunsStream(tmp_path, 2)
    stream.add(0, first)
    assert (tmp_path / "runs.parquet.tmp").exists()
    stream.give_up()
    assert list(tmp_path.iterdir()) == []


def test_out_of_order_runs_stop_the_stream_and_the_rebuild_names_the_part(tmp_path: Path) -> None:
    """Run ids that go backwards: the stream gives up quietly; write_runs names the part, as before."""
    tables = [pa.table({"run_id": [5, 6], "seed": [1, 2]}), pa.table({"run_id": [1, 2], "seed": [3, 4]})]
    stream = RunsStream(tmp_path, 2)
    (tmp_path / "parts").mkdir()
    for index, table in enumerate(tables):
        stream.add(index, table)
        pq.write_table(table, part_path(tmp_path, index))
    assert stream.close() is None
    with pytest.raises(ValueError, match="part-00001.parquet: runs out of order"):
        write_runs(tmp_path, HEAD)
    assert not (tmp_path / "runs.parquet.tmp").exists()


KINDS = st.sampled_from(["bool", "int", "float", "str", None])


@st.composite
def part(draw: st.DrawFn) -> list[tuple[str, str | None, bool]]:
    names = draw(st.lists(st.sampled_from("abcde"), unique=True, min_size=1))
    return [(n, (kind := draw(KINDS)), True if kind is None else draw(st.booleans())) for n in names]


@settings(max_examples=300, deadline=None)
@given(st.lists(part(), min_size=1, max_size=5))
def test_parts_typed_alike_are_typed_so_together(parts: list) -> None:
    """What lets the stream type runs.parquet from its first part: when every part alone gets the same column types
    (in the same order), all of them together get those types."""
    alone = [list(merged_types([p]).items()) for p in parts]
    if all(a == alone[0] for a in alone):
        assert list(merged_types(parts).items()) == alone[0]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(KINDS, st.floats(0, 1)), min_size=1, max_size=6), st.integers(1, 6),
       st.integers(0, 2**32 - 1))
def test_a_table_in_memory_is_typed_as_its_file(tmp_path_factory: pytest.TempPathFactory, columns: list, rows: int,
                                                seed: int) -> None:
    """``table_types`` of a table equals ``column_types`` of the Parquet file it is written to."""
    rng = np.random.default_rng(seed)
    arrays = {}
    for j, (kind, missing) in enumerate(columns):
        gaps = rng.random(rows) < missing
        values = {"bool": lambda: rng.random(rows) < 0.5, "int": lambda: rng.integers(0, 9, rows),
                  "float": lambda: rng.random(rows), "str": lambda: np.array(list("xyzwvu"[:rows])),
                  None: lambda: None}[kind]()
        arrays[f"c{j}"] = pa.nulls(rows) if values is None else pa.array(values, mask=gaps)
    table = pa.table(arrays)
    path = tmp_path_factory.mktemp("t") / "part.parquet"
    pq.write_table(table, path)
    assert list(table_types(table).items()) == list(column_types([path]).items())
