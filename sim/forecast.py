"""Bueno de Mesquita's expected-utility forecast of a one-issue negotiation (Scholz, Calbert & Smith 2011).

Each actor has a capability c, a position x on the issue (any numeric scale) and a salience s. The forecast
of a round is the weighted median (the Condorcet winner of the pairwise votes ``c_k s_k (|x_k - x_j| -
|x_k - x_i|)``); each round actors challenge, compromise or capitulate (``sim.forecast_offers``) until
positions stop moving. Pure numpy: no Mesa, pandas or plotting.

>>> r = forecast(["a", "b", "c"], [1, 1, 1], [0.0, 0.5, 1.0], [1, 1, 1], rounds=1)
>>> float(r.median[0]), float(r.mean[0])
(0.5, 0.5)
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from sim.errors import Problem, ScenarioError
from sim.forecast_offers import OFFER_RULES, play_round

if TYPE_CHECKING:
    from sim.schema import Scenario

COLUMNS = ("actor", "capability", "position", "salience")


@dataclass(frozen=True)
class Offer:
    """An accepted offer: ``actor`` moves to ``position`` after a ``kind`` exchange with ``partner``."""

    actor: str
    partner: str
    kind: str  # confrontation (actor lost) | compromise | capitulation
    position: float


@dataclass(frozen=True)
class ForecastInput:
    """The data of one issue: actor names with their capability, position and salience."""

    actors: list[str]
    capability: np.ndarray
    position: np.ndarray
    salience: np.ndarray


@dataclass(frozen=True)
class ForecastResult:
    """Round-by-round outcome; row 0 is the initial state, row k the state after round k."""

    actors: list[str]
    positions: np.ndarray  # (rounds + 1, n)
    median: np.ndarray  # (rounds + 1,) weighted median (Condorcet winner) of each row
    mean: np.ndarray  # (rounds + 1,) capability x salience weighted mean of each row
    risk: np.ndarray  # (rounds, n) risk exponents r_i used in each round
    offers: list[list[Offer]] = field(default_factory=list)  # offers accepted in rounds 1..rounds
    stable_at: int | None = None  # first row from which positions no longer change (by more than tol), if any
    offer_rule: str = OFFER_RULES[0]  # how a receiver picks among compromises (sim.forecast_offers)

    @property
    def final(self) -> dict[str, float]:
        """Each actor's position after the last round."""
        return {a: float(p) for a, p in zip(self.actors, self.positions[-1], strict=True)}


def weighted_median(x: np.ndarray, w: np.ndarray) -> float:
    """The actor position that wins every pairwise vote: argmin ``sum_k w_k |x_k - y|`` (ties: near mean)."""
    cost = (w[:, None] * np.abs(x[:, None] - x[None, :])).sum(axis=0)
    tied = np.flatnonzero(cost <= cost.min() * (1 + 1e-12) + 1e-300)
    mean = weighted_mean(x, w)
    return float(x[min(tied, key=lambda k: (abs(x[k] - mean), x[k]))])


def weighted_mean(x: np.ndarray, w: np.ndarray) -> float:
    """Mean position weighted by capability x salience."""
    return float((w * x).sum() / w.sum())


def _checked(actors: Sequence[str], *columns: Sequence[float] | np.ndarray) -> list[np.ndarray]:
    """Validate and convert the input columns (ValueError names the problem)."""
    n = len(actors)
    if n < 2:
        raise ValueError(f"need at least two actors, got {n}")
    if len(set(actors)) != n:
        raise ValueError(f"actor names must be unique: {list(actors)}")
    out = []
    for name, col in zip(("capability", "position", "salience"), columns, strict=True):
        a = np.asarray(col, dtype=float)
        if a.shape != (n,):
            raise ValueError(f"{name} must have one value per actor ({n}), got shape {a.shape}")
        if not np.isfinite(a).all():
            raise ValueError(f"{name} must be finite numbers")
        if name != "position" and (a < 0).any():
            raise ValueError(f"{name} must be >= 0")
        out.append(a)
    if not (out[0] * out[2] > 0).any():
        raise ValueError("at least one actor needs positive capability and salience")
    return out


