"""Persuasion and trust: pure functions over arrays with a leading runs axis (no Mesa, no pandas).

Shapes: R runs, N actors, K issues. ``listen[r, i, j]``: i listened to j this round.
"""

from __future__ import annotations

import numpy as np


def capability_factor(capability: np.ndarray) -> np.ndarray:
    """(R, N, N): speaker j's capability relative to the pair's mean; 1 when capabilities are equal."""
    ci = capability[:, :, None]
    cj = capability[:, None, :]
    total = ci + cj
    return np.divide(2.0 * cj, total, out=np.ones_like(total), where=total > 0)


def persuasion_weights(
    listen: np.ndarray, trust: np.ndarray, capability: np.ndarray, persuasion_of_speaker: np.ndarray, rate: np.ndarray
) -> np.ndarray:
    """(R, N, N) weight of j's argument on i: listening × trust × relative capability × style × rate."""
    return listen * trust * capability_factor(capability) * persuasion_of_speaker[:, None, :] * rate


def persuade(
    position: np.ndarray,
    target: np.ndarray,
    weight: np.ndarray,
    salience: np.ndarray,
    latitude: np.ndarray,
    update: str,
) -> np.ndarray:
    """New positions after every listener weighs what it heard.

    ``target[r, i, j, k]`` is what i heard from j on issue k (j's position, or a mediator's proposal).
    ``step``: i moves by Σ_j w_ij (target − x_i) over arguments with gap < latitude, the total weight capped
    at 1 (Deffuant-Weisbuch when one partner, trust 1, salience 0). ``mean``: i moves to the weighted mean of
    itself (weight 1) and the arguments with gap <= latitude (Hegselmann-Krause when all weights are 1).
    Either way the move is scaled by (1 − salience), so salience 1 never moves and positions stay in [0, 1].
    """
    gap = target - position[:, :, None, :]
    lat = latitude[:, :, None, None]
    within = np.abs(gap) < lat if update == "step" else np.abs(gap) <= lat
    w = weight[:, :, :, None] * within
    total = w.sum(axis=2)
    if update == "step":
        move = (w * gap).sum(axis=2) / np.maximum(total, 1.0)
    else:
        move = (w * gap).sum(axis=2) / (1.0 + total)
    return np.clip(position + (1.0 - salience) * move, 0.0, 1.0)


def update_trust(
    trust: np.ndarray,
    met: np.ndarray,
    listen: np.ndarray,
    fall_of_speaker: np.ndarray,
    penalty_of_speaker: np.ndarray,
    gain: np.ndarray,
    loss: np.ndarray,
) -> np.ndarray:
    """i's trust in j after a meeting: up when j listened, down when j ignored i (softened by j's style),
    down again by j's style penalty (ultimatums). Multiplicative, so trust stays in [0, 1]."""
    listened = listen.transpose(0, 2, 1)  # listened[r, i, j]: j listened to i
    g = gain[:, None, None]
    lo = loss[:, None, None] * fall_of_speaker[:, None, :]
    up = trust + g * (1.0 - trust)
    down = trust * (1.0 - np.clip(lo, 0.0, 1.0))
    after = np.where(listened, up, down)
    after = after * (1.0 - penalty_of_speaker[:, None, :])
    return np.clip(np.where(met, after, trust), 0.0, 1.0)
