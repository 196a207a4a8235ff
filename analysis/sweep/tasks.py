"""The worker side of a sweep: one batch of runs in, a typed table and failures out (picklable, no I/O).

A batch may mix design points; runs are grouped by the engine's structure key and each group advances
in one engine call. A group that raises is retried run by run, so one bad run never sinks its batch.
Outcomes travel as columns (the engine's typed arrays), and the batch's table is built here, in the
worker, as an Arrow table (pickled as its buffers), so the parent only writes it, and neither needs pandas.
"""

from __future__ import annotations

import json
import pickle
import time
import traceback
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
from pydantic import ValidationError

from analysis.sweep.table import Columns, merge_columns, to_table
from sim.compose import composed_data
from sim.errors import YamlPath
from sim.loader import load_scenario_text
from sim.paths import PathError, resolve_path, set_path
from sim.references import reference_problems
from sim.schema import Scenario

if TYPE_CHECKING:
    import pandas as pd


class EngineRunner:
    """The default run function: dipsim's batch engine (``sim.engine.simulate``), without event logs.

    A runner has ``key`` and ``outcomes`` (one dict per run); ``outcome_arrays`` (typed columns) is optional and
    is what sweeps use when it is there.
    """

    def key(self, scenario: Scenario) -> Hashable:
        """Runs with equal keys can share one engine call."""
        from sim.compile import structure_key

        return structure_key(scenario)

    def outcomes(self, scenarios: Sequence[Scenario], seeds: Sequence[int]) -> list[dict[str, Any]]:
        """One flat outcome dict per (scenario, seed)."""
        from sim.engine import simulate

        return simulate(list(scenarios), list(seeds), log=False).outcomes()

    def outcome_arrays(self, scenarios: Sequence[Scenario], seeds: Sequence[int]) -> dict[str, np.ndarray]:
        """Each outcome as one typed array over the runs (``BatchResult.outcome_arrays``)."""
        from sim.engine import simulate

        return simulate(list(scenarios), list(seeds), log=False).outcome_arrays()

    def outcomes_and_rounds(self, scenarios: Sequence[Scenario], seeds: Sequence[int]
                            ) -> tuple[list[dict[str, Any]], list[pd.DataFrame]]:
        """Outcomes plus each run's tidy per-round table (``--keep-rounds``)."""
        from analysis.outputs import rounds_table
        from sim.engine import simulate

        res = simulate(list(scenarios), list(seeds), record=True, log=False)
        return res.outcomes(), [rounds_table(res, k) for k in range(len(seeds))]


@dataclass(frozen=True)
class RunSpec:
    """One run: its id, seed, which base scenario and which design point."""

    run_id: int
    seed: int
    base: int
    point: dict[str, Any]


class RunColumns(Sequence[RunSpec]):
    """A batch's runs as columns: consecutive run ids from ``first``, each run's seed, base and point number, and
    the distinct points. A task pickles as these few lists instead of 1,024 RunSpecs (36 KB, a few ms each way
    in the parent, where every ms is taken from the workers' cores); a worker builds the RunSpecs once, on use."""

    def __init__(self, first: int, seeds: Sequence[int], bases: Sequence[int], codes: Sequence[int],
                 points: Sequence[dict[str, Any]]) -> None:
        self.columns = (first, list(seeds), list(bases), list(codes), list(points))
        self._specs: tuple[RunSpec, ...] | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        return RunColumns, self.columns

    @property
    def specs(self) -> tuple[RunSpec, ...]:
        """The runs as RunSpecs (the runs of one point share its dict)."""
        if self._specs is None:
            first, seeds, bases, codes, points = self.columns
            self._specs = tuple(map(RunSpec, range(first, first + len(seeds)), seeds, bases,
                                    [points[c] for c in codes]))
        return self._specs

    def __len__(self) -> int:
        return len(self.columns[1])

    def __getitem__(self, i: Any) -> Any:
        return self.specs[i]

    def __iter__(self) -> Iterator[RunSpec]:
        return iter(self.specs)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and tuple(self) == tuple(other)

    __hash__ = None  # type: ignore[assignment]  # RunSpecs hold dicts


