"""Seeding: each run's seed from a root (numpy's ``SeedSequence.spawn``), each run's own random stream, and the
one default-seed rule.

Batch seeding computes numpy's SeedSequence/PCG64 derivations for many seeds at once with array ops; at import it
checks that derivation against numpy itself and falls back to numpy one seed at a time if numpy ever seeds
differently.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np

SKIP_ABOVE = 20_000  # per-round draws per run above which unused parts are skipped (advance) instead of drawn
BLOCK = 32  # runs whose kept draws are gathered and turned runs-last together ...
BLOCK_DRAWS = 2**17  # ... as long as their draws fit in this many doubles (1 MiB)


MASK32, MASK128 = (1 << 32) - 1, (1 << 128) - 1
PCG64_MULT = (2549297995355413924 << 64) + 4865540595714422341  # numpy's PCG64 multiplier


def _hash(v: np.ndarray, h: list[int]) -> np.ndarray:
    """SeedSequence's hashmix over uint32 arrays; ``h`` holds the running hash constant."""
    v = v ^ np.uint32(h[0])
    h[0] = (h[0] * 0x931E8875) & MASK32
    v = v * np.uint32(h[0])
    return v ^ (v >> np.uint32(16))


def _mix(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    r = np.uint32(0xCA01F9DD) * x - np.uint32(0x4973F715) * y
    return r ^ (r >> np.uint32(16))


def _pool_words(entropy: np.ndarray) -> list[np.ndarray]:
    """The 8 uint32 state words ``SeedSequence(seed).generate_state(4, uint64)`` makes, for (R, W) seed words."""
    h, n = [0x43B0D7E5], entropy.shape[1]
    with np.errstate(over="ignore"):
        pool = [_hash(entropy[:, i] if i < n else np.zeros(len(entropy), np.uint32), h) for i in range(4)]
        for src in range(4):
            for dst in range(4):
                if src != dst:
                    pool[dst] = _mix(pool[dst], _hash(pool[src], h))
        for src in range(4, n):
            for dst in range(4):
                pool[dst] = _mix(pool[dst], _hash(entropy[:, src], h))
        out, hb = [], 0x8B51F9DD
        for k in range(8):
            v = pool[k % 4] ^ np.uint32(hb)
            hb = (hb * 0x58F38DED) & MASK32
            v = v * np.uint32(hb)
            out.append(v ^ (v >> np.uint32(16)))
    return out


def _derived_states(seeds: Sequence[int]) -> list[tuple[int, int]]:
    """(state, inc) of ``PCG64(seed)`` for each seed, numpy's seeding computed over all seeds at once."""
    seeds = [int(s) for s in seeds]
    if min(seeds, default=0) < 0:
        raise ValueError("seeds must be non-negative")
    size = np.array([max(1, (s.bit_length() + 31) // 32) for s in seeds])
    out: list[tuple[int, int]] = [(0, 0)] * len(seeds)
    for w in np.unique(size).tolist():
        runs = np.nonzero(size == w)[0].tolist()
        entropy = np.array([[(seeds[r] >> (32 * k)) & MASK32 for k in range(w)] for r in runs], dtype=np.uint32)
        words = [x.astype(object) for x in _pool_words(entropy)]
        w0, w1, w2, w3 = (words[2 * k] | (words[2 * k + 1] << 32) for k in range(4))
        for r, a, b, c, d in zip(runs, w0, w1, w2, w3, strict=True):
            inc = (((c << 64 | d) << 1) | 1) & MASK128
            out[r] = (((inc + (a << 64 | b)) * PCG64_MULT + inc) & MASK128, inc)
    return out


def seeded_states(seeds: Sequence[int]) -> list[tuple[int, int]]:
    """(state, inc) of ``Generator(PCG64(seed))`` (= ``default_rng(SeedSequence(seed))``) for each seed.

    Derived for all seeds at once (4× faster than building generators) after checking the derivation
    against numpy itself; built one by one if numpy ever seeds differently.
    """
    if _DERIVED_OK:
        return _derived_states(seeds)
    return [tuple(np.random.PCG64(int(s)).state["state"].values()) for s in seeds]  # pragma: no cover


def _words(x: int) -> list[int]:
    """An int as SeedSequence reads it: little-endian 32-bit words, at least one."""
    return [(x >> (32 * k)) & MASK32 for k in range(max(1, (x.bit_length() + 31) // 32))]


def _spawned(root: int, ks: Sequence[int]) -> list[int]:
    head = _words(root)
    head += [0] * (4 - len(head))  # SeedSequence pads the entropy to its pool size before a spawn key
    keys = np.array([int(k) for k in ks], dtype=object)
    small = np.array([k <= MASK32 for k in keys.tolist()], dtype=bool)
    out = np.zeros(len(keys), dtype=np.int64)
    if small.any():  # the usual case, one word per key: no Python per key
        entropy = np.empty((int(small.sum()), len(head) + 1), dtype=np.uint32)
        entropy[:, :-1] = head
        entropy[:, -1] = keys[small].astype(np.uint64)
        out[small] = _pool_words(entropy)[0]
    for r in np.nonzero(~small)[0].tolist():
        out[r] = int(_pool_words(np.array([head + _words(keys[r])], dtype=np.uint32))[0][0])
    return out.tolist()


def spawned_seeds(root: int, ks: Sequence[int]) -> list[int]:
    """``SeedSequence(root, spawn_key=(k,)).generate_state(1)[0]`` for each k (a sweep's run seeds), computed for
    all k at once after checking the derivation against numpy; one by one if numpy ever seeds differently."""
    if min((int(k) for k in ks), default=0) < 0 or root < 0:
        raise ValueError("seeds and spawn keys must be non-negative")
    if _SPAWNED_OK:
        return _spawned(root, ks)
    return [int(np.random.SeedSequence(root, spawn_key=(int(k),)).generate_state(1)[0]) for k in ks]  # pragma: no cover


_PROBE = [0, 7, 2**40 + 5]
_DERIVED_OK = _derived_states(_PROBE) == [tuple(np.random.PCG64(s).state["state"].values()) for s in _PROBE]
_SPAWNED_OK = all(_spawned(root, _PROBE) == [int(np.random.SeedSequence(root, spawn_key=(k,)).generate_state(1)[0])
                                            for k in _PROBE] for root in (0, 2**40 + 3))


def pcg64_state(state: int, inc: int) -> dict:
    """numpy's ``PCG64.state`` dict for a (state, inc) pair, with no buffered half-word."""
    return {"bit_generator": "PCG64", "state": {"state": state, "inc": inc}, "has_uint32": 0, "uinteger": 0}


class RunStreams:
    """One stream per run, seeded from that run's seed alone, so a run never depends on its batch.

    Run k's stream is ``default_rng(SeedSequence(seed_k))``; one PCG64 generator is moved between the runs'
    states. Each round uses a fixed layout of named parts (e.g. coins n², draws n², keys n); ``select`` keeps
    only some draws of a part (e.g. the cells of the pairs that can meet), in that order. Parts come runs last,
    (kept draws, R). Small layouts are drawn a chunk of rounds at a time; large ones part by part, jumping over
    (``advance``) the parts a round does not need. numpy's doubles take one 64-bit output each, so a run sees the
    same numbers whatever the chunking, skipping, selection or batch.
    """

    def __init__(self, seeds: np.ndarray, parts: Sequence[tuple[str, int]], rounds: int, budget: int = 4_000_000,
                 select: dict[str, np.ndarray] | None = None):
        self.states = seeded_states(seeds)
        self._bits = np.random.PCG64(0)
        self._gen = np.random.Generator(self._bits)
        self.parts = list(parts)
        self.per_round = sum(size for _, size in parts)
        select = select or {}
        self._keep: dict[str, np.ndarray] = {}  # per part: kept draws, as offsets within the part
        for name, size in self.parts:
            self._keep[name] = np.asarray(select[name]) if name in select else np.arange(size)
        self.left = rounds
        self.skip = self.per_round > SKIP_ABOVE
        self.chunk = max(1, budget // max(1, len(seeds) * self.per_round))
        self._buf = np.empty((0, 0, len(seeds)))
        self._next = 0

    def _draw(self, run: int, steps: Sequence[tuple[np.ndarray | None, int]], keep: bool = True) -> None:
        """Run ``run``'s stream: fill each array in turn, or advance over ``size`` draws where it is None;
        ``keep``: remember where the stream stopped (not needed after its last draws)."""
        state, inc = self.states[run]
        self._bits.state = pcg64_state(state, inc)
        for out, size in steps:
            if out is None:
                self._bits.advance(size)
            else:
                self._gen.random(out=out)
        if keep:
            self.states[run] = (self._bits.state["state"]["state"], inc)

    def take(self, size: int) -> np.ndarray:
        """(R, size) uniforms outside the per-round layout (e.g. initial positions); call before rounds."""
        out = np.empty((len(self.states), size))
        for run, row in enumerate(out):
            self._draw(run, [(row, size)])
        return out

    def next_round(self, need: Collection[str] | None = None) -> dict[str, np.ndarray]:
        """The next round's kept uniforms by part, each (kept, R); parts outside ``need`` may be left out."""
        self.left -= 1
        if self.skip:
            return self._parts_drawn(need)
        if self._next >= self._buf.shape[0]:
            self._refill(max(1, min(self.chunk, self.left + 1)))
        out, at = {}, 0
        for name, _size in self.parts:
            kept = len(self._keep[name])
            out[name] = self._buf[self._next, at : at + kept]
            at += kept
        self._next += 1
        return out

    def _refill(self, chunk: int) -> None:
        """Draw ``chunk`` rounds of every run into a new (round, kept, R) buffer (earlier rounds' views stay valid).

        A few runs' draws at a time go into one small array (it stays in cache); their kept draws are then
        gathered and turned runs-last in one operation per block instead of one per run.
        """
        offsets, at = [], 0
        for name, size in self.parts:
            offsets.append(at + self._keep[name])
            at += size
        cols = np.concatenate(offsets)
        every = len(cols) == self.per_round and bool((cols == np.arange(self.per_round)).all())
        runs, width = len(self.states), chunk * self.per_round
        self._buf = np.empty((chunk, len(cols), runs))
        block = max(1, min(BLOCK, BLOCK_DRAWS // width))
        raw = np.empty((block, width))  # a few runs' draws, reused
        keep = chunk <= self.left  # False: this chunk holds every remaining round, the states are not needed again
        bits, gen, states = self._bits, self._gen, self.states
        for start in range(0, runs, block):
            stop = min(runs, start + block)
            for k, run in enumerate(range(start, stop)):
                state, inc = states[run]
                bits.state = pcg64_state(state, inc)
                gen.random(out=raw[k])
                if keep:
                    states[run] = (bits.state["state"]["state"], inc)
            drawn = raw[: stop - start].reshape(stop - start, chunk, self.per_round)
            self._buf[:, :, start:stop] = (drawn if every else drawn[:, :, cols]).transpose(1, 2, 0)
        self._next = 0

    def _parts_drawn(self, need: Collection[str] | None) -> dict[str, np.ndarray]:
        """Draw the needed parts of one round run by run, advancing each stream over the others."""
        wanted = {name: size for name, size in self.parts if need is None or name in need}
        rows = {name: np.empty(size) for name, size in wanted.items()}
        out = {name: np.empty((len(self._keep[name]), len(self.states))) for name in wanted}
        for run in range(len(self.states)):
            self._draw(run, [(rows.get(name), size) for name, size in self.parts])
            for name in wanted:
                out[name][:, run] = rows[name][self._keep[name]]
        return out


def default_seed(given: int | None, *scenario_seeds: int | None) -> int:
    """The seed of a run (or a sweep's root): the one given, else the first ``seed:`` a scenario or sweep file
    sets, else 0."""
    for seed in (given, *scenario_seeds):
        if seed is not None:
            return int(seed)
    return 0


def seed_of(root: int, k: int) -> int:
    """Seed of run k: child k of ``SeedSequence(root)`` (== ``SeedSequence(root).spawn(n)[k]``)."""
    return int(np.random.SeedSequence(root, spawn_key=(k,)).generate_state(1)[0])
