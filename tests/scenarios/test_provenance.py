"""Every `source:` quote in a shipped scenario appears word for word in the article the scenarios derive from.

The article is not shipped with dipsim. The test reads it from ``$DIPSIM_SOURCE_TEXT`` or, by default,
``../shared/seeds/000_64b12416ffe3ca12.txt`` relative to the repository root, and skips when it is absent
(docs/scenario-format.md, "Provenance quotes"). Whitespace runs and typographic quote marks are normalised.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sim.yamlio import read_yaml

REPO = Path(__file__).parents[2]
SCENARIOS = REPO / "scenarios"
DEFAULT_ARTICLE = REPO.parent / "shared" / "seeds" / "000_64b12416ffe3ca12.txt"
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
                         "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"'})


def normalised(text: str) -> str:
    """The text with typographic quotes made straight and every whitespace run made one space."""
    return re.sub(r"\s+", " ", text.translate(_QUOTES)).strip()


def sources(data: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every ``source:`` string in a parsed YAML tree, with its YAML path."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "source" and isinstance(value, str):
                yield (*path, key), value
            else:
                yield from sources(value, (*path, key))
    elif isinstance(data, list):
        for k, item in enumerate(data):
            yield from sources(item, (*path, k))


def misquotes(article: str, files: list[Path]) -> list[str]:
    """One ``FILE:LINE: PATH: quote not in the article`` line for each quote the article does not contain."""
    text = normalised(article)
    bad = []
    for file in files:
        doc = read_yaml(file)
        for path, quote in sources(doc.data):
            if normalised(quote) not in text:
                line, _ = doc.locate(path)
                where = ".".join(map(str, path))
                bad.append(f"{file.relative_to(file.parents[1])}:{line}: {where}: {quote!r} is not in the article")
    return bad


def _article() -> Path:
    """The article's path: ``$DIPSIM_SOURCE_TEXT`` if set, else the default next to the repository."""
    return Path(os.environ.get("DIPSIM_SOURCE_TEXT") or DEFAULT_ARTICLE)


SHIPPED = sorted(SCENARIOS.rglob("*.yaml"))


def test_every_shipped_source_quote_is_in_the_article():
    article = _article()
    if not article.is_file():
        pytest.skip(f"source article not found at {article} (set DIPSIM_SOURCE_TEXT to its path)")
    text = article.read_text(encoding="utf-8")
    quotes = [q for f in SHIPPED for _, q in sources(read_yaml(f).data)]
    assert len(quotes) >= 20, "expected the shipped scenarios to carry provenance quotes"
    assert misquotes(text, SHIPPED) == []


def test_misquote_is_reported_with_file_line_and_path(tmp_path):
    scenario = tmp_path / "scenarios" / "s.yaml"
    scenario.parent.mkdir()
    scenario.write_text(
        "actors:\n"
        "  UK: {source: \"showed a  strong\\ndesire\"}\n"
        "  Russia:\n"
        "    source: 'speak respectfully and listen'\n"
        "channels:\n"
        "  - {source: \"It 'did not continue'\"}\n"
        "  - {source: \"did not go on\"}\n"
    )
    article = "It showed a strong desire; they should \u201cspeak respectfully\nand listen.\u201d"
    article += " It \u2018did not continue\u2019."
    assert misquotes(article, [scenario]) == [
        "scenarios/s.yaml:7: channels.1.source: 'did not go on' is not in the article"
    ]


def test_normalised_folds_quotes_and_whitespace():
    assert normalised("  \u201cit\u2019s\u201d\n\t done ") == "\"it's\" done"
