"""The YAML boundary: every PyYAML failure and every limit passed is one located ScenarioError, fast and small."""

from __future__ import annotations

import os
import re
import threading
import tracemalloc
from pathlib import Path

import pytest
import yaml

from sim import yamlio
from sim.errors import ScenarioError
from sim.limits import use
from sim.loader import load_scenario
from sim.yamlio import parse_yaml, read_yaml

LINE = re.compile(r"^[^:]+:\d+:\d+: \S+: .+$")
SMALL = Path(__file__).resolve().parents[1] / "fixtures" / "valid" / "small.yaml"


def _refusal(text: str) -> str:
    with pytest.raises(ScenarioError) as info:
        parse_yaml(text, "t.yaml")
    (problem,) = info.value.problems
    assert LINE.match(str(problem)), str(problem)
    return str(problem)


@pytest.fixture(autouse=True)
def _no_flag_limits():
    use()
    yield
    use()


MARK = yaml.Mark("t.yaml", 12, 2, 3, None, None)
ERRORS = [
    yaml.reader.ReaderError("t.yaml", 3, 0, "utf-8", "special characters are not allowed"),
    yaml.scanner.ScannerError("while scanning", MARK, "found something", MARK),
    yaml.parser.ParserError("while parsing", MARK, "expected something", MARK),
    yaml.composer.ComposerError("while composing", MARK, "found undefined alias", MARK),
    yaml.constructor.ConstructorError("while constructing", MARK, "could not determine a constructor", MARK),
    yaml.YAMLError("something else went wrong"),
    yaml.emitter.EmitterError("an emitter error"),
    yaml.representer.RepresenterError("a representer error"),
    RecursionError("maximum recursion depth exceeded"),
    ValueError("invalid literal for int()"),
    OverflowError("int too large"),
]


@pytest.mark.parametrize("error", ERRORS, ids=[type(e).__name__ for e in ERRORS])
def test_every_pyyaml_error_class_becomes_one_located_line(monkeypatch, error: Exception) -> None:
    def fail(self):
        raise error

    monkeypatch.setattr(yamlio._Loader, "compose_document", fail)
    text = _refusal("name: a\nrounds: 3\n")
    assert text.startswith("t.yaml:")
    if isinstance(error, yaml.MarkedYAMLError):
        assert text.startswith("t.yaml:3:4:"), text  # the mark's line and column, 1-based


REAL = {  # a real mistaken text for each error class PyYAML raises, and what the line must say
    "reader (NUL byte)": ("name: a\0b\n", "t.yaml:1:8: <root>: unreadable character: a NUL byte"),
    "reader (control character)": ("name: a\x07b\n", "control character #x0007"),
    "scanner (tab)": ("name: a\nactors:\n\tUK: 1\n",
                      "t.yaml:3:1: <root>: YAML forbids tabs for indentation; use spaces"),
    "scanner (quote)": ('name: "abc\nrounds: 3\n', "t.yaml:1:7: <root>: unclosed quote: the \" opened here"),
    "parser (indentation)": ("a:\n  b:\n    c: 1\n   d: 2\n", "t.yaml:4:4: <root>: bad indentation: line 4 starts at "
                             "column 4; it seems to belong to `b` (line 2), whose keys start at column 5"),
    "parser (bracket)": ("name: a\nlist: [1, 2\nrounds: 3\n", "t.yaml:2:7: <root>: unclosed [: the [ opened here"),
    "parser (brace)": ("name: a\nm: {a: 1\nrounds: 3\n", "t.yaml:2:4: <root>: unclosed {: the { opened here"),
    "composer (alias)": ("name: a\nrounds: *weeks\n", "t.yaml:2:9: <root>: YAML syntax error: found undefined alias"),
    "composer (anchor)": ("a: &x 1\nb: &x 2\n", "found duplicate anchor"),
}


@pytest.mark.parametrize("case", list(REAL), ids=list(REAL))
def test_real_mistakes_are_located_with_a_hint(case: str) -> None:
    text, expected = REAL[case]
    assert expected in _refusal(text)


