"""The one error type of scenario loading: located, one-line problems.

Every problem reads ``FILE:LINE:COL: yaml.path: what is wrong (what is allowed / did you mean ...)`` so
editors and ``grep`` can jump to it; one ``ScenarioError`` carries all problems of a file at once.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

YamlPath = tuple[str | int, ...]


def dotted(path: Sequence[str | int]) -> str:
    """Render a YAML path as ``actors.UK.strategy.openness`` (list indices as numbers; ``<root>`` if empty)."""
    return ".".join(str(p) for p in path) if path else "<root>"


def did_you_mean(word: str, choices: Iterable[str], *, show_all: int = 12) -> str:
    """A hint for an unknown name: the closest choice, and the allowed names (all, or the first few); never empty."""
    names = [str(c) for c in choices]
    close = difflib.get_close_matches(word, names, n=1, cutoff=0.6)
    if not close and word:  # 'grim' -> 'grim_trigger', 'uk' -> 'UK': an unambiguous prefix or case slip
        low = word.lower()
        close = [n for n in names if n.lower() == low] or [n for n in names if n.lower().startswith(low)]
        close = close or [n for n in names if low in n.lower()]
        close = close if len(close) == 1 else []
    if not names:
        return "none are defined"
    parts = [f"did you mean {close[0]!r}?"] if close else []
    if len(names) <= show_all:
        parts.append("allowed: " + ", ".join(names))
    elif not close:
        parts.append("allowed: " + ", ".join(names[:show_all]) + f", ... ({len(names)} in all)")
    return " ".join(parts)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario, located by file, 1-based line/column and YAML path."""

    file: str
    line: int
    col: int
    path: YamlPath
    message: str

    def __str__(self) -> str:
        message = " ".join(self.message.split())  # always one line
        return f"{self.file}:{self.line}:{self.col}: {dotted(self.path)}: {message}"

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        """Order of problems in a report: by file, then position, then path."""
        return (self.file, self.line, self.col, dotted(self.path))


class ScenarioError(Exception):
    """A scenario (file, text or overrides) that cannot be loaded; ``str()`` is one line per problem."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        unique = {str(p): p for p in problems}
        self.problems: list[Problem] = sorted(unique.values(), key=lambda p: p.sort_key)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)
