"""Read scenario YAML safely while remembering where every key and list item is, so errors can be located.

Only ``yaml.SafeLoader`` is used (no tags at all, not even safe ones). The node tree is walked by hand to
record the 1-based line/column of each mapping key and sequence item under its YAML path, and to refuse
duplicate keys and non-string keys, which PyYAML would silently accept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from os import PathLike
from typing import Any

import yaml
from yaml.events import AliasEvent, CollectionStartEvent, ScalarEvent, StreamEndEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from sim.errors import Problem, ScenarioError, YamlPath
from sim.limits import lift, limit
from sim.textfile import read_text
from sim.yamlhints import hint

_TAG = "tag:yaml.org,2002:"
_SCALARS = {_TAG + t for t in ("null", "bool", "int", "float")}  # everything else stays the text written
_MERGE = _TAG + "merge"


@dataclass
class Document:
    """A parsed YAML mapping with the location of every node and the non-fatal problems found."""

    file: str
    data: dict[str, Any]
    marks: dict[YamlPath, tuple[int, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def locate(self, path: Sequence[str | int]) -> tuple[int, int]:
        """Line and column of the deepest node of ``path`` that exists in the file."""
        for k in range(len(path), -1, -1):
            mark = self.marks.get(tuple(path[:k]))
            if mark is not None:
                return mark
        return (1, 1)

    def problem(self, path: Sequence[str | int], message: str) -> Problem:
        """A Problem at the deepest existing node of ``path``."""
        line, col = self.locate(path)
        return Problem(self.file, line, col, tuple(path), message)


class _TagError(yaml.MarkedYAMLError):
    """An explicit YAML tag or a limit passed, refused before anything is constructed (message used as is)."""


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses every explicit tag (``!!python/...``, ``!foo``, even ``!!str``), and counts
    aliases, nesting and value length as it composes, so a hostile file stops at the first limit passed."""

    aliases = depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node:  # type: ignore[override]
        event = self.peek_event()
        tag = getattr(event, "tag", None)
        if not isinstance(event, AliasEvent) and tag not in (None, "!"):
            shown = "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag
            raise _TagError(problem=f"YAML tags are not allowed (found {shown})", problem_mark=event.start_mark)
        if isinstance(event, AliasEvent):
            self.aliases += 1
            if self.aliases > limit("aliases"):
                raise _TagError(problem=f"more than {limit('aliases')} aliases (*name) in one file; "
                                f"{lift('aliases')}", problem_mark=event.start_mark)
        elif isinstance(event, ScalarEvent) and len(event.value) > limit("string"):
            raise _TagError(problem=f"a value of {len(event.value)} characters, more than the limit of "
                            f"{limit('string')}; {lift('string')}", problem_mark=event.start_mark)
        elif isinstance(event, CollectionStartEvent) and self.depth >= limit("depth"):
            raise _TagError(problem=f"mappings and lists nested more than {limit('depth')} deep; "
                            f"{lift('depth')}", problem_mark=event.start_mark)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _at(mark: yaml.Mark) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1)


