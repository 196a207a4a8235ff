"""`extends:` — a scenario written as a diff of another, every value still located in the file that wrote it.

A file with ``extends: PATH`` (relative to the file, or a shipped scenario's name) starts from that scenario
(which may extend another in turn), deep-merges its own keys into it (mappings merge key by key, other values
replace, ``events`` are appended), then applies ``overrides:``: ``PATH: VALUE`` entries with the dotted paths
of ``--set``/``--vary`` (``channels.UK-Russia.opens: 3``). ``expect:`` claims are not inherited: each file
states its own. A cycle of extends is refused with the chain printed.
"""

from __future__ import annotations

import copy
import functools
import os
import pickle
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.errors import Problem, ScenarioError, YamlPath, did_you_mean
from sim.paths import PathError, resolve_path, set_path
from sim.yamlio import Document, parse_yaml, read_yaml

OWN_KEYS = ("extends", "overrides")  # keys of a diff file that are not scenario keys
APPENDED = ("events",)  # top-level lists a diff appends to rather than replaces
NOT_INHERITED = ("expect",)  # a base's claims are about the base


@dataclass
class Composed(Document):
    """A merged scenario: ``files`` names the file of every mark written outside ``file`` (the top file)."""

    files: dict[YamlPath, str] = field(default_factory=dict)
    chain: tuple[str, ...] = ()  # the top file, then the file it extends, ...

    def where(self, path: Sequence[str | int]) -> tuple[str, int, int]:
        """File, line and column of the deepest node of ``path`` written in some file of the chain."""
        for k in range(len(path), -1, -1):
            prefix = tuple(path[:k])
            mark = self.marks.get(prefix)
            if mark is not None:
                return (self.files.get(prefix, self.file), *mark)
        return (self.file, 1, 1)

    def problem(self, path: Sequence[str | int], message: str) -> Problem:
        """A Problem at the deepest existing node of ``path``, in the file that wrote it."""
        return Problem(*self.where(path), tuple(path), message)


def compose_file(path: str | os.PathLike[str]) -> Composed:
    """Read a scenario file and resolve its ``extends:`` chain."""
    return compose(read_yaml(path))


def compose_text(text: str, filename: str = "<string>") -> Composed:
    """Parse scenario text and resolve its ``extends:`` chain (relative to ``filename``'s folder)."""
    return compose(parse_yaml(text, filename))


def composed_data(text: str, filename: str = "<string>") -> dict[str, Any]:
    """A fresh copy of ``compose_text(text, filename).data``, parsed once per process (a plan, its probes and a
    worker's design points read the same scenario text many times; unpickling is ~50x faster than parsing)."""
    return pickle.loads(_pickled_data(text, filename))


@functools.lru_cache(maxsize=8)
def _pickled_data(text: str, filename: str) -> bytes:
    return pickle.dumps(compose_text(text, filename).data)


def compose(doc: Document, _stack: tuple[str, ...] = ()) -> Composed:
    """The scenario ``doc`` describes, merged over the scenarios it extends; fatal problems raise ScenarioError."""
    data = doc.data
    if "extends" not in data:
        out = Composed(doc.file, data, doc.marks, list(doc.problems), chain=(doc.file,))
        if "overrides" in data:
            out.data = {k: v for k, v in data.items() if k != "overrides"}  # one problem, not "unknown key" too
            out.problems.append(doc.problem(("overrides",), "`overrides:` changes the scenario named by "
                                            "`extends:`; add `extends: BASE`, or write the values directly"))
        return out
    stack = (*_stack, doc.file)
    base_file = find_scenario(doc, ("extends",), data["extends"])
    if os.path.realpath(base_file) in {os.path.realpath(f) for f in stack}:
        chain = " -> ".join([*stack, str(base_file)])
        raise ScenarioError([doc.problem(("extends",), f"extends cycle: {chain} (a scenario cannot extend "
                                         "itself, even through others; break the chain)")])
    base = compose(read_yaml(base_file), stack)
    out = Composed(doc.file, copy.deepcopy(base.data), {}, [*base.problems, *doc.problems],
                   chain=(doc.file, *base.chain))
    for path, mark in base.marks.items():
        out.marks[path] = mark
        out.files[path] = base.files.get(path, base.file)
    for key in NOT_INHERITED:
        out.data.pop(key, None)
        _drop_marks(out, (key,))
    for key, value in data.items():
        if key not in OWN_KEYS:
            _merge(out, doc, out.data, (key,), value)
    _apply_overrides(out, doc, data.get("overrides"))
    return out


