"""What a user asked a sweep or comparison for, and the names the flags offer: light (no pandas, no engine), so
parsing the command line starts at once and the pool can start before planning."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

GSA_DESIGNS: tuple[str, ...] = ("sobol", "morris")  # designs with global sensitivity indices (SALib)
DESIGNS: tuple[str, ...] = ("grid", "lhs", *GSA_DESIGNS)
BACKENDS: tuple[str, ...] = ("local", "dask")
DEFAULT_BATCH = 1024  # the largest default batch: the engine's best for small scenarios (docs/performance.md)
SWEEP_SEEDS = 20  # default replicate seeds per point of a sweep
COMPARE_SEEDS = 100  # default runs per scenario of a comparison


@dataclass
class Request:
    """Where and how batches run (shared by sweep and compare); None means the default."""

    seed: int | None = None
    workers: int | None = None
    backend: str = "local"
    scheduler: str | None = None
    batch_size: int | None = None
    out: str | None = None
    force: bool = False  # write into a non-empty --out that is not a dipsim output
    keep_rounds: bool = False
    progress: bool = True
    dashboard: bool = True
    plotly: str = "inline"  # how the dashboard loads plotly.js (analysis.html.PLOTLY_MODES)
    vary: Sequence[str] = field(default_factory=list)  # sweeps: PATH=VALUES texts
    design: str | None = None
    samples: int | None = None
    seeds: int | None = None
    levels: int | None = None  # morris grid levels
    groups: Sequence[str] = field(default_factory=list)  # sobol/morris: NAME=PATTERN[,PATTERN] texts

    @property
    def may_pool(self) -> bool:
        """Whether this request may run on a local process pool (so starting its fork server early can pay)."""
        return self.backend == "local" and self.workers != 1


def is_sweep_data(data: dict[str, Any]) -> bool:
    """A YAML mapping is a sweep file when it has `scenario:` or `sweep:` at the top."""
    return "sweep" in data or "scenario" in data
