"""What a batch leaves behind: final state, event logs, optional series, and one outcome row per run."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim import channels as ch
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
        """The back channels of one run as contracts §3 describes them."""
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

    def outcomes(self) -> list[dict[str, Any]]:
        """One flat dict of named outcomes per run (the columns of a sweep's runs table)."""
        s, st = self.state, self.structure
        pos = s.position
        diffs = np.abs(pos[:, :, None, :] - pos[:, None, :, :]).mean(axis=3)
        n = st.n
        polarization = diffs.sum(axis=(1, 2)) / (n * (n - 1))
        per_actor = n <= PER_ACTOR_LIMIT
        pairs = [(int(x), int(y)) for a, b in st.channel_ends for x, y in ((a, b), (b, a))]
        idx = {a: i for i, a in enumerate(st.actors)}
        for group in st.alliance_groups:
            pairs += [(idx[x], idx[y]) for x in group for y in group if x != y]
        rows = []
        for r in range(self.n_runs):
            agreed = int(s.agreement_round[r])
            row: dict[str, Any] = {
                "agreement": agreed >= 0,
                "agreement_round": agreed if agreed >= 0 else None,
                "polarization": float(polarization[r]),
            }
            for k, issue in enumerate(st.issues):
                row[f"agreement:{issue}"] = bool(s.issue_agreement_round[r, k] >= 0)
            for c, label in enumerate(st.channel_labels):
                opened = int(s.ch_first_opened[r, c])
                row[f"{label}:lifetime"] = int(s.ch_lifetime[r, c])
                row[f"{label}:collapsed"] = bool(s.ch_collapses[r, c] > 0)
                row[f"{label}:opened"] = opened if opened >= 0 else None
                row[f"{label}:collapses"] = int(s.ch_collapses[r, c])
            if per_actor:
                for i, a in enumerate(st.actors):
                    row[f"pressure:{a}"] = float(s.pressure[r, i])
                for i, j in dict.fromkeys(pairs):
                    row[f"trust:{st.actors[i]}->{st.actors[j]}"] = float(s.trust[r, i, j])
                for group in st.alliance_groups:
                    members = [idx[a] for a in group]
                    row[f"bloc_distance:{'-'.join(group)}"] = float(diffs[r][np.ix_(members, members)].max())
            rows.append(row)
        return rows