def forecast(
    actors: Sequence[str],
    capability: Sequence[float] | np.ndarray,
    position: Sequence[float] | np.ndarray,
    salience: Sequence[float] | np.ndarray,
    *,
    rounds: int = 10,
    q: float = 1.0,
    t: float = 1.0,
    tol: float = 1e-9,
    offer_rule: str = OFFER_RULES[0],
) -> ForecastResult:
    """Run BDM's expected-utility model for up to ``rounds`` rounds; stop early once positions are stable.

    Positions may be on any scale; distances are divided by the range of the initial positions. Salience
    is a probability of resisting in [0, 1]: if its largest value exceeds 1 (a 0-100 scale, say), every
    salience is divided by that largest value. ``q`` is the probability that the status quo persists when
    nobody challenges, ``t`` the chance that a change without challenge is for the better (Scholz: q = t = 1).
    Once a round moves no position by more than ``tol`` the state is a fixed point (each round is a
    deterministic function of the positions): ``stable_at`` is the row it was first reached, and the later
    rounds are not recomputed but repeat it, with empty offer lists. ``offer_rule`` is ``scholz`` (Scholz's
    code, the default) or ``least-movement`` (see ``sim.forecast_offers``).
    """
    if rounds < 0:
        raise ValueError(f"rounds must be >= 0, got {rounds}")
    if offer_rule not in OFFER_RULES:
        raise ValueError(f"unknown offer rule {offer_rule!r}; expected one of {', '.join(OFFER_RULES)}")
    c, x, s = _checked(actors, capability, position, salience)
    if s.max() > 1:
        s = s / s.max()
    w = c * s
    span = float(x.max() - x.min())
    positions, risks, moves = [x], [], []
    stable_at = 0 if span == 0 else None
    for k in range(1, rounds + 1):
        if stable_at is not None:
            positions.append(positions[-1])
            risks.append(np.ones_like(x) if not risks else risks[-1])
            moves.append([])
            continue
        new, r, accepted = play_round(positions[-1], c, s, span, weighted_median(positions[-1], w), q, t, offer_rule)
        positions.append(new)
        risks.append(r)
        moves.append([Offer(actors[m.actor], actors[m.partner], m.kind, m.position) for m in accepted])
        if np.abs(new - positions[-2]).max() <= tol:
            stable_at = k - 1
    pos = np.array(positions)
    return ForecastResult(
        actors=list(actors),
        positions=pos,
        median=np.array([weighted_median(p, w) for p in pos]),
        mean=np.array([weighted_mean(p, w) for p in pos]),
        risk=np.array(risks).reshape(rounds, len(actors)),
        offers=moves,
        stable_at=stable_at,
        offer_rule=offer_rule,
    )


def _problem(file: str, line: int, col: int, column: str, message: str) -> Problem:
    """A located CSV problem; it prints as ``FILE:LINE:COL: column: message``."""
    return Problem(file, line, col, (column,), message)


def _field_starts(line: str) -> list[int]:
    """1-based character column where each comma-separated field of ``line`` starts (quotes respected)."""
    starts, quoted = [1], False
    for k, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == "," and not quoted:
            starts.append(k + 2)
    return starts


def _number(cell: str, column: str, where: tuple[str, int, int], problems: list[Problem]) -> float:
    """The cell as a float (capability and salience >= 0), or NaN after recording the problem."""
    try:
        v = float(cell)
    except ValueError:
        problems.append(_problem(*where, column, f"{cell!r} is not a number"))
        return float("nan")
    if not np.isfinite(v) or (column != "position" and v < 0):
        bound = "" if column == "position" else " >= 0"
        problems.append(_problem(*where, column, f"{cell!r} must be a finite number{bound}"))
    return v


def read_csv(path: str | Path) -> ForecastInput:
    """Read ``actor,capability,position,salience`` rows, skipping blank lines and ``#`` lines.

    Raises ``ScenarioError`` listing every problem, one line each: ``FILE:LINE:COL: column: message``.
    """
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as e:
        raise ScenarioError([_problem(name, 1, 1, "file", f"cannot read: {e.strerror or e}")]) from e
    except UnicodeDecodeError as e:
        raise ScenarioError([_problem(name, 1, 1, "file", "not UTF-8 text")]) from e
    lines = enumerate(text.splitlines(), start=1)
    rows = [(n, ln) for n, ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
    if not rows:
        raise ScenarioError([_problem(name, 1, 1, "header", f"empty file: expected {','.join(COLUMNS)}")])
    head_no, head_line = rows[0]
    header = [h.strip().lower() for h in next(csv.reader([head_line]))]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        message = f"missing column (header has: {', '.join(header)})"
        raise ScenarioError([_problem(name, head_no, 1, c, message) for c in missing])
    index = {col: header.index(col) for col in COLUMNS}
    problems: list[Problem] = []
    actors: list[str] = []
    values: dict[str, list[float]] = {col: [] for col in COLUMNS[1:]}
    for no, line in rows[1:]:
        cells, starts = next(csv.reader([line])), _field_starts(line)
        for col, k in index.items():
            where = (name, no, starts[k] if k < len(starts) else len(line) + 1)
            cell = cells[k].strip() if k < len(cells) else ""
            if not cell:
                problems.append(_problem(*where, col, "missing value"))
            elif col == "actor" and cell in actors:
                problems.append(_problem(*where, col, f"duplicate actor {cell!r}"))
            if col == "actor":
                actors.append(cell)
            else:
                values[col].append(_number(cell, col, where, problems) if cell else float("nan"))
    if len(actors) < 2 and not problems:
        count = f"need at least two actors, got {len(actors)}"
        problems.append(_problem(name, rows[-1][0], 1, "actor", count))
    if problems:
        raise ScenarioError(problems)
    return ForecastInput(actors, *(np.array(values[col]) for col in COLUMNS[1:]))


def from_scenario(scenario: Scenario, issue: str) -> ForecastInput:
    """The forecast input of one issue of a scenario with named actors (default salience: ``dynamics``)."""
    if issue not in scenario.issue_names:
        raise ValueError(f"unknown issue {issue!r}; the scenario's issues: {', '.join(scenario.issue_names)}")
    if not scenario.actors:
        raise ValueError("the forecast needs named actors, not a generated `population:`")
    names = list(scenario.actors)
    default = scenario.dynamics.default_salience
    a = scenario.actors
    return ForecastInput(
        names,
        np.array([a[n].capability for n in names], dtype=float),
        np.array([a[n].position[issue] for n in names], dtype=float),
        np.array([a[n].salience.get(issue, default) for n in names], dtype=float),
    )
