"""Contacts: who meets whom this round, perceived reciprocity, one-sided rounds and collapse.

Pure functions over arrays (R runs, N actors, C back channels); ``ends[c] = (initiator, other)``.
"""

from __future__ import annotations

import numpy as np

CLOSED, OPEN, COLLAPSED = 0, 1, 2  # channel status codes (CLOSED covers never opened and closed by event)


def contact_matrix(
    alliance: np.ndarray, members: np.ndarray, track_active: np.ndarray, ends: np.ndarray, channel_open: np.ndarray
) -> np.ndarray:
    """(R, N, N) bool: pairs in contact through an alliance, a shared active track or an open back channel."""
    seated = members & track_active[:, :, None]
    table = np.einsum("rti,rtj->rij", seated.astype(np.int8), seated.astype(np.int8)) > 0
    contact = table | alliance[None]
    if len(ends):
        runs, chans = np.nonzero(channel_open)
        a, b = ends[chans, 0], ends[chans, 1]
        contact[runs, a, b] = True
        contact[runs, b, a] = True
    n = contact.shape[1]
    contact[:, np.arange(n), np.arange(n)] = False
    return contact


def random_matching(keys: np.ndarray) -> np.ndarray:
    """(R, N, N) bool: a random perfect matching per run from uniform keys (R, N); odd one out sits out."""
    r, n = keys.shape
    order = np.argsort(keys, axis=1)
    pairs = order[:, : n - n % 2].reshape(r, -1, 2)
    out = np.zeros((r, n, n), dtype=bool)
    runs = np.repeat(np.arange(r), pairs.shape[1])
    a, b = pairs[..., 0].ravel(), pairs[..., 1].ravel()
    out[runs, a, b] = True
    out[runs, b, a] = True
    return out


def update_reciprocity(recip: np.ndarray, met: np.ndarray, listen: np.ndarray, memory: np.ndarray) -> np.ndarray:
    """i's perceived reciprocity of j: a moving average of whether j listened to i, updated where they met."""
    listened = listen.transpose(0, 2, 1).astype(float)
    m = memory[:, None, None]
    return np.where(met, (1.0 - m) * recip + m * listened, recip)


def one_sided(recip: np.ndarray, ends: np.ndarray, threshold: np.ndarray) -> np.ndarray:
    """(R, C, 2) bool: side 0 (initiator) / side 1 perceives the other's reciprocity below the threshold."""
    a, b = ends[:, 0], ends[:, 1]
    seen_by_a = recip[:, a, b] < threshold
    seen_by_b = recip[:, b, a] < threshold
    return np.stack([seen_by_a, seen_by_b], axis=2)
