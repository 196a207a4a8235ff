"""Progress (a tqdm bar on a terminal; a plain line every few seconds when stderr is a file or pipe) and the
end-of-sweep summary line."""

from __future__ import annotations

import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

PLAIN_EVERY = 5.0  # seconds between plain progress lines


class PlainProgress:
    """Progress for a log file: ``done / total, rate, ETA`` on its own line every PLAIN_EVERY seconds, no ``\\r``."""

    def __init__(self, total: int, initial: int, unit: str, stream: TextIO, every: float = PLAIN_EVERY) -> None:
        self.total, self.n, self.unit, self.stream, self.every = total, initial, unit, stream, every
        self.start_n, self.start = initial, time.monotonic()
        self.last, self.postfix = self.start, ""

    def __enter__(self) -> PlainProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def set_postfix(self, refresh: bool = False, **values: object) -> None:
        self.postfix = ", ".join(f"{k} {v}" for k, v in values.items())

    def update(self, n: int = 1) -> None:
        self.n += n
        now = time.monotonic()
        if now - self.last >= self.every:
            self.last = now
            self.stream.write(self.line(now) + "\n")
            self.stream.flush()

    def line(self, now: float) -> str:
        """`1200/20000 runs (6%), 2400 runs/s, ETA 8 s`."""
        rate = (self.n - self.start_n) / max(now - self.start, 1e-9)
        eta = f", ETA {(self.total - self.n) / rate:.0f} s" if rate > 0 and self.total else ""
        share = f" ({self.n / self.total:.0%})" if self.total else ""
        extra = f", {self.postfix}" if self.postfix else ""
        return f"{self.n}/{self.total} {self.unit}s{share}, {rate:.0f} {self.unit}s/s{eta}{extra}"

    def close(self) -> None:
        pass


def is_terminal(stream: TextIO) -> bool:
    """Whether ``stream`` is an interactive terminal (where carriage-return updates belong)."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def bar(total: int, initial: int = 0, enabled: bool = True, stream: TextIO | None = None, unit: str = "run",
        **options: Any) -> Any:
    """Progress counting runs (finished or failed): a tqdm bar on a terminal, plain lines otherwise."""
    stream = stream or sys.stderr
    if not enabled:  # a counter that never writes (and no tqdm import)
        return PlainProgress(total, initial, unit, stream, every=math.inf)
    if not is_terminal(stream):
        return PlainProgress(total, initial, unit, stream)
    from tqdm import tqdm

    settings = dict(smoothing=0.1, mininterval=0.5, dynamic_ncols=True, leave=True) | options
    return tqdm(total=total, initial=initial, unit=unit, file=stream, **settings)


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