@dataclass(frozen=True)
class Task:
    """A batch of runs sent to a worker."""

    index: int
    bases: tuple[tuple[str, str], ...]  # (file name, YAML text) of each scenario
    labels: tuple[str, ...] | None  # compare: the `scenario` column of each base
    runs: Sequence[RunSpec]  # RunColumns from a plan; any sequence of RunSpecs
    runner: Any = field(default_factory=EngineRunner)
    keep_rounds: bool = False
    vary_kinds: tuple[tuple[str, str], ...] = ()  # (path, column kind) of every varied path, design-wide


@dataclass
class TaskResult:
    """What a worker sends back: the typed table of its finished runs (by run_id), one record per failed run."""

    index: int
    table: pa.Table  # the part's rows, typed and described as pandas writes them (``analysis.sweep.table.to_table``)
    failures: list[dict[str, Any]]
    seconds: float
    rounds: pa.Table | None = None  # --keep-rounds: per-round series of the finished runs, with run_id

    @property
    def done(self) -> int:
        """Runs finished."""
        return self.table.num_rows


def override(path: str, value: Any) -> str:
    """A design value as a `--set PATH=VALUE` string (JSON is YAML, and exact for floats)."""
    return f"{path}={json.dumps(value)}"


_PREPARED: dict[tuple[str, str, tuple[str, ...]], tuple[bytes, tuple[YamlPath, ...]]] = {}


def _prepared(filename: str, text: str, point: dict[str, Any]) -> tuple[bytes, tuple[YamlPath, ...]]:
    """The base data with every mapping the point's paths need created, pickled, and each path's concrete key
    path (cached per path set): then a point is set by plain indexing instead of a schema walk per value."""
    key = (filename, text, tuple(point))
    if key not in _PREPARED:
        data = composed_data(text, filename)
        for path, value in point.items():
            set_path(data, path, value)
        if len(_PREPARED) > 64:
            _PREPARED.clear()
        _PREPARED[key] = pickle.dumps(data), tuple(resolve_path(data, path) for path in point)
    return _PREPARED[key]


def _set_point(filename: str, text: str, point: dict[str, Any]) -> dict[str, Any]:
    """The raw data of a design point (PathError if a path cannot exist)."""
    base, concrete = _prepared(filename, text, point)
    data = pickle.loads(base)
    try:
        for keys, value in zip(concrete, point.values(), strict=True):
            node = data
            for k in keys[:-1]:
                node = node[k]
            node[keys[-1]] = value
    except (KeyError, IndexError, TypeError):  # a value that replaced another path's container: the slow way
        data = composed_data(text, filename)
        for path, value in point.items():
            set_path(data, path, value)
    return data


def build_scenario(filename: str, text: str, point: dict[str, Any]) -> Scenario:
    """The scenario of one design point: the base YAML with each PATH set, validated (located ScenarioError)."""
    try:
        data = _set_point(filename, text, point)
        scenario = Scenario.model_validate(data)
        if not reference_problems(scenario):
            return scenario
    except (ValidationError, PathError):
        pass
    # slow path, only for invalid points: the loader's located, worded problems
    load_scenario_text(text, filename, [override(p, v) for p, v in point.items()])
    raise ValueError(f"scenario {filename} with {point} is invalid")  # pragma: no cover - loader agrees


def _error(e: BaseException) -> str:
    """One line naming the error."""
    first = str(e).strip().splitlines()
    return f"{type(e).__name__}: {first[0] if first else ''}" + (" ..." if len(first) > 1 else "")


def _failure(task: Task, run: RunSpec, e: BaseException) -> dict[str, Any]:
    """The failures.jsonl record of a run."""
    record: dict[str, Any] = {"run_id": run.run_id, "seed": run.seed, "batch": task.index}
    if task.labels is not None:
        record["scenario"] = task.labels[run.base]
    record |= {"params": run.point, "error": _error(e), "detail": str(e)[:4000]}
    record["traceback"] = "".join(traceback.format_exception(e))[-4000:]
    return record


