"""Plain-words hints for the YAML syntax errors people make most: tabs, bad indentation, unclosed quotes/brackets.

``hint(text, error)`` returns ``(line, col, message)`` (1-based) for a PyYAML ``MarkedYAMLError`` it recognises,
or None to keep PyYAML's own wording. Only the text is inspected; nothing is parsed again.
"""

from __future__ import annotations

import re

import yaml

_KEY = re.compile(r"^(\s*)(?:-\s+)?(['\"]?)([^'\"#:]+?)\2\s*:(\s|$)(.*)$")
_OPENERS = {"flow sequence": ("[", "]"), "flow mapping": ("{", "}")}


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _meaningful(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _key(line: str) -> tuple[str, bool] | None:
    """The key a line starts, and whether it holds its value on the same line; None if it starts none."""
    m = _KEY.match(line)
    if not m:
        return None
    rest = m[5].split(" #")[0].strip()
    return m[3].strip(), bool(rest) and not rest.startswith("#") and rest not in ("|", ">", "|-", ">-")


def _indentation(lines: list[str], row: int) -> tuple[int, int, str] | None:
    """Hint for line ``row`` (0-based) indented so that it fits no open block: the key it seems to belong to."""
    if row >= len(lines) or not _meaningful(lines[row]):
        return None
    col = _indent(lines[row])
    above = [(r, lines[r]) for r in range(row - 1, -1, -1) if _meaningful(lines[r])]
    parent = next(((r, ln) for r, ln in above if _indent(ln) < col and _key(ln)), None)
    if parent is None:
        return None
    prow, pline = parent
    name, inline = _key(pline) or ("", False)
    if inline:  # `rounds: 3` then a deeper line: it cannot belong to `rounds`
        return (row + 1, col + 1, f"bad indentation: line {row + 1} is indented under `{name}` (line {prow + 1}), "
                f"which already has a value; start it at column {_indent(pline) + 1} to make it a sibling of `{name}`")
    children = [_indent(ln) for r, ln in above if r > prow and _indent(ln) > _indent(pline)]
    if not children or children[-1] == col:
        return None
    expected = children[-1]
    return (row + 1, col + 1, f"bad indentation: line {row + 1} starts at column {col + 1}; it seems to belong to "
            f"`{name}` (line {prow + 1}), whose keys start at column {expected + 1}")


def hint(text: str, error: yaml.MarkedYAMLError) -> tuple[int, int, str] | None:
    """A located plain-words message for a recognised syntax mistake, else None."""
    problem, context = str(error.problem or ""), str(error.context or "")
    mark, opened = error.problem_mark, error.context_mark
    if mark is None:
        return None
    lines = _lines(text)
    if "'\\t'" in problem:
        return (mark.line + 1, mark.column + 1, "YAML forbids tabs for indentation; use spaces")
    if "quoted scalar" in context and opened is not None and "end of stream" in problem:
        quote = text[opened.index] if opened.index < len(text) else "'"
        return (opened.line + 1, opened.column + 1,
                f"unclosed quote: the {quote} opened here is never closed (close it with {quote} on the same value)")
    for what, (left, right) in _OPENERS.items():
        if what in context and opened is not None:
            return (opened.line + 1, opened.column + 1,
                    f"unclosed {left}: the {left} opened here has no matching {right} "
                    f"(PyYAML stopped at line {mark.line + 1}: {problem})")
    if "expected <block end>" in problem or "mapping values are not allowed here" in problem:
        row = mark.line
        if "mapping values" in problem and row < len(lines) and _indent(lines[row]) == 0 and row == 0:
            return None
        found = _indentation(lines, row)
        if found is None and "mapping values" in problem:
            return None
        return found
    return None
