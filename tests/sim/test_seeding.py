"""Seeding: run seeds are numpy's SeedSequence.spawn children, computed for a batch at once; one default-seed rule."""

from __future__ import annotations

import numpy as np
import pytest

from sim.seeding import default_seed, seed_of, spawned_seeds


def test_seed_of_is_seedsequence_spawn() -> None:
    children = np.random.SeedSequence(11).spawn(5)
    assert [seed_of(11, k) for k in range(5)] == [int(c.generate_state(1)[0]) for c in children]
    assert seed_of(0, 0) != seed_of(1, 0)  # root 0 is a seed like any other


@pytest.mark.parametrize("root", [0, 11, 2**32 + 5, 2**130 + 1])
def test_spawned_seeds_of_a_batch_are_seed_of_each_run(root: int) -> None:
    """The batch derivation of run seeds is numpy's spawn for every run id, multi-word ids and roots included."""
    ks = [*range(300), 2**32 - 1, 2**32, 2**64 + 9]
    assert spawned_seeds(root, ks) == [seed_of(root, k) for k in ks]


def test_default_seed_is_the_given_one_else_the_first_set_else_zero() -> None:
    assert default_seed(3, 5) == 3
    assert default_seed(0, 5) == 0  # 0 is a seed given, not a missing one
    assert default_seed(None, None, 9, 4) == 9
    assert default_seed(None, None) == 0
    assert default_seed(None) == 0
