"""Measure `expect:` claims over a batch of seeds: the statistic, a 95 % interval and PASS/FAIL (numpy only).

A rate gets a Wilson score interval; a median or mean a percentile bootstrap (2,000 resamples, fixed seed);
a claim relative to a baseline is measured on the same seeds in both scenarios and its interval is of the
ratio (a paired bootstrap over seeds). PASS/FAIL is decided on the measured value; the interval says how
sure that is at this many seeds.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.claims import Claim

Z95 = 1.959963984540054
BOOTSTRAP = 2000


@dataclass(frozen=True)
class Measured:
    """One claim measured: its value, interval (of the value, or of the ratio to the baseline) and verdict."""

    claim: Claim
    value: float
    low: float | None
    high: float | None
    passed: bool
    baseline: float | None = None
    runs: int = 0

    def line(self) -> str:
        """``PASS  UK-Russia:collapsed rate >= 0.9: 0.98 [0.96, 0.99] (F1 ...)``."""
        verdict = "PASS" if self.passed else "FAIL"
        text = f"{verdict}  {self.claim}: {_num(self.value)}"
        if self.baseline is not None:
            ratio = self.value / self.baseline if self.baseline else float("nan")
            text += f" = {_num(ratio)}x baseline {_num(self.baseline)}"
        if self.low is not None and self.high is not None:
            unit = "x" if self.baseline is not None else ""
            text += f" [95% CI {_num(self.low)}{unit}, {_num(self.high)}{unit}]"
        text += f" over {self.runs} runs"
        return text + (f"  ({self.claim.note})" if self.claim.note else "")


def _num(x: float) -> str:
    if x != x:
        return "n/a"
    return f"{x:.3g}" if abs(x) < 1000 else f"{x:.0f}"


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of a proportion (good near 0 and 1, unlike the normal approximation)."""
    if n == 0:
        return (float("nan"), float("nan"))
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    low = 0.0 if successes == 0 else max(0.0, centre - half)  # exact ends: no 1e-19 for a 0 of n
    return (low, 1.0 if successes == n else min(1.0, centre + half))


def sample(claim: Claim, column: np.ndarray) -> np.ndarray:
    """The per-run numbers a claim's statistic is taken of: 0/1 for a rate, else floats (NaN: never)."""
    if claim.statistic == "rate":
        if claim.is_ is not None:
            wanted = {claim.is_} if isinstance(claim.is_, str) else set(claim.is_)
            return np.array([v in wanted for v in column.tolist()], dtype=float)
        if column.dtype == bool:
            return column.astype(float)
        return (~np.isnan(column.astype(float))).astype(float)  # a round that may never come: it came
    return column.astype(float)


STAT: dict[str, Callable[[np.ndarray], float]] = {
    "rate": lambda x: float(np.mean(x)) if len(x) else float("nan"),
    "median": lambda x: float(np.nanmedian(x)) if np.isfinite(x).any() else float("nan"),
    "mean": lambda x: float(np.nanmean(x)) if np.isfinite(x).any() else float("nan"),
    "min": lambda x: float(np.nanmin(x)) if np.isfinite(x).any() else float("nan"),
    "max": lambda x: float(np.nanmax(x)) if np.isfinite(x).any() else float("nan"),
}


AXIS: dict[str, Callable[[np.ndarray], np.ndarray]] = {  # a statistic of each row (one resample a row)
    "rate": lambda a: np.mean(a, axis=1),
    "median": lambda a: np.nanmedian(a, axis=1),
    "mean": lambda a: np.nanmean(a, axis=1),
}


def _bootstrap(x: np.ndarray, y: np.ndarray | None, statistic: str) -> tuple[float, float]:
    """95 % percentile interval of the statistic of x (or of its ratio to y's, resampling seeds pairwise)."""
    idx = np.random.default_rng(0).integers(0, len(x), size=(BOOTSTRAP, len(x)))
    stat = AXIS[statistic]
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a resample of only never-came rounds: NaN, dropped
        values = stat(x[idx]) if y is None else stat(x[idx]) / stat(y[idx])
    values = values[np.isfinite(values)]
    if not len(values):
        return (float("nan"), float("nan"))
    return (float(np.quantile(values, 0.025)), float(np.quantile(values, 0.975)))


def measure(claim: Claim, column: np.ndarray, baseline_column: np.ndarray | None = None) -> Measured:
    """The claim's statistic over runs (and over the baseline's runs, for a relative bound) with its interval."""
    x = sample(claim, column)
    stat = STAT[claim.statistic]
    value = stat(x)
    bound = claim.bound
    if bound.factor is not None:
        if baseline_column is None:
            raise ValueError("a claim relative to `baseline` needs the baseline's runs")
        y = sample(claim, baseline_column)
        base = stat(y)
        low, high = _bootstrap(x, y, claim.statistic) if claim.statistic in ("median", "mean", "rate") else (None, None)
        return Measured(claim, value, low, high, bound.holds(value, base), base, len(x))
    if claim.statistic == "rate":
        low, high = wilson(int(x.sum()), len(x))
    elif claim.statistic in ("median", "mean"):
        low, high = _bootstrap(x, None, claim.statistic)
    else:
        low = high = None
    return Measured(claim, value, low, high, bound.holds(value), None, len(x))
