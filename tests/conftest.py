"""Shared fixtures: shipped scenarios loaded once per session."""

from __future__ import annotations

import pytest

import scenarios
from sim.loader import load_scenario


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
