"""One round of Bueno de Mesquita's expected-utility model as reconstructed by Scholz, Calbert & Smith (2011).

Pure numpy over arrays indexed by actor. Notation follows Scholz et al. ("Unravelling Bueno De Mesquita's
group decision model", J. Theoretical Politics 23(4):510-531); where the paper leaves a detail open we
follow Scholz's own code as documented by public ports of it (jmckib's ``bdm-scholz-expected-utility-model``):

- distances are divided by ``span``, the range of the *initial* positions, kept fixed over the rounds;
- k's utility of an outcome y is ``-(|x_k - y| / span) ** r_k``, so k's vote in the contest of i against j is
  ``v_k(i, j) = c_k s_k (U^k(x_i) - U^k(x_j))``;
- the probability that i beats j is the sum of the votes for i, ``sum_k max(0, v_k(i, j))``, divided by the
  sum of ``|v_k(a, b)|`` over every voter k and every ordered pair (a, b) (Scholz's normalisation);
- ``E^p(i, j)`` is i's expected utility of challenging j *as actor p perceives it* (with p's risk exponent):
  ``s_j (P U_s + (1 - P) U_f) + (1 - s_j) U_s - Q U_sq - (1 - Q) (T U_b + (1 - T) U_w)``;
- risk: with every r = 1, actor i's danger is ``sum_{k != i} E(k, i)``; ``R_i = (2 danger_i - max - min) /
  (max - min)`` and ``r_i = (1 - R_i / 3) / (1 + R_i / 3)``;
- offers, seen by the receiver i against a proposer j: *confrontation* (i loses) when
  ``E^i(j, i) > E^i(i, j) > 0``; *compromise* when ``E^i(j, i) > 0 > E^i(i, j)`` and
  ``E^i(j, i) > |E^i(i, j)|`` (i moves the share ``|E^i(i, j)| / E^i(j, i)`` of the way to x_j);
  *capitulation* when ``E^i(j, i) > 0 > E^i(i, j)`` and ``|E^i(i, j)| >= E^i(j, i)`` (i moves to x_j);
- i accepts a confrontation if it has one, else a compromise, else a capitulation (Scholz's order; it is what
  reproduces the published first round of the EC car-emissions case). Within a kind it takes the offer that
  moves it least, except for compromises under the ``scholz`` rule (the default): there, as in Scholz's code,
  it takes the offer with the smallest ``(|E^i(i,j)| x_i + |E^i(j,i)| x_j) / (|E^i(i,j)| + |E^i(j,i)|)``.
  Only that rule reproduces the reference trajectory after round 3. ``least-movement`` applies the paper's
  wording (least movement) to compromises too. Ties: the proposer listed first.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

KINDS = ("confrontation", "compromise", "capitulation")
OFFER_RULES = ("scholz", "least-movement")  # the first is the default


@dataclass(frozen=True)
class Move:
    """An offer an actor accepts in a round: who moves, toward whom, of which kind, and to where."""

    actor: int
    partner: int
    kind: str
    position: float


def votes(x: np.ndarray, w: np.ndarray, r: np.ndarray, span: float) -> np.ndarray:
    """``v[k, i, j] = c_k s_k (U^k(x_i) - U^k(x_j))`` with ``U^k(y) = -(|x_k - y| / span) ** r_k``."""
    loss = (np.abs(x[:, None] - x[None, :]) / span) ** r[:, None]  # loss[k, y]: k's loss at x_y
    return w[:, None, None] * (loss[:, None, :] - loss[:, :, None])


def win_probability(x: np.ndarray, w: np.ndarray, r: np.ndarray, span: float) -> np.ndarray:
    """``P[i, j]``: probability that i beats j, with Scholz's normalisation by all votes of all contests."""
    v = votes(x, w, r, span)
    total = np.abs(v).sum()
    if total == 0.0:
        return np.zeros((x.size, x.size))
    return np.clip(v, 0.0, None).sum(axis=0) / total


def expected_utilities(
    x: np.ndarray, s: np.ndarray, r: np.ndarray, p: np.ndarray, span: float, mu: float, q: float, t: float
) -> np.ndarray:
    """``E[a, i, j]``: i's expected utility of challenging j as a perceives it (a's exponent ``r[a]``)."""
    d = np.abs(x[:, None] - x[None, :])[None] / span  # d[., i, j] = |x_i - x_j| / span
    m = np.abs(x - mu)[None, :, None] / span  # |x_i - mu| / span
    ra = r[:, None, None]
    u_success = 2 - 4 * (0.5 - 0.5 * d) ** ra
    u_failure = 2 - 4 * (0.5 + 0.5 * d) ** ra
    u_better = 2 - 4 * np.clip(0.5 - 0.25 * (m + d), 0.0, None) ** ra
    u_worse = 2 - 4 * (0.5 + 0.25 * (m + d)) ** ra
    u_status_quo = 2 - 4 * 0.5**ra
    sj = s[None, None, :]
    return (
        sj * (p * u_success + (1 - p) * u_failure)
        + (1 - sj) * u_success
        - q * u_status_quo
        - (1 - q) * (t * u_better + (1 - t) * u_worse)
    )


