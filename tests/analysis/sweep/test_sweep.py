"""Sweeps with a fake run function: identical rows whatever the batching, isolated failures, resume, formats."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from analysis.sweep.backends import LocalBackend, SerialBackend
from analysis.sweep.designs import parse_vary
from analysis.sweep.execute import execute, start
from analysis.sweep.plan import Plan, compare_plan, read_source, sweep_plan
from sim.schema import Scenario

OPEN = "actors.UK.strategy.openness"
PAT = "channels.UK-Russia.patience"
TINY = """\
# A tiny two-actor scenario for sweep tests.
name: tiny
rounds: 10
seed: 5
issues: {territory: {low: a, high: b}}
actors:
  UK: {position: {territory: 0.1}, strategy: {openness: 0.2}}
  Russia: {position: {territory: 0.9}}
channels:
  - {between: [UK, Russia], opens: 1, patience: 3}
"""


class FakeRunner:
    """A deterministic stand-in for the engine: outcomes are a function of the point and the seed only."""

    def __init__(self, fail_openness: float | None = None, interrupt_batch_with: int | None = None) -> None:
        self.fail_openness = fail_openness
        self.interrupt_run = interrupt_batch_with

    def key(self, scenario: Scenario) -> Any:
        return scenario.channels[0].patience % 2  # two structures, to exercise grouping

    def outcomes(self, scenarios: Sequence[Scenario], seeds: Sequence[int]) -> list[dict[str, Any]]:
        out = []
        for sc, seed in zip(scenarios, seeds, strict=True):
            openness = sc.actors["UK"].strategy.openness
            if openness == self.fail_openness:
                raise ValueError(f"boom at openness {openness}")
            if self.interrupt_run is not None and seed == self.interrupt_run:
                raise KeyboardInterrupt
            rng = np.random.default_rng(seed)
            lifetime = int(rng.integers(1, 10) * (1 + openness))
            agree = bool(rng.random() < openness)
            out.append({"agreement": agree, "agreement_round": int(rng.integers(1, 10)) if agree else None,
                        "UK-Russia:lifetime": lifetime, "UK-Russia:collapsed": lifetime < 9,
                        "UK-Russia:opened": 1 if rng.random() < 0.8 else None, "polarization": float(rng.random())})
        return out


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY)
    return path


def _plan(tiny: Path, batch: int = 7, seeds: int = 5) -> Plan:
    vary = [parse_vary(f"{OPEN}=0:1:5"), parse_vary(f"{PAT}=2,3")]
    return sweep_plan(read_source(tiny), vary, "grid", None, seeds, 3, batch)


def _sweep(plan: Plan, out: Path, backend: Any = None, runner: Any = None) -> pd.DataFrame:
    start(plan, out)
    with backend or SerialBackend() as b:
        execute(plan, out, b, runner or FakeRunner(), progress=False)
    return pd.read_parquet(out / "runs.parquet")


def test_rows_do_not_depend_on_batching_or_workers(tiny: Path, tmp_path: Path) -> None:
    a = _sweep(_plan(tiny, batch=256), tmp_path / "a")
    b = _sweep(_plan(tiny, batch=1), tmp_path / "b")
    c = _sweep(_plan(tiny, batch=7), tmp_path / "c", LocalBackend(2))
    assert len(a) == 5 * 2 * 5
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(a, c)


def test_table_format(tiny: Path, tmp_path: Path) -> None:
    runs = _sweep(_plan(tiny), tmp_path / "s")
    assert list(runs.columns[:4]) == ["run_id", "seed", OPEN, PAT]
    assert list(runs["run_id"]) == list(range(50))
    assert runs["run_id"].dtype == "int64" and runs["seed"].dtype == "int64"
    assert runs[OPEN].dtype == "float64" and runs[PAT].dtype == "int64"
    assert runs["agreement"].dtype == bool and runs["UK-Russia:collapsed"].dtype == bool
    assert runs["agreement_round"].dtype == "float64" and runs["agreement_round"].isna().any()
    assert runs["UK-Russia:lifetime"].dtype == "int64" and runs["UK-Russia:opened"].dtype == "float64"
    seeds = np.random.SeedSequence(3).spawn(50)
    assert list(runs["seed"]) == [int(s.generate_state(1)[0]) for s in seeds]
    assert runs.groupby([OPEN, PAT]).size().eq(5).all()


def test_manifest(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "s"
    _sweep(_plan(tiny), out)
    m = json.loads((out / "manifest.json").read_text())
    assert m["kind"] == "sweep" and m["status"] == "done"
    assert m["scenario"]["name"] == "tiny" and m["scenario"]["path"] == str(tiny.resolve())
    assert m["scenario"]["hash"] == __import__("hashlib").sha256(tiny.read_bytes()).hexdigest()
    assert m["design"]["kind"] == "grid" and m["design"]["samples"] is None
    assert m["design"]["vary"] == {OPEN: [0.0, 0.25, 0.5, 0.75, 1.0], PAT: [2, 3]}
    assert (m["seeds"], m["root_seed"], m["batch_size"]) == (5, 3, 7)
    assert m["counts"] == {"total": 50, "done": 50, "failed": 0}
    assert m["started"] and m["finished"]
    assert set(m["versions"]) == {"python", "dipsim", "numpy", "mesa", "pandas"}
    assert sorted(p.name for p in (out / "parts").iterdir()) == [f"part-{k:05d}.parquet" for k in range(8)]
    assert (out / "failures.jsonl").read_text() == ""


def test_failures_are_isolated(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "s"
    runs = _sweep(_plan(tiny), out, runner=FakeRunner(fail_openness=0.5))
    good = _sweep(_plan(tiny), tmp_path / "good")
    assert len(runs) == 40 and 0.5 not in set(runs[OPEN])
    pd.testing.assert_frame_equal(runs, good[good[OPEN] != 0.5].reset_index(drop=True))
    failures = [json.loads(line) for line in (out / "failures.jsonl").read_text().splitlines()]
    assert [f["run_id"] for f in failures] == list(range(20, 30))
    assert failures[0]["params"] == {OPEN: 0.5, PAT: 2} and failures[0]["error"] == "ValueError: boom at openness 0.5"
    assert failures[0]["seed"] == good.loc[20, "seed"] and "Traceback" in failures[0]["traceback"]
    m = json.loads((out / "manifest.json").read_text())
    assert m["counts"] == {"total": 50, "done": 40, "failed": 10} and m["status"] == "done"


def test_invalid_combination_fails_only_its_runs(tiny: Path, tmp_path: Path) -> None:
    """Each value is valid alone; together (channel opening after the horizon) they are not."""
    vary = [parse_vary("rounds=2,10"), parse_vary("channels.UK-Russia.opens=1,5")]
    plan = sweep_plan(read_source(tiny), vary, "grid", None, 3, 0, 4)
    out = tmp_path / "s"
    runs = _sweep(plan, out)
    assert len(runs) == 9
    failures = [json.loads(line) for line in (out / "failures.jsonl").read_text().splitlines()]
    assert [f["run_id"] for f in failures] == [3, 4, 5]
    assert failures[0]["params"] == {"rounds": 2, "channels.UK-Russia.opens": 5}
    assert "channels.UK-Russia.opens" in failures[0]["detail"] and "outside the horizon" in failures[0]["detail"]


def test_interrupt_then_resume_equals_uninterrupted(tiny: Path, tmp_path: Path) -> None:
    plan = _plan(tiny, batch=6)
    full = _sweep(plan, tmp_path / "full")
    out = tmp_path / "cut"
    start(plan, out)
    stop_seed = int(full.loc[20, "seed"])  # batch 3 of 9 raises KeyboardInterrupt
    with SerialBackend() as b:
        summary = execute(plan, out, b, FakeRunner(interrupt_batch_with=stop_seed), progress=False)
    assert summary.interrupted and summary.done == 18
    m = json.loads((out / "manifest.json").read_text())
    assert m["status"] == "interrupted" and m["counts"]["done"] == 18 and not (out / "runs.parquet").exists()
    with SerialBackend() as b:
        summary = execute(plan, out, b, FakeRunner(), progress=False)
    assert not summary.interrupted and summary.session_runs == 32
    pd.testing.assert_frame_equal(pd.read_parquet(out / "runs.parquet"), full)
    m = json.loads((out / "manifest.json").read_text())
    assert m["status"] == "done" and m["counts"]["done"] == 50 and len(m["resumed"]) == 1


def test_compare_uses_the_same_seeds(tiny: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    other.write_text(TINY.replace("openness: 0.2", "openness: 0.9").replace("name: tiny", "name: open"))
    plan = compare_plan([read_source(tiny), read_source(other)], 6, 1, 4)
    runs = _sweep(plan, tmp_path / "c")
    assert list(runs.columns[:3]) == ["run_id", "seed", "scenario"]
    assert list(runs["scenario"]) == ["tiny"] * 6 + ["open"] * 6
    assert list(runs["seed"][:6]) == list(runs["seed"][6:])
    m = json.loads((tmp_path / "c" / "manifest.json").read_text())
    assert m["kind"] == "compare" and [s["name"] for s in m["scenarios"]] == ["tiny", "open"]
    assert m["seeds"] == 6 and m["counts"]["done"] == 12


def test_compare_labels_are_unique(tiny: Path) -> None:
    plan = compare_plan([read_source(tiny), read_source(tiny)], 2, 0)
    assert [s.label for s in plan.sources] == ["tiny [tiny]", "tiny [tiny] #2"]


def test_whole_number_ranges_follow_the_field_type(tiny: Path) -> None:
    """`openness=0:1` is a real range (the field takes fractions); `patience=1:8` stays whole numbers."""
    vary = [parse_vary(f"{OPEN}=0:1"), parse_vary(f"{PAT}=1:8"), parse_vary("actors.UK.capability=0,1")]
    plan = sweep_plan(read_source(tiny), vary, "lhs", 16, 1, 0)
    openness = [p[OPEN] for p in plan.points]
    assert all(isinstance(x, float) for x in openness) and len(set(openness)) == 16
    assert all(isinstance(p[PAT], int) for p in plan.points)
    assert {p["actors.UK.capability"] for p in plan.points} == {0.0, 1.0}
    assert plan.vary_kinds == {OPEN: "float", PAT: "int", "actors.UK.capability": "float"}
    assert plan.design["vary"][OPEN] == [0.0, 1.0]


def test_default_batch_is_sized_to_the_scenario():
    from analysis.sweep.plan import DEFAULT_BATCH, auto_batch

    assert auto_batch(100_000, 2, weight=5 * 5 * 3) == DEFAULT_BATCH  # the article: large batches
    assert auto_batch(100_000, 2, weight=1000 * 1000) == 1  # 1,000 actors: one run per batch
    assert auto_batch(400, 2, weight=75) == 50  # small sweeps still give each worker several batches
    assert auto_batch(40, 2, weight=75) == 16  # but batches are not made tiny


class RowsOnlyEngine:
    """The engine behind the plain runner protocol (one outcome dict per run), without typed arrays."""

    def __init__(self) -> None:
        from analysis.sweep.tasks import EngineRunner

        self.engine = EngineRunner()

    def key(self, scenario: Scenario) -> Any:
        return self.engine.key(scenario)

    def outcomes(self, scenarios: Sequence[Scenario], seeds: Sequence[int]) -> list[dict[str, Any]]:
        return self.engine.outcomes(scenarios, seeds)


def test_typed_columns_make_the_table_the_rows_make(tmp_path: Path) -> None:
    """A worker's table from the engine's typed arrays equals the one typed from outcome rows, value and dtype,
    with design points of two structures interleaved in every batch."""
    import scenarios

    vary = [parse_vary(f"{OPEN}=0:1:3"), parse_vary("dynamics.update=step,mean")]
    plan = sweep_plan(read_source(scenarios.builtin()), vary, "grid", None, 4, 9, 5)
    from analysis.sweep.tasks import EngineRunner

    fast = _sweep(plan, tmp_path / "fast", runner=EngineRunner())
    rows = _sweep(plan, tmp_path / "rows", runner=RowsOnlyEngine())
    pd.testing.assert_frame_equal(fast, rows)
    assert fast["agreement_round"].dtype == np.float64 and fast["UK-Russia:collapsed"].dtype == bool
    assert fast["UK-Russia:lifetime"].dtype == np.int64 and len(fast) == 24


def test_runs_table_is_streamed_part_by_part(tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """runs.parquet is written a few parts at a time (row groups), and is the table the parts make in memory."""
    from analysis.sweep import io as sweep_io

    out = tmp_path / "s"
    whole = _sweep(_plan(tiny, batch=3), out)
    monkeypatch.setattr(sweep_io, "ROW_GROUP", 10)
    rows, _ = sweep_io.finish_files(out, _plan(tiny, batch=3).head)
    import pyarrow.parquet as pq

    groups = pq.ParquetFile(out / "runs.parquet").metadata.num_row_groups
    assert rows == len(whole) == 50 and groups == 5  # parts of 3 rows, flushed at >= 10: 12, 12, 12, 12, 2
    pd.testing.assert_frame_equal(pd.read_parquet(out / "runs.parquet"), whole)
    pd.testing.assert_frame_equal(sweep_io.combine(out, []), whole)


def test_manifest_is_rewritten_at_most_every_manifest_every_seconds(tiny: Path, tmp_path: Path, monkeypatch) -> None:
    """Per batch only when MANIFEST_EVERY has passed (here: never, then always), so the count is deterministic."""
    import analysis.sweep.execute as sweep_module

    writes: list[str] = []
    real = sweep_module.write_json

    def counting(path: Path, doc: Any) -> None:
        if path.name == "manifest.json":
            writes.append(doc.get("status"))
        real(path, doc)

    monkeypatch.setattr(sweep_module, "write_json", counting)
    for every, expected in ((1e9, 3), (0.0, 3 + 50)):  # start, execute's first write, (each batch), done
        writes.clear()
        monkeypatch.setattr(sweep_module, "MANIFEST_EVERY", every)
        out = tmp_path / f"s{every}"
        assert len(_sweep(_plan(tiny, batch=1), out)) == 50
        assert len(writes) == expected and writes[0] == "running" and writes[-1] == "done"
        assert json.loads((out / "manifest.json").read_text())["counts"] == {"total": 50, "done": 50, "failed": 0}


@pytest.mark.parametrize("batch", [1, 7, 50])
def test_a_task_carries_its_runs_as_columns(tiny: Path, batch: int) -> None:
    """A plan's task holds the runs one RunSpec per run would (id, seed, base, point; one dict per point), and
    pickles as columns: the same runs after the trip, in fewer bytes than the RunSpecs."""
    import pickle

    from analysis.sweep.tasks import RunSpec
    from sim.seeding import spawned_seeds

    plan = _plan(tiny, batch=batch)
    for index in range(plan.n_batches):
        ks = range(index * batch, min((index + 1) * batch, plan.total))
        cells = [divmod(k // plan.seeds, len(plan.points)) for k in ks]  # (base, point) of each run
        want = tuple(RunSpec(k, s, base, plan.points[point])
                     for k, s, (base, point) in zip(ks, spawned_seeds(plan.root_seed, ks), cells, strict=True))
        task = plan.task(index)
        back = pickle.loads(pickle.dumps(task))
        assert tuple(task.runs) == tuple(back.runs) == want and back.runs == task.runs
        assert len({id(r.point) for r in back.runs}) == len({k // plan.seeds for k in ks})
        if batch == 50:
            assert len(pickle.dumps(task.runs)) < len(pickle.dumps(tuple(task.runs))) / 2