def _table(task: Task, done: Sequence[RunSpec], outcomes: Columns) -> pa.Table:
    """The runs.parquet rows of the finished runs: ids, seed, [scenario], varied paths, outcomes."""
    ids: dict[str, list[Any]] = {"run_id": [r.run_id for r in done], "seed": [r.seed for r in done]}
    if task.labels is not None:
        ids["scenario"] = [task.labels[r.base] for r in done]
    points = {path: [r.point.get(path) for r in done] for path, _ in task.vary_kinds}
    return to_table(ids, points, dict(task.vary_kinds), outcomes)


def run_task(task: Task) -> TaskResult:
    """Run a batch: build scenarios, group by structure, simulate, retry failing groups run by run."""
    start = time.perf_counter()
    built: dict[tuple[int, str], tuple[Scenario, Hashable] | BaseException] = {}
    groups: dict[Hashable, list[tuple[RunSpec, Scenario]]] = {}
    failures: list[dict[str, Any]] = []
    keys: dict[int, str] = {}  # id of a point dict -> its contents as a key (the runs of a point share one dict)
    for run in task.runs:
        if id(run.point) not in keys:
            keys[id(run.point)] = repr(sorted(run.point.items()))
        cache_key = (run.base, keys[id(run.point)])
        if cache_key not in built:
            try:
                sc = build_scenario(*task.bases[run.base], run.point)
                built[cache_key] = (sc, task.runner.key(sc))
            except Exception as e:
                built[cache_key] = e
        entry = built[cache_key]
        if isinstance(entry, BaseException):
            failures.append(_failure(task, run, entry))
        else:
            groups.setdefault(entry[1], []).append((run, entry[0]))
    outcomes: list[tuple[list[int], Columns]] = []
    rounds: dict[int, pd.DataFrame] = {}
    for members in groups.values():
        runs, scenarios = zip(*members, strict=True)
        try:
            _simulate(task, runs, scenarios, outcomes, rounds)
        except Exception:
            for run, sc in members:
                try:
                    _simulate(task, [run], [sc], outcomes, rounds)
                except Exception as e:
                    failures.append(_failure(task, run, e))
    finished = {i for ids, _ in outcomes for i in ids}
    done = [run for run in task.runs if run.run_id in finished]
    table = _table(task, done, merge_columns(outcomes))
    series = _rounds(done, rounds) if task.keep_rounds and done else None
    failures.sort(key=lambda f: f["run_id"])
    return TaskResult(task.index, table, failures, time.perf_counter() - start, series)


def _rounds(done: Sequence[RunSpec], rounds: dict[int, pd.DataFrame]) -> pa.Table:
    """The per-round tables of the finished runs as one, run_id first, as ``to_parquet(index=False)`` stores it."""
    import pandas as pd  # --keep-rounds only: the per-round tables are DataFrames

    table = pd.concat([rounds[r.run_id].assign(run_id=r.run_id) for r in done], ignore_index=True)
    table = table[["run_id", *[c for c in table.columns if c != "run_id"]]]
    return pa.Table.from_pandas(table, preserve_index=False)


def _simulate(task: Task, runs: Sequence[RunSpec], scenarios: Sequence[Scenario],
              outcomes: list[tuple[list[int], Columns]], rounds: dict[int, pd.DataFrame]) -> None:
    """Run one group in one engine call and file its outcome columns (and per-round tables) with its run_ids."""
    seeds = [r.seed for r in runs]
    if task.keep_rounds:
        results, tables = task.runner.outcomes_and_rounds(scenarios, seeds)
        rounds.update((r.run_id, t) for r, t in zip(runs, tables, strict=True))
        columns: Columns = _columns_of(results)
    elif hasattr(task.runner, "outcome_arrays"):
        columns = task.runner.outcome_arrays(scenarios, seeds)
    else:
        columns = _columns_of(task.runner.outcomes(scenarios, seeds))
    if any(len(v) != len(runs) for v in columns.values()):
        raise ValueError(f"the run function returned columns of the wrong length for {len(runs)} runs")
    outcomes.append(([r.run_id for r in runs], columns))


def _columns_of(rows: Sequence[dict[str, Any]]) -> Columns:
    """Outcome dicts (one per run) as columns of Python values (None where a run lacks the key)."""
    keys = list(dict.fromkeys(k for row in rows for k in row))
    return {k: [row.get(k) for row in rows] for k in keys}