def find_scenario(doc: Document, where: YamlPath, target: Any) -> Path:
    """The file ``target`` (written in ``doc`` at ``where``) names: relative to the file, else a shipped
    scenario ('uk_listens' or 'uk_listens.yaml'); a located ScenarioError when there is none."""
    import scenarios  # the shipped files (package data; no code of its own beyond locating them)

    shipped = scenarios.listing()
    if not isinstance(target, str) or not target.strip():
        raise ScenarioError([doc.problem(where, "must be a file name, relative to this file, or a shipped "
                                         f"scenario's name (shipped: {', '.join(shipped)})")])
    here = Path(doc.file).parent if not doc.file.startswith("<") else Path.cwd()
    candidate = here / target
    if candidate.is_file():
        return candidate
    name = target if target.endswith(".yaml") else f"{target}.yaml"
    if name in shipped:
        return scenarios.builtin(name)
    stem = [s.removesuffix(".yaml") for s in shipped]
    raise ScenarioError([doc.problem(where, f"no such file {str(candidate)!r} and no shipped scenario "
                                     f"{target!r} ({did_you_mean(target.removesuffix('.yaml'), stem)})")])


def _drop_marks(out: Composed, prefix: YamlPath) -> None:
    for path in [p for p in out.marks if p[: len(prefix)] == prefix]:
        del out.marks[path]
        out.files.pop(path, None)


def _copy_marks(out: Composed, doc: Document, src: YamlPath, dst: YamlPath) -> None:
    """Marks of ``doc`` under ``src`` placed under ``dst`` of the merged scenario, in ``doc``'s file."""
    for path, mark in doc.marks.items():
        if path[: len(src)] == src:
            out.marks[dst + path[len(src):]] = mark
            if doc.file != out.file:
                out.files[dst + path[len(src):]] = doc.file
            else:
                out.files.pop(dst + path[len(src):], None)


def _merge(out: Composed, doc: Document, parent: dict[str, Any], path: YamlPath, value: Any) -> None:
    """Deep-merge ``value`` (written in ``doc`` at ``path``) into ``parent[path[-1]]``."""
    key = path[-1]
    old = parent.get(key)
    if len(path) == 1 and key in APPENDED and isinstance(old, list) and isinstance(value, list):
        offset = len(old)
        old.extend(copy.deepcopy(value))
        for k in range(len(value)):
            _copy_marks(out, doc, path + (k,), path + (offset + k,))
        return
    if isinstance(old, dict) and isinstance(value, dict):
        for k, v in value.items():
            _merge(out, doc, old, path + (k,), v)
        return
    parent[key] = copy.deepcopy(value)
    _drop_marks(out, path)
    _copy_marks(out, doc, path, path)


def _apply_overrides(out: Composed, doc: Document, overrides: Any) -> None:
    """Apply ``overrides: {PATH: VALUE}`` in the order written; a path that cannot exist is a located problem."""
    if overrides is None:
        return
    if not isinstance(overrides, dict):
        out.problems.append(doc.problem(("overrides",), "must be a mapping of PATH: VALUE, e.g. "
                                        "`overrides: {actors.UK.strategy.openness: 0.85}`"))
        return
    for path, value in overrides.items():
        where = ("overrides", path)
        try:
            concrete = resolve_path(out.data, path)
            set_path(out.data, path, copy.deepcopy(value))
        except PathError as e:
            out.problems.append(doc.problem(where, str(e)))
            continue
        _drop_marks(out, concrete)
        _copy_marks(out, doc, where, concrete)
