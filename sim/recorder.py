"""Per-round series of a batch, kept only when asked (single runs, dashboards; sweeps skip it)."""

from __future__ import annotations

import numpy as np

from sim import channels as ch
from sim.compile import Structure
from sim.state import State

DENSE_LIMIT = 60  # above this many actors, pairwise series (trust, listening) are not recorded

CONTACT_STATES = ("closed", "open", "one_sided", "collapsed")


class Recorder:
    """Collects arrays after every round; ``series()`` stacks them with a leading time axis."""

    def __init__(self, st: Structure, runs: int):
        self.dense = st.n <= DENSE_LIMIT
        self.rows: dict[str, list[np.ndarray]] = {}
        self.rounds: list[int] = []

    def _put(self, name: str, value: np.ndarray) -> None:
        self.rows.setdefault(name, []).append(np.array(value, copy=True))

    def capture(self, t: int, s: State, prop: np.ndarray, contact: np.ndarray | None, listen: np.ndarray | None,
                active: np.ndarray, one_sided: np.ndarray | None = None) -> None:
        self.rounds.append(t)
        self._put("position", s.position)
        self._put("pressure", s.pressure)
        self._put("proposal", prop)
        self._put("seated", s.members & active[:, :, None])
        code = np.where(s.ch_status == ch.OPEN, 1, np.where(s.ch_status == ch.COLLAPSED, 3, 0))
        if one_sided is not None:
            code = np.where((code == 1) & one_sided, 2, code)
        self._put("contact", code.astype(np.int8))
        if self.dense:
            self._put("trust", s.trust)
            state = np.full(s.trust.shape, -1, dtype=np.int8)
            if contact is not None:
                state = np.where(contact, listen.astype(np.int8), state)
            self._put("listen", state)
            self._put("reciprocity", s.reciprocity)

    def series(self) -> dict[str, np.ndarray]:
        """Every recorded series as (rounds + 1, runs, ...)."""
        return {name: np.stack(values) for name, values in self.rows.items()}
