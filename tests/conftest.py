"""Shared fixtures: shipped scenarios loaded once per session."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

import scenarios
from sim.loader import load_scenario

# CI replays the same examples every run (a red CI then means the code changed, not the draw); locally,
# hypothesis explores and keeps what it found in .hypothesis/.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def shipped():
    """Load a shipped scenario by file name, e.g. ``shipped("uk_listens.yaml")``."""
    cache = {}

    def load(name: str = scenarios.DEFAULT, *overrides: str):
        key = (name, overrides)
        if key not in cache:
            cache[key] = load_scenario(scenarios.builtin(name), overrides)
        return cache[key]

    return load
