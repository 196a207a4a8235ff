"""Multilateral tracks: the mediator's proposal, agreement and the sidelining pressure of those left out.

Pure functions over arrays (R runs, T tracks, N actors, K issues).
"""

from __future__ import annotations

import numpy as np


def active(opens: np.ndarray, closes: np.ndarray, round_: int) -> np.ndarray:
    """(R, T) bool: the tracks in session this round."""
    return (opens <= round_) & (round_ < closes)


def proposal(position: np.ndarray, capability: np.ndarray, salience: np.ndarray, members: np.ndarray) -> np.ndarray:
    """(R, T, K) capability × salience-weighted mean position of each track's participants.

    Bueno de Mesquita's forecast rule; where every participant's salience is 0, capability alone weighs.
    """
    m = members[:, :, :, None]
    w = capability[:, None, :, None] * salience[:, None, :, :] * m
    cap_only = capability[:, None, :, None] * m * np.ones_like(w)
    total = w.sum(axis=2, keepdims=True)
    w = np.where(total > 0, w, cap_only)
    total = w.sum(axis=2)
    weighted = (w * position[:, None, :, :]).sum(axis=2)
    return np.divide(weighted, total, out=np.zeros_like(weighted), where=total > 0)


def issue_agreement(
    position: np.ndarray, prop: np.ndarray, members: np.ndarray, is_active: np.ndarray, tolerance: np.ndarray
) -> np.ndarray:
    """(R, T, K) bool: every participant of an active track is within tolerance of the proposal on the issue."""
    off = np.abs(position[:, None, :, :] - prop[:, :, None, :]) > tolerance[:, None, None, None]
    anyone_off = (off & members[:, :, :, None]).any(axis=2)
    return ~anyone_off & is_active[:, :, None] & members.any(axis=2)[:, :, None]


def sidelining_gap(
    position: np.ndarray, salience: np.ndarray, prop: np.ndarray, members: np.ndarray, is_active: np.ndarray
) -> np.ndarray:
    """(R, N) how much each actor loses by being outside active tracks: the largest salience-weighted
    mean distance between its position and a proposal it has no seat to shape (0 when seated everywhere)."""
    dist = (salience[:, None, :, :] * np.abs(position[:, None, :, :] - prop[:, :, None, :])).mean(axis=3)
    left_out = is_active[:, :, None] & ~members
    return np.where(left_out, dist, 0.0).max(axis=1, initial=0.0)
