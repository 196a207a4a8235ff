"""Opinion clusters of one issue: sort the opinions and split them where neighbours are far apart (pure numpy).

Two agents belong to the same cluster when a chain of sorted neighbours links them with every step at most
``gap`` (the gap tolerance). A cluster *counts* when it holds at least ``min_share`` of all agents (Deffuant
et al. 2000 ignore the small "extremist" clusters left at the edges; 2 % by default). With the default
``GAP = 1e-3`` a converged bounded-confidence state is split exactly into its clusters: converged clusters
are points at least the confidence threshold (≥ 0.01 in every published run) apart.

``settled`` tells when a bounded-confidence run can no longer change its clusters, so a test can stop
early and count: split at gaps the confidence threshold rules out; if every part is narrower than the
threshold, every pair inside a part keeps interacting, so each part shrinks to one point and parts never meet.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

GAP = 1e-3  # default gap tolerance: neighbours farther apart than this are in different clusters
MIN_SHARE = 0.02  # default smallest share of all agents a counted cluster holds


@dataclass(frozen=True)
class Cluster:
    """One cluster: its mean opinion, its size and the range of its members."""

    center: float
    size: int
    low: float
    high: float


def groups(opinions: np.ndarray, gap: float = GAP, *, inclusive: bool = False) -> list[np.ndarray]:
    """Sorted opinions split where neighbours differ by more than ``gap`` (``inclusive``: by ``gap`` or more)."""
    x = np.sort(np.asarray(opinions, dtype=float).ravel())
    if x.size == 0:
        return []
    step = np.diff(x)
    cut = np.nonzero(step >= gap if inclusive else step > gap)[0] + 1
    return np.split(x, cut)


def clusters(
    opinions: np.ndarray, gap: float = GAP, min_share: float = MIN_SHARE, *, inclusive: bool = False
) -> list[Cluster]:
    """The clusters holding at least ``min_share`` of all agents, from low to high."""
    parts = groups(opinions, gap, inclusive=inclusive)
    total = sum(len(p) for p in parts)
    return [
        Cluster(float(p.mean()), len(p), float(p[0]), float(p[-1]))
        for p in parts
        if len(p) >= min_share * total
    ]


def count(opinions: np.ndarray, gap: float = GAP, min_share: float = MIN_SHARE, *, inclusive: bool = False) -> int:
    """How many clusters hold at least ``min_share`` of all agents."""
    return len(clusters(opinions, gap, min_share, inclusive=inclusive))


def settled(opinions: np.ndarray, confidence: float, *, strict: bool) -> bool:
    """True when bounded confidence can no longer change the clusters (``strict``: agents interact when gap < d)."""
    parts = groups(opinions, confidence, inclusive=strict)
    return all((p[-1] - p[0] < confidence) if strict else (p[-1] - p[0] <= confidence) for p in parts)
