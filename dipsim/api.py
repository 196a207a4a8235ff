"""dipsim from Python: one run, a sweep returning the same typed table as `runs.parquet`, and loading results.

```python
from dipsim import api
api.run("article_baseline", seed=7, overrides={"channels.UK-Russia.patience": 5})   # {outcome: value}
runs = api.sweep("article_baseline", vary={"channels.UK-Russia.patience": [2, 3, 5]}, seeds=50)
gsa = api.sweep("article_baseline", vary={"dynamics.*": "default-ranges"}, design="sobol", samples=64)
api.load("out/gsa")                                                                   # runs.parquet
```
Scenarios are paths or shipped names; dotted paths, designs and seeds mean exactly what they mean on the CLI.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.sweep.designs import DesignError, Vary, vary_from_values
from dipsim.commands._common import scenario_path


def _vary(vary: Mapping[str, Any]) -> list[Vary]:
    """``{path: values}`` as Vary entries: a VALUES string, a list, ``(lo, hi)`` for a range, or
    ``"default-ranges"`` (also meant by a ``PREFIX.*`` key)."""
    out = []
    for path, values in vary.items():
        if isinstance(values, tuple) and len(values) == 2:
            values = f"{values[0]}:{values[1]}"
        out.append(vary_from_values(path, values, f"vary[{path!r}]"))
    return out


def run(scenario: str | Path = "article_baseline", seed: int | None = None,
        overrides: Mapping[str, Any] | None = None, **paths: Any) -> dict[str, Any]:
    """One run: its flat outcomes (a `runs.parquet` row without ids). ``overrides`` maps dotted paths to values;
    keyword arguments are paths with ``__`` for dots (``dynamics__trust_loss=0.3``)."""
    from analysis.sweep.tasks import override
    from sim.engine import simulate
    from sim.loader import load_scenario
    from sim.seeding import default_seed

    values = dict(overrides or {}) | {k.replace("__", "."): v for k, v in paths.items()}
    sc = load_scenario(scenario_path(str(scenario)), [override(p, v) for p, v in values.items()])
    seed = default_seed(seed, sc.seed)
    return simulate(sc, [seed], log=False).outcomes()[0] | {"seed": seed}


def sweep(scenario: str | Path, vary: Mapping[str, Any] | None = None, design: str = "grid",
          samples: int | None = None, seeds: int = 20, seed: int | None = None, levels: int | None = None,
          workers: int | None = 1, out: str | Path | None = None) -> pd.DataFrame:
    """A sweep, as `dipsim sweep` runs it: the rows of its `runs.parquet` (same columns, types and seeds).
    ``out`` keeps the directory (for `dipsim sensitivity` / `discover`); else it is a temporary one."""
    from analysis.sweep.backends import make_backend
    from analysis.sweep.execute import execute, start
    from analysis.sweep.plan import auto_batch, read_source, sweep_plan
    from analysis.sweep.setup import source_seed
    from sim.seeding import default_seed

    source = read_source(scenario_path(str(scenario)))
    root = default_seed(seed, source_seed(source))
    plan = sweep_plan(source, _vary(vary or {}), design, samples, seeds, root, levels=levels)
    plan.batch_size = auto_batch(plan.total, workers or 1)
    with tempfile.TemporaryDirectory(prefix="dipsim-sweep-") as tmp:
        d = Path(out) if out is not None else Path(tmp)
        start(plan, d)
        with make_backend("local", workers, None) as backend:
            execute(plan, d, backend, None, progress=False)
        return load(d)


def load(path: str | Path) -> pd.DataFrame:
    """A saved table: a sweep/compare directory's `runs.parquet`, or any `.parquet` file (`sensitivity.parquet`)."""
    p = Path(path)
    table = p / "runs.parquet" if p.is_dir() else p
    if not table.is_file():
        raise FileNotFoundError(f"{path}: no runs.parquet here (is it a finished sweep directory?)")
    return pd.read_parquet(table)


__all__ = ["DesignError", "load", "run", "sweep"]