def risk_exponents(
    x: np.ndarray, w: np.ndarray, s: np.ndarray, span: float, mu: float, q: float, t: float
) -> np.ndarray:
    """Risk exponents ``r_i`` in [1/2, 2] from each actor's danger relative to the most and least exposed."""
    ones = np.ones(x.size)
    e = expected_utilities(x, s, ones, win_probability(x, w, ones, span), span, mu, q, t)[0]
    np.fill_diagonal(e, 0.0)
    danger = e.sum(axis=0)  # danger[i] = sum_{k != i} E(k, i)
    spread = danger.max() - danger.min()
    if spread <= 0.0:
        return ones
    big_r = (2 * danger - danger.max() - danger.min()) / spread
    return (1 - big_r / 3) / (1 + big_r / 3)


@dataclass(frozen=True)
class Candidate:
    """An offer receiver i could accept from proposer j: its kind, i's new position and i's two estimates."""

    actor: int
    partner: int
    kind: str
    position: float
    mine: float  # E^i(i, j): i's expected utility of challenging j, as i sees it
    theirs: float  # E^i(j, i): j's expected utility of challenging i, as i sees it


def offers(x: np.ndarray, e: np.ndarray) -> list[Candidate]:
    """Every offer receiver i has from a proposer j, as i judges ``E^i(i,j), E^i(j,i)``."""
    out = []
    n = x.size
    for i in range(n):
        for j in range(n):
            if i == j or x[i] == x[j]:
                continue
            mine, theirs = float(e[i, i, j]), float(e[i, j, i])
            if theirs > mine > 0:
                out.append(Candidate(i, j, "confrontation", float(x[j]), mine, theirs))
            elif theirs > 0 > mine and theirs > -mine:
                position = float(x[i] + (x[j] - x[i]) * (-mine / theirs))
                out.append(Candidate(i, j, "compromise", position, mine, theirs))
            elif theirs > 0 > mine:
                out.append(Candidate(i, j, "capitulation", float(x[j]), mine, theirs))
    return out


def _scholz_compromise_key(c: Candidate, x: np.ndarray) -> float:
    """Scholz's ranking of compromises: the two current positions weighted by ``|E^i(i,j)|`` and ``|E^i(j,i)|``."""
    mine, theirs = abs(c.mine), abs(c.theirs)
    return (mine * x[c.actor] + theirs * x[c.partner]) / (mine + theirs)


def choose(x: np.ndarray, candidates: list[Candidate], rule: str = OFFER_RULES[0]) -> list[Move]:
    """Each receiver's accepted offer: the first kind in ``KINDS`` it has, then the best of that kind by ``rule``."""
    if rule not in OFFER_RULES:
        raise ValueError(f"unknown offer rule {rule!r}; expected one of {', '.join(OFFER_RULES)}")
    moves = []
    for i in sorted({c.actor for c in candidates}):
        mine = [c for c in candidates if c.actor == i]
        kind = next(k for k in KINDS if any(c.kind == k for c in mine))
        if kind == "compromise" and rule == "scholz":
            best = min((c for c in mine if c.kind == kind), key=lambda c: (_scholz_compromise_key(c, x), c.partner))
        else:
            best = min((c for c in mine if c.kind == kind), key=lambda c: (abs(c.position - x[i]), c.partner))
        moves.append(Move(i, best.partner, kind, best.position))
    return moves


def play_round(
    x: np.ndarray,
    c: np.ndarray,
    s: np.ndarray,
    span: float,
    mu: float,
    q: float,
    t: float,
    rule: str = OFFER_RULES[0],
) -> tuple[np.ndarray, np.ndarray, list[Move]]:
    """One round from positions ``x``: the risk exponents, the accepted moves, and the new positions."""
    w = c * s
    r = risk_exponents(x, w, s, span, mu, q, t)
    e = expected_utilities(x, s, r, win_probability(x, w, r, span), span, mu, q, t)
    moves = choose(x, offers(x, e), rule)
    new = x.copy()
    for m in moves:
        new[m.actor] = m.position
    return new, r, moves
