"""Claim statistics: Wilson intervals, bounds and the measured verdict."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.claims import measure, wilson
from sim.claims import Claim, parse_bound


def test_wilson_matches_the_published_formula() -> None:
    low, high = wilson(81, 263)  # Wilson (1927) / Newcombe (1998) example 3: 0.2553 - 0.3662
    assert round(low, 4) == 0.2553 and round(high, 4) == 0.3662
    assert wilson(10, 10)[1] == 1.0 and wilson(0, 10)[0] == 0.0


@pytest.mark.parametrize(("text", "measured", "baseline", "holds"), [
    (">= 0.9", 0.9, None, True), ("> 0.9", 0.9, None, False), ("<= 0.1", 0.05, None, True),
    (">= 3x baseline", 12.0, 4.0, True), (">= 3x baseline", 11.0, 4.0, False), ("> baseline", 0.5, 0.4, True),
    ("== 0", 0.0, None, True),
])
def test_bounds(text: str, measured: float, baseline: float | None, holds: bool) -> None:
    assert parse_bound(text).holds(measured, baseline) is holds


@pytest.mark.parametrize("text", ["at least 0.9", "0.9", ">= 3 baseline x", ">=", 0.9])
def test_malformed_bounds_say_what_to_write(text: object) -> None:
    with pytest.raises(ValueError, match="write OP NUMBER or OP"):
        parse_bound(text)


def test_measure_rate_of_named_values_and_median_ratio() -> None:
    who = np.array(["UK", "both", None, "Russia"] * 25, dtype=object)
    m = measure(Claim.model_validate({"outcome": "x", "rate": ">= 0.5", "is": ["UK", "both"]}), who)
    assert m.passed and m.value == 0.5 and m.low < 0.5 < m.high
    x, y = np.arange(100.0) * 3, np.arange(100.0)
    m = measure(Claim(outcome="x", median=">= 3x baseline"), x, y)
    assert m.passed and m.value == pytest.approx(148.5) and m.baseline == pytest.approx(49.5)
    assert m.low <= 3.0 <= m.high


def test_claim_needs_exactly_one_statistic() -> None:
    with pytest.raises(ValueError, match="exactly one of rate, median"):
        Claim.model_validate({"outcome": "x", "rate": ">= 1", "median": ">= 2"})
