"""Progress bar (tqdm, on stderr, with ETA) and the end-of-sweep summary line."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from tqdm import tqdm


def bar(total: int, initial: int = 0, enabled: bool = True, stream: TextIO | None = None) -> Any:
    """A tqdm bar counting runs (finished or failed)."""
    return tqdm(
        total=total, initial=initial, unit="run", file=stream or sys.stderr, disable=not enabled,
        smoothing=0.1, mininterval=0.5, dynamic_ncols=True, leave=True,
    )


@dataclass(frozen=True)
class Summary:
    """How a sweep went: counts over the whole sweep, time and speed of this session."""

    out: Path
    total: int
    done: int
    failed: int
    seconds: float
    session_runs: int
    interrupted: bool = False

    @property
    def runs_per_s(self) -> float:
        return self.session_runs / self.seconds if self.seconds > 0 else 0.0

    def line(self) -> str:
        """`600 runs: 598 done, 2 failed in 3.1 s (194 runs/s) -> DIR`."""
        state = "interrupted after" if self.interrupted else "finished"
        missing = self.total - self.done - self.failed
        rest = f", {missing} not run (resume with `dipsim sweep --resume {self.out}`)" if missing else ""
        return (
            f"{state} {self.total} runs: {self.done} done, {self.failed} failed{rest}; "
            f"{self.session_runs} runs in {self.seconds:.1f} s ({self.runs_per_s:.0f} runs/s) -> {self.out}"
        )
