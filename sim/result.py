"""What a batch leaves behind: final state, event logs, optional series, and one outcome row per run."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim import channels as ch
from sim import output_format as F
from sim.compile import Params, Structure
from sim.recorder import Recorder
from sim.state import State

PER_ACTOR_LIMIT = 30  # per-actor outcome columns only for scenarios with at most this many actors

STATUS = {ch.OPEN: "open", ch.COLLAPSED: "collapsed", ch.CLOSED: "closed"}


@dataclass
class BatchResult:
    structure: Structure
    params: Params
    seeds: np.ndarray
    state: State
    log: list[list[dict]]
    recorder: Recorder | None
    rounds: int

    @property
    def n_runs(self) -> int:
        return len(self.seeds)

    def series(self) -> dict[str, np.ndarray]:
        if self.recorder is None:
            raise ValueError("this batch was run without record=True")
        return self.recorder.series()

    def channel_records(self, run: int) -> list[dict[str, Any]]:
        """The back channels of one run, as summary.json's `channels` holds them (docs/outputs.md)."""
        s, st = self.state, self.structure
        out = []
        for c, label in enumerate(st.channel_labels):
            opened = int(s.ch_first_opened[run, c])
            status = "never_opened" if opened < 0 else STATUS[int(s.ch_status[run, c])]
            closed = int(s.ch_closed[run, c])
            out.append({
                "between": list(st.channel_between[c]),
                "kind": "back_channel",
                "label": label,
                "opened": opened if opened >= 0 else None,
                "closed": closed if closed >= 0 and status != "open" else None,
                "status": status,
                "reason": s.ch_reason[run, c] if status in ("collapsed", "closed") else None,
                "lifetime": int(s.ch_lifetime[run, c]),
                "collapses": int(s.ch_collapses[run, c]),
            })
        return out

    def outcome_arrays(self) -> dict[str, np.ndarray]:
        """Every named outcome as one typed array over runs (bool, int64, float64, or object for names), computed
        for the whole batch at once; a round that may never come (``is_optional_round``) is float64 with NaN for
        never. ``A-B:did_not_listen`` names the side whose not listening collapsed the channel the last time it
        collapsed ("both" when each side found the other one-sided; None if it never collapsed)."""
        s, st = self.state, self.structure
        pos = s.position
        diffs = np.abs(pos[:, :, None, :] - pos[:, None, :, :]).mean(axis=3)
        n = st.n
        agreed = s.agreement_round
        cols: dict[str, np.ndarray] = {
            F.AGREEMENT: agreed >= 0,
            F.AGREEMENT_ROUND: _never_as_nan(agreed),
            F.POLARIZATION: diffs.sum(axis=(1, 2)) / (n * (n - 1)),
        }
        for k, issue in enumerate(st.issues):
            cols[f"{F.ISSUE_AGREEMENT}{issue}"] = s.issue_agreement_round[:, k] >= 0
        for c, label in enumerate(st.channel_labels):
            cols[F.channel_outcome(label, F.LIFETIME)] = s.ch_lifetime[:, c].astype(np.int64)
            cols[F.channel_outcome(label, F.COLLAPSED)] = s.ch_collapses[:, c] > 0
            cols[F.channel_outcome(label, F.OPENED)] = _never_as_nan(s.ch_first_opened[:, c])
            cols[F.channel_outcome(label, F.COLLAPSES)] = s.ch_collapses[:, c].astype(np.int64)
            initiator, other = (st.actors[x] for x in st.channel_ends[c])
            who = np.array([None, other, initiator, "both"], dtype=object)
            cols[F.channel_outcome(label, F.DID_NOT_LISTEN)] = who[s.ch_unheard[:, c]]
        if n <= PER_ACTOR_LIMIT:
            idx = {a: i for i, a in enumerate(st.actors)}
            pairs = [(int(x), int(y)) for a, b in st.channel_ends for x, y in ((a, b), (b, a))]
            for group in st.alliance_groups:
                pairs += [(idx[x], idx[y]) for x in group for y in group if x != y]
            for i, a in enumerate(st.actors):
                cols[f"{F.PRESSURE}{a}"] = s.pressure[:, i].copy()
            for i, j in dict.fromkeys(pairs):
                cols[F.trust_outcome(st.actors[i], st.actors[j])] = s.trust[:, i, j].copy()
            for group in st.alliance_groups:
                members = [idx[a] for a in group]
                block = diffs[:, members][:, :, members]
                cols[F.BLOC_DISTANCE + "-".join(group)] = block.max(axis=(1, 2))
        return cols

    def outcome_columns(self) -> dict[str, list[Any]]:
        """``outcome_arrays`` as Python values: rounds as ints, None for a round that never came."""
        return {key: _rounds_or_none(a) if is_optional_round(key) else a.tolist()
                for key, a in self.outcome_arrays().items()}

    def outcomes(self) -> list[dict[str, Any]]:
        """One flat dict of named outcomes per run (the columns of a sweep's runs table)."""
        cols = self.outcome_columns()
        keys = list(cols)
        return [dict(zip(keys, values, strict=True)) for values in zip(*cols.values(), strict=True)]


OPTIONAL_ROUND_KEYS = (F.AGREEMENT_ROUND,)
OPTIONAL_ROUND_SUFFIXES = (F.OPENED, ":closed", "_round")


def is_optional_round(key: str) -> bool:
    """Whether an outcome named ``key`` is a round that may never come (stored as float64, NaN for never)."""
    return key in OPTIONAL_ROUND_KEYS or key.endswith(OPTIONAL_ROUND_SUFFIXES)


def _never_as_nan(rounds: np.ndarray) -> np.ndarray:
    """Round numbers as floats, NaN where the value is -1 (never happened)."""
    return np.where(rounds >= 0, rounds, np.nan)


def _rounds_or_none(rounds: np.ndarray) -> list[int | None]:
    """Float rounds (NaN: never) as ints, with None for never."""
    return [None if r != r else int(r) for r in rounds.tolist()]
