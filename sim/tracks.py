"""Multilateral tracks: the mediator's proposal, agreement and the sidelining pressure of those left out.

Pure functions over arrays runs last (T tracks, N actors, K issues, R runs).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.channels import Matching, Pairs


def active(opens: np.ndarray, closes: np.ndarray, round_: int) -> np.ndarray:
    """Tracks in session this round (same shape as ``opens``)."""
    return (opens <= round_) & (round_ < closes)


def mediation(pairs: Pairs | Matching, seated: np.ndarray, mediators: np.ndarray
              ) -> list[tuple[int, np.ndarray, np.ndarray]]:
    """Where a seated participant hears a track's mediator, who tables the proposal instead of its position.

    For each track t: (t, pair rows in which its mediator speaks, (rows, R) bool: listener and mediator seated).
    ``seated``: (T, N, R) bool.
    """
    out = []
    for t, m in enumerate(mediators):
        rows, listeners, mask = pairs.spoken_by(m)
        med = seated[t][listeners] & seated[t, m]
        if mask is not None:
            med &= mask
        out.append((t, rows, med))
    return out


def weights_of(capability: np.ndarray, salience: np.ndarray, members: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Forecast weights (T, N, K, R) of each participant and their totals (T, K, R; 1 where all are 0), runs last.

    capability × salience; where every participant's salience is 0, capability alone weighs.
    """
    m = members[:, :, None, :]
    cap = capability[None, :, None, :]
    w = cap * salience[None] * m
    cap_only = cap * m * np.ones_like(w)
    total = w.sum(axis=1, keepdims=True)
    w = np.where(total > 0, w, cap_only)
    total = w.sum(axis=1)
    return w, np.where(total > 0, total, 1.0)


def proposal_of(weights: np.ndarray, total: np.ndarray, position: np.ndarray) -> np.ndarray:
    """(T, K, R) weighted mean position of each track's participants (0 for a track without any: all weights 0)."""
    return (weights * position[None]).sum(axis=1) / total



def deviation(position: np.ndarray, prop: np.ndarray) -> np.ndarray:
    """(T, N, K, R) distance of each actor's position from each track's proposal."""
    return np.abs(position[None] - prop[:, None])


def agreement_of(dev: np.ndarray, members: np.ndarray, is_active: np.ndarray, tolerance: np.ndarray) -> np.ndarray:
    """(T, K, R) bool: every participant of an active track is within tolerance of the proposal on the issue."""
    off = (dev > tolerance) & members[:, :, None, :]
    anyone_off = off.any(axis=1)
    return ~anyone_off & is_active[:, None, :] & members.any(axis=1)[:, None, :]


def gap_of(dev: np.ndarray, salience: np.ndarray, members: np.ndarray, is_active: np.ndarray) -> np.ndarray:
    """(N, R) the largest salience-weighted mean distance to a proposal of an active track one has no seat in."""
    dist = np.add.reduce(salience[None] * dev, axis=2) / dev.shape[2]  # the mean over issues
    left_out = is_active[:, None, :] & ~members
    return np.where(left_out, dist, 0.0).max(axis=0, initial=0.0)


def pressure_after(pressure: np.ndarray, gap: np.ndarray, memory: np.ndarray) -> np.ndarray:
    """Sidelining pressure (N, R): a moving average of the gap (``gap_of``) with weight ``memory`` on the new round."""
    return (1 - memory) * pressure + memory * gap


def heard(pairs: Pairs | Matching, position: np.ndarray, proposal: np.ndarray, mediated: list) -> np.ndarray:
    """(P, K, R) what each pair's listener hears: the speaker's position, or the proposal where a track's mediator
    speaks to a seated participant (``mediation``)."""
    out = pairs.speaker(position)
    for t, rows, med in mediated:
        out[rows] = np.where(med[:, None, :], proposal[t][None], out[rows])
    return out
