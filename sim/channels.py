"""Contacts: who can meet whom, who meets this round, perceived reciprocity, one-sided rounds and collapse.

The engine works on a list of directed pairs (listener i, speaker j), runs last: an array over pairs has shape
``(P, ..., R)``. ``Pairs`` lists the pairs that can ever be in contact (alliances, track seats, back channels;
every pair for ``population: channels: complete``); ``Matching`` lists each actor's partner of one round of
``meeting: random_matching``. Both offer the same gathers and per-listener sums, so the round is written once.
Pairwise state is stored speaker-major (``trust[r, i, j]`` lives at ``[j, i, r]``, ``sim.state.pair_major``) and
read and written through ``gather`` and ``put``.
``ends[c] = (initiator, other)`` of back channel c.
"""

from __future__ import annotations

import numpy as np

CLOSED, OPEN, COLLAPSED = 0, 1, 2  # channel status codes (CLOSED covers never opened and closed by event)
DENSE_SHARE = 0.5  # above this share of all ordered pairs, work on all N² cells (no gathers)


class Pairs:
    """A fixed list of directed pairs in slots: slot d holds each listener's d-th possible speaker (ascending), for
    the listeners that have one; slot 0 holds every listener, an actor without contacts with itself (a diagonal
    cell, never in contact). With most pairs possible, every cell: slot d is speaker d for every listener, row
    ``d * n + i``, and the rows are the storage of pairwise state itself (no gathering)."""

    def __init__(self, n: int, possible: np.ndarray):
        possible = possible & ~np.eye(n, dtype=bool)
        self.n = n
        self.complete = bool(possible.sum() > DENSE_SHARE * n * (n - 1))
        if self.complete:
            self.i, self.j = np.tile(np.arange(n), n), np.repeat(np.arange(n), n)
            self.slots: list[tuple[int, int, np.ndarray]] = []
        else:
            possible = possible | np.diag(~possible.any(axis=1))
            li, sj = np.nonzero(possible)
            rank = np.arange(len(li)) - np.searchsorted(li, li)
            order = np.lexsort((li, rank))  # slot by slot, listeners ascending
            self.i, self.j, rank = li[order], sj[order], rank[order]
            edges = np.searchsorted(rank, np.arange(rank.max() + 2))
            self.slots = [(a, b, self.i[a:b]) for a, b in zip(edges[1:-1].tolist(), edges[2:].tolist(), strict=True)]
        index = np.full((n, n), -1)
        index[self.i, self.j] = np.arange(len(self.i))
        self.index = index  # row of (i, j), -1 if not listed (a diagonal cell: one of its rows)
        self.mirror = index[self.j, self.i]  # the row of (j, i)
        self.distinct = (self.i != self.j)[:, None]  # (P, 1)
        self.cell = self.i * n + self.j  # i-major cell of each pair, as per-pair draws are laid out

    def __len__(self) -> int:
        return len(self.i)

    def cells(self, matrix: np.ndarray) -> np.ndarray:
        """(P, 1) values of an (N, N) matrix at the pairs."""
        return matrix[self.i, self.j][:, None]

    def gather(self, stored: np.ndarray) -> np.ndarray:
        """(P, ..., R) pair values of pairwise state stored speaker-major (N_j, N_i, ..., R) (``pair_major``)."""
        if self.complete:
            return stored.reshape(self.n * self.n, *stored.shape[2:])
        return stored[self.j, self.i]

    def put(self, stored: np.ndarray, values: np.ndarray) -> None:
        """Write pair values back into pairwise state stored speaker-major."""
        if not self.complete:
            stored[self.j, self.i] = values
        elif not np.may_share_memory(stored, values):  # a gathered view updated in place is written already
            stored[...] = values.reshape(stored.shape)

    def listener(self, x: np.ndarray) -> np.ndarray:
        """(P, ..., R) per-actor values (N, ..., R) of each pair's listener."""
        return np.tile(x, (self.n,) + (1,) * (x.ndim - 1)) if self.complete else x[self.i]

    def speaker(self, x: np.ndarray) -> np.ndarray:
        """(P, ..., R) per-actor values (N, ..., R) of each pair's speaker."""
        return np.repeat(x, self.n, axis=0) if self.complete else x[self.j]

    def reverse(self, x: np.ndarray) -> np.ndarray:
        """Pair values of the reversed pair: ``reverse(listen)[p]`` is whether j listened to i."""
        if self.complete:
            return np.ascontiguousarray(self._grid(x).swapaxes(0, 1)).reshape(x.shape)
        return x[self.mirror]

    def spoken_by(self, m: int) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """The pairs in which m speaks to someone else: (pair rows, their listeners, None: no extra mask)."""
        rows = np.nonzero((self.j == m) & (self.i != m))[0]
        return rows, self.i[rows], None

    def at(self, x: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """(C, R) bool values of the pairs ``ends[c] = (a, b)`` (each listed: back channels always are)."""
        return x[self.index[ends[:, 0], ends[:, 1]]]

    def mark(self, out: np.ndarray, a: int, b: int, value: np.ndarray) -> None:
        """``out[(a, b)] |= value`` for bool pair values."""
        if self.index[a, b] >= 0:
            out[self.index[a, b]] |= value

    def add(self, out: np.ndarray, a: int, b: int, value: np.ndarray) -> None:
        """``out[(a, b)] += value`` for float pair values."""
        if self.index[a, b] >= 0:
            out[self.index[a, b]] += value

    def assign(self, out: np.ndarray, a: int, b: int, value: np.ndarray) -> None:
        """``out[(a, b)] = value`` where value is not NaN."""
        if self.index[a, b] >= 0:
            row = self.index[a, b]
            out[row] = np.where(np.isnan(value), out[row], value)

    def _grid(self, x: np.ndarray) -> np.ndarray:
        """Pair values of every cell as (speaker, listener, ...) (a view)."""
        return x.reshape(self.n, self.n, *x.shape[1:])

    def minus_listener(self, x: np.ndarray, per_actor: np.ndarray) -> np.ndarray:
        """``x - listener(per_actor)`` written into x."""
        if self.complete:
            grid = self._grid(x)
            np.subtract(grid, per_actor[None], out=grid)
            return x
        x[: self.n] -= per_actor
        for a, b, listeners in self.slots:
            x[a:b] -= per_actor[listeners]
        return x

    def per_listener(self, x: np.ndarray) -> np.ndarray:
        """(N, ..., R) sums over each listener's pairs, speakers in order (the dense sum over j)."""
        if self.complete:
            return self._grid(x).sum(axis=0)
        out = x[: self.n].copy()
        for a, b, listeners in self.slots:
            out[listeners] += x[a:b]
        return out


class Matching:
    """One round of random matching: pair i is (i, partner[i, r]); an actor without a partner is paired with
    itself (never in contact)."""

    def __init__(self, partner: np.ndarray):
        n, r = partner.shape
        self.n = n
        self.partner = partner
        self.runs = np.arange(r)
        self.distinct = partner != np.arange(n)[:, None]

    def __len__(self) -> int:
        return self.n

    def cells(self, matrix: np.ndarray) -> np.ndarray:
        """(N, R) values of an (N, N) matrix at the pairs."""
        return matrix[np.arange(self.n)[:, None], self.partner]

    def uniforms(self, u: np.ndarray) -> np.ndarray:
        """(N, R) the pairs' draws from one draw per ordered pair (i-major cells) and run, (N * N, R)."""
        return u[np.arange(self.n)[:, None] * self.n + self.partner, self.runs]

    def gather(self, stored: np.ndarray) -> np.ndarray:
        """(N, R) pair values of pairwise state stored speaker-major (N_j, N_i, R)."""
        return stored[self.partner, np.arange(self.n)[:, None], self.runs]

    def put(self, stored: np.ndarray, values: np.ndarray) -> None:
        """Write pair values back into pairwise state stored speaker-major."""
        stored[self.partner, np.arange(self.n)[:, None], self.runs] = values

    def listener(self, x: np.ndarray) -> np.ndarray:
        """Per-actor values: pair i's listener is actor i."""
        return x

    def speaker(self, x: np.ndarray) -> np.ndarray:
        """Per-actor values (N, ..., R) of each actor's partner."""
        index = self.partner.reshape(self.n, *([1] * (x.ndim - 2)), -1)
        return np.take_along_axis(x, np.broadcast_to(index, x.shape), axis=0)

    def reverse(self, x: np.ndarray) -> np.ndarray:
        """The partner's pair value (a matching is symmetric)."""
        return self.speaker(x)

    def spoken_by(self, m: int) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """Every actor, with the mask of those whose partner is m (m itself excluded)."""
        every = np.arange(self.n)
        mask = (self.partner == m) & (every != m)[:, None]
        return every, every, mask

    def at(self, x: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """(C, R) bool values of the pairs ``ends[c] = (a, b)`` in the runs where a and b are partners, else False."""
        return x[ends[:, 0]] & (self.partner[ends[:, 0]] == ends[:, 1][:, None])

    def mark(self, out: np.ndarray, a: int, b: int, value: np.ndarray) -> None:
        """``out[(a, b)] |= value`` in the runs where a and b are partners."""
        out[a] |= value & (self.partner[a] == b)

    def add(self, out: np.ndarray, a: int, b: int, value: np.ndarray) -> None:
        """``out[(a, b)] += value`` in the runs where a and b are partners."""
        out[a] += value * (self.partner[a] == b)

    def assign(self, out: np.ndarray, a: int, b: int, value: np.ndarray) -> None:
        """``out[(a, b)] = value`` in the runs where a and b are partners and value is not NaN."""
        out[a] = np.where((self.partner[a] == b) & ~np.isnan(value), value, out[a])

    def minus_listener(self, x: np.ndarray, per_actor: np.ndarray) -> np.ndarray:
        """``x - listener(per_actor)`` written into x."""
        return np.subtract(x, per_actor, out=x)

    def per_listener(self, x: np.ndarray) -> np.ndarray:
        """Each listener has one pair: its value."""
        return x


def possible_contacts(alliance: np.ndarray, seats: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """(N, N) bool: pairs that can ever meet: allies, two actors that may share a track, channel ends.

    ``seats[t, i]``: i may ever sit in track t (a participant in some run or joining by an event).
    """
    s = seats.astype(np.int64)
    possible = alliance | ((s.T @ s) > 0)
    possible[ends[:, 0], ends[:, 1]] = True
    possible[ends[:, 1], ends[:, 0]] = True
    return possible


def contact(pairs: Pairs | Matching, standing: np.ndarray, ends: np.ndarray, channel_open: np.ndarray) -> np.ndarray:
    """(P, R) bool: pairs in contact: ``standing`` (allies and shared tracks, (P, R)) or an open back channel."""
    out = standing.copy()
    for c, (a, b) in enumerate(ends):
        pairs.mark(out, a, b, channel_open[c])
        pairs.mark(out, b, a, channel_open[c])
    return out


def standing_contact(pairs: Pairs | Matching, alliance: np.ndarray, seated: np.ndarray, runs: int) -> np.ndarray:
    """(P, R) bool: pairs allied or sharing a seat at an active track (``seated``: (T, N, R))."""
    out = np.zeros((len(pairs), runs), dtype=bool)
    out |= pairs.cells(alliance)
    for t in range(seated.shape[0]):
        out |= pairs.listener(seated[t]) & pairs.speaker(seated[t])
    out &= pairs.distinct
    return out


def random_partners(keys: np.ndarray) -> np.ndarray:
    """(N, R) partner of each actor in a random perfect matching per run, from uniform keys (R, N); the odd one
    out (sorting last) is its own partner."""
    r, n = keys.shape
    order = np.argsort(keys, axis=1)
    partner = np.tile(np.arange(n), (r, 1))
    pairs = order[:, : n - n % 2].reshape(r, -1, 2)
    rows = np.arange(r)[:, None]
    partner[rows, pairs[..., 0]] = pairs[..., 1]
    partner[rows, pairs[..., 1]] = pairs[..., 0]
    return np.ascontiguousarray(partner.T)



MEMORY = ("met", "opp_last", "my_last", "opp_ever_ignored", "ignored_streak", "reciprocity")  # State fields


def remember(pairs: Pairs | Matching, stored: dict[str, np.ndarray], seen: dict[str, np.ndarray], contact: np.ndarray,
             listen: np.ndarray, back: np.ndarray, memory: np.ndarray) -> None:
    """Write what each side remembers of a round into the stored pairwise state (the ``MEMORY`` fields): met,
    the other's and one's own move, ever ignored, the ignored streak, perceived reciprocity.

    ``seen``: those fields' pair values at the start of the round; ``back``: the speaker listened to the listener.
    """
    heard_back = contact & back
    streak = seen["ignored_streak"] + contact  # one more ignored meeting where they met ...
    streak *= ~heard_back  # ... unless the other listened (a product: faster than a masked assignment)
    pairs.put(stored["ignored_streak"], streak)
    pairs.put(stored["opp_ever_ignored"], seen["opp_ever_ignored"] | (contact & ~back))
    pairs.put(stored["opp_last"], heard_back | (seen["opp_last"] & ~contact))
    pairs.put(stored["my_last"], (contact & listen) | (seen["my_last"] & ~contact))
    pairs.put(stored["met"], seen["met"] | contact)
    pairs.put(stored["reciprocity"], update_reciprocity(seen["reciprocity"], contact, back, memory))



def update_reciprocity(recip: np.ndarray, met: np.ndarray, heard: np.ndarray, memory: np.ndarray) -> np.ndarray:
    """i's perceived reciprocity of j: a moving average of whether j listened to i (``heard``), where they met.

    Updates ``recip`` in place and returns it.
    """
    new = (1.0 - memory) * recip
    new += memory * heard
    recip[...] = np.where(met, new, recip)  # where, then a copy: faster than copyto with a mask
    return recip


def one_sided(recip: np.ndarray, ends: np.ndarray, threshold: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(C, R) bool each: the initiator / the other side perceives the other's reciprocity below the threshold.

    ``recip``: runs-last (N, N, R); ``threshold``: (C, R).
    """
    a, b = ends[:, 0], ends[:, 1]
    return recip[a, b] < threshold, recip[b, a] < threshold


def count_streak(count: np.ndarray, talking: np.ndarray, bad: np.ndarray) -> None:
    """One-sided rounds in a row, in place: +1 where a talking channel was one-sided, reset where it was not."""
    count[talking] = np.where(bad[talking], count[talking] + 1, 0)


def out_of_patience(is_open: np.ndarray, count: np.ndarray, patience: np.ndarray, cut: np.ndarray) -> np.ndarray:
    """Open channels whose grievance (or count of one-sided rounds) reached ``patience`` (less what exposure cut; at
    least 1): they collapse."""
    return is_open & (count >= np.maximum(1, patience - cut))


def unheard_code(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Who was not listened to when a channel collapsed: 1 the other side, 2 the initiator, 3 both."""
    return first + 2 * second


def pressed_open(pending: np.ndarray, pressure: np.ndarray, threshold: np.ndarray) -> np.ndarray:
    """``opens: auto`` channels whose initiator's sidelining pressure reached its threshold."""
    return pending & (pressure >= threshold)


def mutual_trust(trust: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """(R, C) the lower of the two sides' trust in each other (``trust`` runs-first (R, N, N))."""
    a, b = ends[:, 0], ends[:, 1]
    return np.minimum(trust[:, a, b], trust[:, b, a])


def reopening(status: np.ndarray, closed: np.ndarray, may: np.ndarray, cooldown: np.ndarray, mutual: np.ndarray,
              min_trust: np.ndarray, r: int) -> np.ndarray:
    """Collapsed channels that reopen in round r: allowed to (``may``), cooled down, and mutual trust high enough."""
    cooled = may & (r - closed >= cooldown)
    return (status == COLLAPSED) & cooled & (mutual >= min_trust)
