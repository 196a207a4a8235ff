"""Scenario YAML files shipped with dipsim (package data, so the built-in default works from a wheel)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

DEFAULT = "article_baseline.yaml"


def builtin(name: str = DEFAULT) -> Path:
    """Path of a shipped scenario file, e.g. ``builtin("uk_listens.yaml")``."""
    return Path(str(resources.files(__package__).joinpath(name)))


def listing() -> list[str]:
    """Names of the shipped scenario files."""
    return sorted(p.name for p in resources.files(__package__).iterdir() if p.name.endswith(".yaml"))