def _kind(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    return "null" if node.tag == _TAG + "null" else f"the value {node.value!r}"


class _Walker:
    """Builds plain Python data from a composed node tree, recording marks and problems."""

    def __init__(self, loader: _Loader, doc: Document) -> None:
        self.loader, self.doc, self.stack = loader, doc, set[int]()

    def value(self, node: Node, path: YamlPath) -> Any:
        if id(node) in self.stack:
            raise _TagError(problem="recursive alias", problem_mark=node.start_mark)
        if isinstance(node, ScalarNode):
            if node.tag in _SCALARS:
                return self.loader.yaml_constructors[node.tag](self.loader, node)
            return node.value
        self.stack.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                out = []
                for k, item in enumerate(node.value):
                    self.doc.marks.setdefault(path + (k,), _at(item.start_mark))
                    out.append(self.value(item, path + (k,)))
                return out
            return self.mapping(node, path)
        finally:
            self.stack.discard(id(node))

    def mapping(self, node: MappingNode, path: YamlPath) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first: dict[str, tuple[int, int]] = {}
        merges: list[Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merges += value_node.value if isinstance(value_node, SequenceNode) else [value_node]
                continue
            key = self._key(key_node, path)
            if key is None:
                continue
            at = _at(key_node.start_mark)
            if key in first:
                self.doc.problems.append(
                    Problem(self.doc.file, *at, path + (key,), f"duplicate key {key!r} (first at line {first[key][0]})")
                )
            first[key] = at
            self.doc.marks[path + (key,)] = at
            out[key] = self.value(value_node, path + (key,))
        for source in merges:  # `<<: *defaults`: keys written here win over merged ones
            if not isinstance(source, MappingNode):
                self.doc.problems.append(self.doc.problem(path, "`<<` merges only mappings"))
                continue
            own, self.doc.marks = self.doc.marks, {}
            try:
                merged = self.mapping(source, path)
            finally:
                found, self.doc.marks = self.doc.marks, own
            for key, val in merged.items():
                if key not in out:
                    out[key] = val
                    prefix = path + (key,)
                    for p, m in found.items():
                        if p[: len(prefix)] == prefix:
                            own.setdefault(p, m)
        return out

    def _key(self, node: Node, path: YamlPath) -> str | None:
        if isinstance(node, ScalarNode):
            value = self.value(node, path)
            if isinstance(value, str):
                return value
            if node.value:  # 1991, yes, 0.5: keep the text, but say so
                self.doc.problems.append(
                    Problem(
                        self.doc.file, *_at(node.start_mark), path + (node.value,),
                        f"keys must be names (text), got {_kind(node)}, which YAML reads as "
                        f"{type(value).__name__} (quote it: '{node.value}')",
                    )
                )
                return node.value
        self.doc.problems.append(
            Problem(self.doc.file, *_at(node.start_mark), path, f"keys must be names (text), got {_kind(node)}")
        )
        return None


def _fatal(file: str, line: int, col: int, message: str) -> ScenarioError:
    return ScenarioError([Problem(file, line, col, (), message)])


def _position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _measure(root: Node) -> tuple[int, int, Node | None]:
    """Values and nesting depth of the tree once aliases are expanded (shared nodes counted each time they
    appear), without expanding it; and a node of the first recursive alias found. Iterative: no recursion limit."""
    memo: dict[int, tuple[int, int]] = {}
    open_: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if id(node) in memo:
            continue
        kids = _children(node)
        if not done:
            if id(node) in open_:
                return 0, 0, node
            open_.add(id(node))
            stack.append((node, True))
            for kid in kids:
                if id(kid) in open_:
                    return 0, 0, kid
                stack.append((kid, False))
            continue
        open_.discard(id(node))
        sizes = [memo[id(k)] for k in kids]
        memo[id(node)] = (1 + sum(s for s, _ in sizes), 1 + max((d for _, d in sizes), default=0))
    size, depth = memo[id(root)]
    return size, depth, None


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _check_size(root: Node, filename: str) -> None:
    """Refuse alias bombs and deep nesting before anything is built (limits in sim.limits)."""
    nodes, depth, recursive = _measure(root)
    if recursive is not None:
        raise _fatal(filename, *_at(recursive.start_mark), "recursive alias (an anchor that contains itself)")
    if nodes > limit("nodes"):
        raise _fatal(filename, *_at(root.start_mark),
                     f"the document expands to {nodes} values, more than the limit of {limit('nodes')} "
                     f"(alias expansion?); {lift('nodes')}")
    if depth > limit("depth"):
        raise _fatal(filename, *_at(root.start_mark),
                     f"values nested {depth} deep, more than the limit of {limit('depth')}; {lift('depth')}")


def _syntax_message(e: yaml.MarkedYAMLError, text: str) -> tuple[int, int, str]:
    """Location and message of a YAML syntax error: a plain-words hint when the mistake is a common one."""
    if isinstance(e, _TagError):
        mark = e.problem_mark
        return (*(_at(mark) if mark is not None else (1, 1)), str(e.problem))
    found = hint(text, e)
    if found is not None:
        return found
    mark = e.problem_mark or e.context_mark
    if e.context_mark is not None and "<stream end>" in str(e.problem):  # unclosed: blame where it opened
        mark = e.context_mark
    line, col = _at(mark) if mark is not None else (1, 1)
    context = f" ({e.context}" if e.context else ""
    if context and e.context_mark is not None and e.context_mark.line + 1 != line:
        context += f" started at line {e.context_mark.line + 1}"
    context += ")" if context else ""
    return line, col, f"YAML syntax error: {e.problem}{context}"


def parse_yaml(text: str, filename: str = "<string>") -> Document:
    """Parse one YAML document that must be a mapping. The one boundary of YAML reading: every failure of the
    reader, scanner, parser, composer or constructor, and every limit passed, is a located ScenarioError."""
    loader: _Loader | None = None
    try:
        loader = _Loader(text)
        loader.get_event()  # StreamStart
        if loader.check_event(StreamEndEvent):
            raise _fatal(filename, 1, 1, "empty document: a scenario needs `name`, `rounds`, `issues`, `actors`")
        root = loader.compose_document()
        if not loader.check_event(StreamEndEvent):
            line, col = _at(loader.peek_event().start_mark)
            raise _fatal(filename, line, col, "several YAML documents in one file; put each scenario in its own file")
        if isinstance(root, ScalarNode) and root.tag == _TAG + "null" and not root.value:
            raise _fatal(filename, *_at(root.start_mark), "empty document: a scenario is a mapping of keys")
        if not isinstance(root, MappingNode):
            raise _fatal(
                filename, *_at(root.start_mark),
                f"the top level must be a mapping (name: ..., rounds: ..., ...), got {_kind(root)}",
            )
        _check_size(root, filename)
        doc = Document(filename, {}, {(): _at(root.start_mark)})
        doc.data = _Walker(loader, doc).mapping(root, ())
        return doc
    except yaml.MarkedYAMLError as e:
        raise _fatal(filename, *_syntax_message(e, text)) from e
    except yaml.reader.ReaderError as e:
        raise _fatal(filename, *_position(text, e.position), f"unreadable character: {_reader_reason(e)}") from e
    except yaml.YAMLError as e:  # any other PyYAML error: still one located line
        raise _fatal(filename, 1, 1, f"YAML error: {' '.join(str(e).split())}") from e
    except RecursionError as e:
        raise _fatal(filename, 1, 1, f"YAML nested too deeply (limit {limit('depth')})") from e
    except (ValueError, OverflowError) as e:  # a constructor refusing a value PyYAML's resolver accepted
        raise _fatal(filename, 1, 1, f"unreadable value: {e}") from e
    finally:
        if loader is not None:
            loader.dispose()


def _reader_reason(e: yaml.reader.ReaderError) -> str:
    """ReaderError in words: the character and what to do about it."""
    char = e.character if isinstance(e.character, int) else ord(str(e.character)[:1] or "?")
    if char == 0:
        return "a NUL byte (#x0000): the file is binary or corrupted; save it as plain UTF-8 text"
    return f"control character #x{char:04x} ({e.reason}); delete it or write it as an escape in a quoted string"


def read_yaml(path: str | PathLike[str]) -> Document:
    """Read and parse a scenario file; a missing, special, oversized or non-UTF-8 file is a one-line ScenarioError."""
    return parse_yaml(read_text(path), str(path))
