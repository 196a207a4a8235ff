"""benchmarks.latency times each command per source tree, interleaved (the figures are timings: not asserted)."""

from __future__ import annotations

from benchmarks import latency as B


def test_measure_times_the_reference_and_the_chosen_commands_in_every_tree() -> None:
    times = B.measure(2, ["--help"], {"this": B.ROOT, "again": B.ROOT})
    assert set(times) == {(name, tree) for name in (B.REFERENCE, "dipsim --help") for tree in ("this", "again")}
    assert all(len(ts) == 2 and min(ts) > 0 for ts in times.values())
