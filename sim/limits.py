"""Input limits: how much scenario text, alias expansion, nesting and memory dipsim accepts before refusing.

Each limit has a default sized for hand-written scenarios and generous populations, and an environment variable
that lifts it (``DIPSIM_MAX_BYTES=20000000``); the flags ``--max-bytes`` and ``--max-runs`` set one for the
command at hand (``use``). Variables are read when used, so a worker process sees the same limits.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from sim.errors import UsageError

DEFAULTS = {
    "bytes": 4 * 2**20,  # scenario file size
    "aliases": 1_000,  # YAML aliases (*name) in one file
    "nodes": 200_000,  # YAML values once aliases are expanded
    "depth": 64,  # nesting of mappings and lists
    "string": 100_000,  # characters in one YAML value
    "runs": 10_000_000,  # runs in one sweep or comparison plan
}


MAX_SEED = 2**63 - 1  # seeds fit int64 (numpy's seed arrays, the `seed` column)
OVERRIDES: dict[str, int] = {}  # set by command-line flags for this process (see ``use``)


class LimitError(UsageError):
    """Input refused because it exceeds a limit; ``str()`` is one line naming the limit and how to lift it."""


def env_name(limit: str) -> str:
    """The environment variable that lifts ``limit`` (DIPSIM_MAX_BYTES, ...)."""
    return f"DIPSIM_MAX_{limit.upper()}"


def use(**limits: int | None) -> None:
    """Replace the command-line limits of this process (``use(bytes=10**8)``; None or nothing: none)."""
    unknown = set(limits) - set(DEFAULTS)
    if unknown:
        raise ValueError(f"unknown limits: {', '.join(sorted(unknown))}")
    OVERRIDES.clear()
    OVERRIDES.update({k: v for k, v in limits.items() if v is not None})


def limit(name: str) -> int:
    """The limit in force: a flag's (``use``), else its environment variable if a positive whole number, else
    the default."""
    if name in OVERRIDES:
        return OVERRIDES[name]
    raw = os.environ.get(env_name(name), "")
    try:
        value = int(raw.replace("_", ""))
    except ValueError:
        return DEFAULTS[name]
    return value if value > 0 else DEFAULTS[name]


def lift(name: str, flag: str | None = None) -> str:
    """The words telling a user how to lift ``name``: `--flag N` and/or the environment variable."""
    var = f"{env_name(name)}=N"
    return f"raise it with {flag} N (or {var})" if flag else f"raise it with {var}"


@dataclass(frozen=True)
class Memory:
    """Bytes a batch of runs would hold, and what this machine can give."""

    per_run: int
    runs: int
    available: int | None

    @property
    def total(self) -> int:
        return self.per_run * self.runs

    def fits(self) -> bool:
        return self.available is None or self.total <= self.available


def available_memory() -> int | None:
    """Bytes this process may still use: DIPSIM_MAX_MEMORY if set, else MemAvailable of /proc/meminfo
    (None if unknown)."""
    raw = os.environ.get("DIPSIM_MAX_MEMORY", "")
    if raw.replace("_", "").isdigit():
        return int(raw.replace("_", ""))
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def size(n: float) -> str:
    """Bytes in words: 512 B, 3.2 MB, 14.5 GB."""
    for unit, scale in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{int(n)} B"
