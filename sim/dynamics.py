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
    listen: np.ndarray, trust: np.ndarray, capability_factor: np.ndarray, persuasion_of_speaker: np.ndarray,
    rate: np.ndarray,
) -> np.ndarray:
    """(R, N, N) weight of j's argument on i: listening × trust × relative capability × style × rate."""
    return listen * trust * capability_factor * persuasion_of_speaker[:, None, :] * rate


def persuade(
    position: np.ndarray,
    weight: np.ndarray,
    salience: np.ndarray,
    latitude: np.ndarray,
    update: str,
    heard_instead: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """New positions after every listener weighs what it heard.

    i hears j's position on each issue, except where ``heard_instead = (runs, i, j, values)`` replaces it
    (a mediator's proposal). ``step``: i moves by Σ_j w_ij (heard − x_i) over arguments with gap < latitude,
    the total weight capped at 1 (Deffuant-Weisbuch with one partner, trust 1, salience 0). ``mean``: i moves
    to the weighted mean of itself (weight 1) and the arguments with gap <= latitude (Hegselmann-Krause when all
    weights are 1). Either way the move is scaled by (1 − salience): salience 1 never moves, positions stay in [0, 1].
    """
    gap = position[:, None, :, :] - position[:, :, None, :]  # gap[r, i, j, k] = x_j - x_i
    if heard_instead is not None:
        runs, i, j, values = heard_instead
        gap[runs, i, j, :] = values - position[runs, i, :]
    lat = latitude[:, :, None, None]
    far = np.abs(gap)
    within = far < lat if update == "step" else far <= lat
    w = within * weight[:, :, :, None]
    total = w.sum(axis=2)
    pull = np.einsum("rijk,rijk->rik", w, gap)
    move = pull / (np.maximum(total, 1.0) if update == "step" else 1.0 + total)
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
