"""Per-round series of a batch, kept only when asked (single runs, dashboards; sweeps skip it)."""

from __future__ import annotations

import numpy as np

from sim import channels as ch
from sim.compile import Structure
from sim.state import State

DENSE_LIMIT = 60  # above this many actors, pairwise series (trust, listening) are not recorded

STATUS_CODE = np.zeros(3, dtype=np.int8)  # channel status -> index in CONTACT_STATES (one_sided set apart)
STATUS_CODE[[ch.CLOSED, ch.OPEN, ch.COLLAPSED]] = [0, 1, 3]


class Recorder:
    """Collects arrays after every round; ``series()`` stacks them with a leading time axis."""

    def __init__(self, st: Structure, runs: int):
        self.dense = st.n <= DENSE_LIMIT
        self.rows: dict[str, list[np.ndarray]] = {}
        self.rounds: list[int] = []

    def _put(self, name: str, value: np.ndarray) -> None:
        self.rows.setdefault(name, []).append(np.array(value, copy=True, order="C"))

    def capture(self, t: int, s: State, prop: np.ndarray, heard: np.ndarray | None, active: np.ndarray,
                one_sided: np.ndarray | None = None) -> None:
        """Keep the state after ``t`` rounds; ``heard`` (R, N, N): 1 listened, 0 did not, -1 not in contact."""
        self.rounds.append(t)
        self._put("position", s.position)
        self._put("pressure", s.pressure)
        self._put("proposal", prop)
        self._put("seated", s.members & active[:, :, None])
        code = STATUS_CODE[s.ch_status]
        if one_sided is not None:
            code[(code == 1) & one_sided] = 2
        self.rows.setdefault("contact", []).append(code)
        if self.dense:
            self._put("trust", s.trust)
            self._put("listen", np.full(s.trust.shape, -1, dtype=np.int8) if heard is None else heard)
            self._put("reciprocity", s.reciprocity)

    @staticmethod
    def heard(pairs: ch.Pairs | ch.Matching, contact: np.ndarray, listen: np.ndarray, n: int) -> np.ndarray:
        """(R, N, N) int8 from pair values (P, R): 1 listened, 0 did not, -1 not in contact."""
        stored = np.full((n, n, contact.shape[1]), -1, dtype=np.int8)  # speaker-major, as pairs.put writes
        pairs.put(stored, np.where(contact, listen.astype(np.int8), np.int8(-1)))
        return stored.transpose(2, 1, 0)

    def series(self) -> dict[str, np.ndarray]:
        """Every recorded series as (rounds + 1, runs, ...)."""
        return {name: np.stack(values) for name, values in self.rows.items()}
