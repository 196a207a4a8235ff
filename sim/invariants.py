"""Debug mode (``DIPSIM_CHECK_INVARIANTS=1``): the engine asserts the model's invariants after every round.

Positions, trust, perceived reciprocity and sidelining pressure stay finite and in [0, 1]; channel lifetimes,
one-sided streaks and collapse counts stay within the rounds played; agreement rounds lie in the horizon.
Off by default (it costs a pass over the state per round); the fuzz tests run with it on.
"""

from __future__ import annotations

import os

import numpy as np

ENV = "DIPSIM_CHECK_INVARIANTS"
UNIT_FIELDS = ("position", "trust", "reciprocity", "pressure")


class InvariantError(AssertionError):
    """A state the model can never reach legitimately: a bug in the engine, never bad input."""


def enabled() -> bool:
    """Whether the debug mode is on (any value but '', '0', 'false', 'no')."""
    return os.environ.get(ENV, "").strip().lower() not in ("", "0", "false", "no")


def _fail(name: str, bad: np.ndarray, played: int, what: str) -> None:
    where = tuple(int(i) for i in np.argwhere(bad)[0])
    raise InvariantError(f"after round {played}: {name}{list(where)} {what}")


def check_state(state: object, played: int, rounds: int) -> None:
    """Raise InvariantError if the state after ``played`` rounds (of ``rounds``) breaks an invariant."""
    for name in UNIT_FIELDS:
        a = np.asarray(getattr(state, name))
        if not np.isfinite(a).all():
            _fail(name, ~np.isfinite(a), played, "is NaN or infinite")
        outside = (a < 0.0) | (a > 1.0)
        if outside.any():
            _fail(name, outside, played, f"= {float(a[outside].flat[0])!r}, outside [0, 1]")
    for name in ("ch_lifetime", "ch_one_sided", "ch_collapses"):
        a = np.asarray(getattr(state, name))
        bad = (a < 0) | (a > played)
        if bad.any():
            _fail(name, bad, played, f"= {int(a[bad].flat[0])}, outside [0, {played}] (rounds played)")
    for name in ("agreement_round", "issue_agreement_round", "ch_first_opened", "ch_closed"):
        a = np.asarray(getattr(state, name))
        bad = (a < -1) | (a > min(played, rounds))
        if bad.any():
            _fail(name, bad, played, f"= {int(a[bad].flat[0])}, not a round played (or -1)")
