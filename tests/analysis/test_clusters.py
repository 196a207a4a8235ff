"""Cluster counting of final opinions: splitting at gaps, the 2 % share, and the bounded-confidence settling test."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from analysis import clusters as cl


def test_split_at_gaps_and_share():
    """Points farther apart than the gap tolerance split; groups under 2 % of agents are not counted."""
    x = np.r_[np.full(49, 0.25), np.full(50, 0.75), [0.95]]
    found = cl.clusters(x)
    assert [(c.center, c.size) for c in found] == [(0.25, 49), (0.75, 50)]
    assert cl.count(x) == 2
    assert cl.count(x, min_share=0) == 3
    assert cl.count(np.r_[0.1, 0.1 + 5e-4, 0.1 + 1e-3]) == 1  # a chain of small steps is one cluster


def test_gap_boundary_inclusive_or_not():
    """``inclusive`` decides whether a gap exactly at the tolerance splits."""
    x = np.array([0.25, 0.5])
    assert cl.count(x, gap=0.25, min_share=0) == 1
    assert cl.count(x, gap=0.25, min_share=0, inclusive=True) == 2


def test_empty():
    assert cl.clusters(np.array([])) == []
    assert cl.settled(np.array([]), 0.1, strict=True)


def test_settled():
    """Settled: every part the threshold separates is narrower than the threshold (strict < or ≤)."""
    assert cl.settled(np.array([0.0, 0.05, 0.5, 0.55]), 0.2, strict=True)
    assert not cl.settled(np.array([0.0, 0.15, 0.3]), 0.2, strict=True)  # 0 and 0.3 linked, 0.3 apart
    assert cl.settled(np.array([0.0, 0.2]), 0.2, strict=False)  # HK: within ε, both see both: one cluster next
    assert cl.settled(np.array([0.0, 0.2]), 0.2, strict=True)  # DW: exactly d apart, they never meet
    assert not cl.settled(np.array([0.0, 0.15, 0.3]), 0.2, strict=False)


@given(st.lists(st.floats(0, 1), min_size=1, max_size=200), st.floats(1e-4, 0.5))
def test_sizes_add_up_and_order(values: list[float], gap: float):
    """All-size clusters partition the agents and come sorted, separated by more than the gap."""
    found = cl.clusters(np.array(values), gap=gap, min_share=0)
    assert sum(c.size for c in found) == len(values)
    for a, b in zip(found, found[1:], strict=False):
        assert b.low - a.high > gap