def test_nul_byte_file_is_a_located_error_not_an_internal_one(tmp_path: Path) -> None:
    """Defect 1: `printf 'name: a\\0b\\n'` made PyYAML's ReaderError escape the loader."""
    path = tmp_path / "nul.yaml"
    path.write_bytes(b"name: a\0b\n")
    with pytest.raises(ScenarioError, match=r"nul.yaml:1:8: <root>: unreadable character: a NUL byte"):
        load_scenario(path)


def test_special_files_are_refused_without_reading(tmp_path: Path) -> None:
    """Defect 3: /dev/zero grew without bound; a FIFO would block forever."""
    with pytest.raises(ScenarioError, match=r"/dev/zero:0:0: <root>: not a regular file"):
        read_yaml("/dev/zero")
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    caught: list[BaseException] = []
    worker = threading.Thread(target=lambda: _catch(caught, read_yaml, fifo), daemon=True)
    worker.start()
    worker.join(10)
    assert not worker.is_alive(), "reading a FIFO blocked"
    assert isinstance(caught[0], ScenarioError) and "not a regular file" in str(caught[0])
    with pytest.raises(ScenarioError, match="is a directory"):
        read_yaml(tmp_path)


def _catch(box: list[BaseException], fn, *args) -> None:
    try:
        fn(*args)
    except BaseException as e:  # noqa: BLE001 - handed to the test
        box.append(e)


def test_oversized_file_is_refused_after_reading_at_most_the_limit(tmp_path: Path) -> None:
    """Defect 3: a 50 MB scenario never finished; now only max_bytes + 1 bytes are read."""
    path = tmp_path / "big.yaml"
    with path.open("wb") as f:
        f.write(b"name: big\n" + b"# padding\n" * (5 * 2**20))
    tracemalloc.start()
    with pytest.raises(ScenarioError, match=r"larger than the limit of 4194304 bytes.*--max-bytes N"):
        read_yaml(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 16 * 2**20
    small = tmp_path / "small.yaml"
    small.write_bytes(b"name: small\n" + b"#" * 2000 + b"\n")
    use(bytes=1000)  # the flag's limit, both ways
    with pytest.raises(ScenarioError, match=r"larger than the limit of 1000 bytes"):
        read_yaml(small)
    use(bytes=10_000)
    assert read_yaml(small).data == {"name": "small"}


BOMB = "\n".join(["a: &a [x, x, x, x, x, x, x, x, x]"]
                 + [f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]"
                    for p, c in zip("abcdefgh", "bcdefghi", strict=True)]) + "\n"


def test_billion_laughs_is_refused_before_expansion() -> None:
    """Defect 3: the alias bomb was refused only after 10 s and 420 MB (it was expanded first)."""
    tracemalloc.start()
    text = _refusal(BOMB)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert "expands to 490329064 values, more than the limit of 200000" in text, text
    assert "DIPSIM_MAX_NODES=N" in text
    assert peak < 20 * 2**20


def test_alias_count_depth_and_string_length_limits() -> None:
    many = "a: &a 1\nb: [" + ", ".join(["*a"] * 1001) + "]\n"
    assert "more than 1000 aliases" in _refusal(many)
    deep = "a: " + "[" * 70 + "]" * 70 + "\n"
    assert "nested more than 64 deep; raise it with DIPSIM_MAX_DEPTH=N" in _refusal(deep)
    long = "name: " + "x" * 100_001 + "\n"
    assert "a value of 100001 characters, more than the limit of 100000" in _refusal(long)


def test_recursive_alias_is_refused() -> None:
    assert "recursive alias" in _refusal("a: &x [1, *x]\n")


def test_limits_are_lifted_by_environment(monkeypatch) -> None:
    monkeypatch.setenv("DIPSIM_MAX_DEPTH", "200")
    deep = "a: " + "[" * 70 + "]" * 70 + "\n"
    assert parse_yaml(deep).data["a"] is not None


def test_shipped_scenarios_are_within_every_limit() -> None:
    import scenarios

    for name in scenarios.listing():
        read_yaml(scenarios.builtin(name))
    read_yaml(SMALL)
