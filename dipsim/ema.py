"""An EMA Workbench adapter: a dipsim scenario as an ``ema_workbench.Model`` (``pip install 'dipsim[ema]'``).

```python
from ema_workbench import perform_experiments
from dipsim import ema
m = ema.model("article_baseline")                 # uncertainties: every dynamics.* plausible range, and `seed`
experiments, outcomes = perform_experiments(m, 1000, evaluator=ema.BatchEvaluator(m))
```
Uncertainties are dotted scenario paths (and ``seed``, the run's seed, so a stochastic run is reproducible
whatever the evaluator); outcomes are dipsim's outcome columns (flags as 0/1). EMA Workbench 3 wants Python
identifiers as names, so each is spelled as one (``channels.UK-Russia.patience`` ->
``channels_UK_Russia_patience``, ``trust:Russia->UK`` -> ``trust_Russia_to_UK``); ``names(model)`` maps them
back. ``BatchEvaluator`` sends the whole experiment set through dipsim's array engine in batches; any other
evaluator calls the model's function once per experiment, with the same results.
"""

from __future__ import annotations

import functools
import re
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

SEED = "seed"
SEED_MAX = 2**32 - 1


def _ema() -> Any:
    """ema_workbench, imported quietly (it warns about optional parallel back ends at import)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import ema_workbench
    return ema_workbench


def identifier(name: str) -> str:
    """A dipsim path or column spelled as the Python identifier EMA Workbench 3 requires."""
    out = re.sub(r"\W", "_", name.replace("->", "_to_"))
    return f"_{out}" if out[:1].isdigit() else out


def _parameter(ema: Any, path: str, spec: Any) -> Any:
    """An EMA parameter of a path: ``(lo, hi)`` (integer when both ends are) or a list of categories."""
    if isinstance(spec, tuple) and len(spec) == 2:
        lo, hi = spec
        if isinstance(lo, int) and isinstance(hi, int) and not isinstance(lo, bool):
            return ema.IntegerParameter(identifier(path), lo, hi)
        return ema.RealParameter(identifier(path), float(lo), float(hi))
    return ema.CategoricalParameter(identifier(path), list(spec))


def _numeric(value: Any) -> bool:
    return isinstance(value, (bool, int, float, np.bool_, np.integer, np.floating)) or value is None


class _Runner:
    """The scenario text and its outcome names: runs points with seeds through dipsim's batch engine."""

    def __init__(self, path: Path, paths: Sequence[str], outcomes: Sequence[str]) -> None:
        self.path, self.text, self.outcomes = str(path), path.read_text(encoding="utf-8"), list(outcomes)
        self.paths = {identifier(p): p for p in paths}  # EMA name -> dotted path

    def points(self, experiment: Mapping[str, Any]) -> dict[str, Any]:
        """An EMA experiment's values keyed by dotted path (numpy scalars as plain values)."""
        return {self.paths[k]: _plain(v) for k, v in experiment.items() if k in self.paths}

    def run(self, points: Sequence[dict[str, Any]], seeds: Sequence[int], batch: int = 1024) -> list[dict[str, Any]]:
        """Outcomes of each (point, seed), in batches of one engine call per structure (as sweeps run them)."""
        from analysis.sweep.designs import column_kind
        from analysis.sweep.tasks import RunSpec, Task, run_task

        paths = list(dict.fromkeys(p for pt in points for p in pt))
        kinds = tuple((p, column_kind([pt.get(p) for pt in points])) for p in paths)
        rows: list[dict[str, Any]] = []
        for lo in range(0, len(points), batch):
            specs = tuple(RunSpec(k, int(seeds[k]), 0, points[k]) for k in range(lo, min(lo + batch, len(points))))
            result = run_task(Task(lo // batch, ((self.path, self.text),), None, specs, vary_kinds=kinds))
            if result.failures:
                raise ValueError(f"dipsim run failed: {result.failures[0]['error']} at {result.failures[0]['params']}")
            frame = result.table.to_pandas().set_index("run_id")
            rows += [{identifier(o): _float(frame.at[s.run_id, o]) for o in self.outcomes} for s in specs]
        return rows

    def __call__(self, **experiment: Any) -> dict[str, Any]:
        return self.run([self.points(experiment)], [int(experiment[SEED])])[0]


def _float(value: Any) -> float:
    """An outcome as EMA stores it: a float (flags 0/1, missing NaN)."""
    import pandas as pd

    return float("nan") if pd.isna(value) else float(value)


def model(scenario: str | Path = "article_baseline", uncertainties: Mapping[str, Any] | None = None,
          outcomes: Sequence[str] | None = None, name: str = "dipsim") -> Any:
    """An ``ema_workbench.Model`` of a scenario: uncertainties are dotted paths (default: every
    ``dynamics.*`` plausible range) plus ``seed``; outcomes are dipsim's numeric outcome columns."""
    from dipsim.api import run
    from dipsim.commands._common import scenario_path
    from sim.compose import compose_file
    from sim.ranges import default_ranges

    ema = _ema()
    path = scenario_path(str(scenario))
    ranges = dict(uncertainties) if uncertainties is not None else default_ranges(compose_file(path).data, "dynamics")
    probe = run(path, seed=0)
    columns = list(outcomes) if outcomes is not None else [k for k, v in probe.items() if k != SEED and _numeric(v)]
    runner = _Runner(path, list(ranges), columns)
    m = ema.Model(name, function=runner)
    m.uncertainties = [_parameter(ema, p, spec) for p, spec in ranges.items()] + [
        ema.IntegerParameter(SEED, 0, SEED_MAX)]
    m.outcomes = [ema.ScalarOutcome(identifier(o)) for o in columns]
    m.dipsim_runner = runner  # what BatchEvaluator uses
    return m


@functools.cache
def _batch_evaluator_class() -> type:
    ema = _ema()

    class BatchEvaluator(ema.em_framework.evaluators.BaseEvaluator):
        """Runs a whole EMA experiment set through dipsim's array engine in batches (not a call per run)."""

        def __init__(self, msis: Any, batch_size: int = 1024) -> None:
            super().__init__(msis)
            self.batch_size = batch_size

        def initialize(self) -> None:
            """Nothing to start: dipsim runs in this process."""

        def finalize(self) -> None:
            """Nothing to stop."""

        def evaluate_experiments(self, experiments: Iterable[Any], callback: Callable, **kwargs: Any) -> None:
            """Group experiments by model, run each group in engine batches, report each to the callback."""
            by_model: dict[str, list[Any]] = {}
            for e in experiments:
                by_model.setdefault(e.model_name, []).append(e)
            models = {m.name: m for m in self._msis}
            for name, group in by_model.items():
                runner: _Runner = models[name].dipsim_runner
                points = [runner.points(e.scenario) for e in group]
                seeds = [int(e.scenario[SEED]) for e in group]
                for e, out in zip(group, runner.run(points, seeds, self.batch_size), strict=True):
                    callback(e, out)

    return BatchEvaluator


def names(m: Any) -> dict[str, str]:
    """EMA name -> dipsim dotted path or outcome column, for a model made by ``model``."""
    runner: _Runner = m.dipsim_runner
    return runner.paths | {identifier(o): o for o in runner.outcomes}


def _plain(value: Any) -> Any:
    """numpy scalars as Python values (YAML/JSON-ready)."""
    return value.item() if isinstance(value, np.generic) else value


def __getattr__(name: str) -> Any:
    if name == "BatchEvaluator":  # built on first use: ema_workbench is an optional extra
        return _batch_evaluator_class()
    raise AttributeError(name)
