"""Memory a batch of runs will need, estimated from actors × issues × rounds, checked before anything is built.

The estimate counts the engine's pair arrays (trust, reciprocity, contacts, random draws: about a dozen
float64 actors × actors arrays per run), the position arrays, and, when the per-round series are recorded,
what the recorder keeps every round. It is meant to be on the high side: refusing at once beats swapping.
"""

from __future__ import annotations

from sim.limits import LimitError, Memory, available_memory, size
from sim.recorder import DENSE_LIMIT
from sim.schema import Scenario

PAIR_ARRAYS = 12  # float64 actors × actors arrays alive per run during a round
ISSUE_ARRAYS = 8  # float64 actors × issues arrays per run (position, salience, proposal, steps, ...)


def per_run_bytes(actors: int, issues: int, rounds: int, record: bool) -> int:
    """Estimated bytes one run holds: the state, plus every round's recorded series when ``record``."""
    state = 8 * (PAIR_ARRAYS * actors * actors + ISSUE_ARRAYS * actors * issues + 16 * actors)
    if not record:
        return state
    pairwise = 17 * actors * actors if actors <= DENSE_LIMIT else 0  # trust, reciprocity (8 B), listen (1 B)
    per_round = 8 * (2 * actors * issues + 2 * actors + issues) + pairwise + 8 * actors * actors // 8
    return state + (rounds + 1) * per_round


def memory_of(actors: int, issues: int, rounds: int, runs: int, record: bool) -> Memory:
    """The estimate for ``runs`` runs held at once, with the memory available now."""
    return Memory(per_run_bytes(actors, issues, rounds, record), runs, available_memory())


def check_memory(actors: int, issues: int, rounds: int, runs: int, record: bool, *, hint: str = "") -> Memory:
    """LimitError (one line, with the estimate) when ``runs`` runs would not fit in the memory available."""
    mem = memory_of(actors, issues, rounds, runs, record)
    if not mem.fits():
        batch = f"a batch of {runs} runs" if runs != 1 else "one run"
        fewer = max(int((mem.available or 0) // max(mem.per_run, 1)), 0)
        advice = f"at most {fewer} runs per batch fit ({hint or '--batch-size N'})" if fewer >= 1 \
            else "use fewer actors, issues or rounds"
        raise LimitError(
            f"{batch} of {actors} actors × {issues} issues × {rounds} rounds needs about {size(mem.total)} "
            f"({size(mem.per_run)} per run), more than the {size(mem.available or 0)} of memory available: "
            f"{advice}; set DIPSIM_MAX_MEMORY=BYTES to try anyway"
        )
    return mem


def check_scenario(scenario: Scenario, runs: int, record: bool, *, hint: str = "") -> Memory:
    """``check_memory`` for a loaded scenario (the engine calls it before compiling a batch)."""
    actors, issues = len(scenario.actor_names), len(scenario.issue_names)
    return check_memory(actors, issues, scenario.rounds, runs, record, hint=hint)
