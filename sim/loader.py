"""Load a scenario: YAML with locations -> ``--set`` overrides -> schema -> cross-references, all problems at once.

Every pydantic error becomes a located ``Problem`` with a message saying what is allowed (a range, the
choices, a "did you mean"), so a user fixes a whole file in one pass and never meets a traceback.
"""

from __future__ import annotations

import ast
import copy
import math
import re
from collections.abc import Sequence
from dataclasses import replace
from os import PathLike
from typing import Any, Literal, get_args, get_origin

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from sim.compose import Composed, compose
from sim.errors import Problem, ScenarioError, YamlPath, did_you_mean
from sim.paths import (
    PathError,
    is_model,
    is_union,
    named_path,
    parse_value,
    resolve_path,
    set_path,
    split_type,
    tag_member,
    yaml_fields,
)
from sim.paths import field_type as _field_type
from sim.references import reference_problems
from sim.schema import EVENT_TYPES, Scenario
from sim.yamlio import Document, parse_yaml, read_yaml

_NOUNS = {"speaking": "speaking style", "reciprocity": "reciprocity rule", "meeting": "meeting rule",
          "update": "update rule", "position": "position kind", "channels": "channel layout"}  # fmt: skip


def load_scenario(path: str | PathLike[str], overrides: Sequence[str] = ()) -> Scenario:
    """Load and fully check a scenario file (its ``extends:`` chain merged), applying ``PATH=VALUE`` overrides;
    raise ScenarioError."""
    return load_document(read_yaml(path), overrides)


def load_document(doc: Document, overrides: Sequence[str] = ()) -> Scenario:
    """Like ``load_scenario`` for a file already read (``dipsim validate`` reads each file once)."""
    return _build(compose(doc), overrides)


def load_scenario_text(text: str, filename: str = "<string>", overrides: Sequence[str] = ()) -> Scenario:
    """Like ``load_scenario`` for YAML text (``filename`` only names it in error lines)."""
    return _build(compose(parse_yaml(text, filename)), overrides)


def _build(doc: Composed, overrides: Sequence[str]) -> Scenario:
    """Overrides, schema, then cross-references; every problem found is raised together."""
    problems = list(doc.problems)
    overridden: dict[YamlPath, str] = {}
    for spec in overrides:
        path, sep, text = spec.partition("=")
        path = path.strip()
        try:
            if not sep:
                raise PathError("expected PATH=VALUE, e.g. actors.UK.strategy.openness=0.9")
            concrete = resolve_path(doc.data, path)
            set_path(doc.data, path, parse_value(text))
        except PathError as e:
            file, line, col = doc.where(e.resolved) if e.resolved in doc.marks else (doc.file, 0, 0)
            problems.append(Problem(file, line, col, e.resolved, f"--set {spec}: {e}"))
            continue
        overridden[concrete] = spec
    try:
        scenario = Scenario.model_validate(doc.data)
    except ValidationError as e:
        structural = _schema_problems(e.errors(), doc, overridden)
        problems += structural
        partial = _pruned(doc.data, e.errors())
        if partial is not None:  # cross-references too, so one pass shows every problem
            reported = [p.path for p in structural]
            for path, msg in _not_follow_on(reference_problems(partial), doc.problems):
                if not any(path[: len(q)] == q or q[: len(path)] == path for q in reported):
                    problems.append(_located(doc, path, _reference_message(msg, partial), overridden))
    else:
        for path, msg in _not_follow_on(reference_problems(scenario), doc.problems):
            problems.append(_located(doc, path, _reference_message(msg, scenario), overridden))
    if problems:
        raise ScenarioError(replace(p, path=named_path(doc.data, p.path)) for p in problems)
    return scenario


_DEFINES = {"actors": ("unknown actor",), "issues": ("unknown issue", "missing issue"), "tracks": ("unknown track",)}


def _not_follow_on(found: list[tuple[YamlPath, str]], parsed: list[Problem]) -> list[tuple[YamlPath, str]]:
    """Reference problems minus those a duplicate `actors:`/`issues:`/`tracks:` key explains: the later block
    replaced the earlier, so names only the earlier one defined would each be reported again as unknown (and a
    duplicate actor would make too few actors)."""
    dups = [p.path for p in parsed if p.message.startswith("duplicate key")]
    hidden = tuple(m for p in dups if len(p) == 1 for m in _DEFINES.get(str(p[0]), ()))
    if any(len(p) == 2 and p[0] == "actors" for p in dups):  # two `A:` under actors: one actor fewer than written
        hidden += ("at least two actors are required",)
    return [(path, msg) for path, msg in found if not msg.startswith(hidden)] if hidden else found


def _located(doc: Composed, path: YamlPath, message: str, overridden: dict[YamlPath, str]) -> Problem:
    """A Problem at the node of ``path``; blamed on the ``--set`` that wrote that node, if any."""
    for k in range(len(path), -1, -1):
        spec = overridden.get(tuple(path[:k]))
        if spec is not None:
            file, line, col = doc.where(path[:k]) if tuple(path[:k]) in doc.marks else (doc.file, 0, 0)
            return Problem(file, line, col, path, f"--set {spec}: {message}")
    return doc.problem(path, message)


def _pruned(data: Any, errors: list[ErrorDetails]) -> Scenario | None:
    """The scenario with each invalid leaf dropped (its default applies), to check cross-references despite
    structural errors; None when dropping could invent problems (a required field or a whole named entity)."""
    data = copy.deepcopy(data)
    for _ in range(4):
        for err in errors:
            path = _walk_loc(tuple(err["loc"]))[0]
            if err["type"] == "missing" or not _drop(data, path):
                return None
        try:
            return Scenario.model_validate(data)
        except ValidationError as e:
            errors = e.errors()
    return None


def _drop(data: Any, path: YamlPath) -> bool:
    """Delete the mapping key at ``path`` (or its deepest existing prefix); False where that is not safe:
    a list item (later indices would shift), a top-level key, or a whole actor or issue."""
    node, parent, key = data, None, None
    for seg in path:
        in_dict = isinstance(node, dict) and seg in node
        in_list = isinstance(node, list) and isinstance(seg, int) and 0 <= seg < len(node)
        if in_dict or in_list:
            parent, key, node = node, seg, node[seg]
        else:
            break
    if not isinstance(parent, dict) or parent is data or parent is data.get("actors") or parent is data.get("issues"):
        return False
    del parent[key]
    return True


# --- pydantic errors -> problems -----------------------------------------------------------------


def _walk_loc(loc: tuple[str | int, ...]) -> tuple[YamlPath, Any, Any, int | None]:
    """Strip union tags from an error loc: (YAML path, type at loc, parent type, loc index of first tag)."""
    tp: Any = Scenario
    parent: Any = None
    out: list[str | int] = []
    tag_at = None
    for k, seg in enumerate(loc):
        core = split_type(tp)[0]
        if is_union(core):
            tag_at = k if tag_at is None else tag_at
            tp = tag_member(core, seg)
            continue
        parent = core
        if is_model(core):
            fields = yaml_fields(core)
            name = "from" if seg == "from_" else seg
            out.append(name)
            tp = _field_type(fields[name]) if name in fields else None
        else:
            out.append(seg)
            args = get_args(core)
            tp = args[-1] if get_origin(core) in (dict, list) and args else None
    return tuple(out), tp, parent, tag_at


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else repr(x)


def describe(tp: Any, with_null: bool = True) -> str:
    """What a schema type accepts, in words: 'a number in [0, 1]', 'an integer >= 1', "'never' or a mapping"."""
    core, metas, nullable = split_type(tp)
    nullable = nullable and with_null
    lo = next((m.ge for m in metas if hasattr(m, "ge")), None)
    hi = next((m.le for m in metas if hasattr(m, "le")), None)
    if core is float or core is int:
        text = "a number" if core is float else "an integer"
        if lo is not None and hi is not None:
            text += f" in [{_num(lo)}, {_num(hi)}]"
        elif lo is not None or hi is not None:
            text += f" >= {_num(lo)}" if lo is not None else f" <= {_num(hi)}"
    elif core is bool:
        text = "true or false"
    elif core is str:
        text = "a string"
    elif get_origin(core) is Literal:
        text = " or ".join(repr(a) for a in get_args(core))
    elif is_model(core):
        text = f"a mapping ({', '.join(yaml_fields(core))})"
    elif get_origin(core) is dict:
        text = "a mapping"
    elif get_origin(core) is list:
        text = "a list"
    elif is_union(core):
        members = get_args(core)
        parts = ["a mapping"] if all(is_model(split_type(m)[0]) for m in members) else map(describe, members)
        text = " or ".join(dict.fromkeys(parts))
    else:
        text = getattr(core, "__name__", str(core))
    return text + (" or null" if nullable else "")


def show(value: Any) -> str:
    """A value as the user wrote it in YAML, short."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return ".nan" if math.isnan(value) else ("-.inf" if value < 0 else ".inf")
    if isinstance(value, dict):
        return "a mapping"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _is_number_text(value: Any) -> bool:
    try:
        return isinstance(value, str) and math.isfinite(float(value))
    except ValueError:
        return False


def _message(err: ErrorDetails, path: YamlPath, tp: Any, parent: Any) -> tuple[YamlPath, str]:
    kind, value, ctx = err["type"], err["input"], err.get("ctx") or {}
    if kind == "extra_forbidden":
        names = list(yaml_fields(parent)) if is_model(parent) else []
        hint = did_you_mean(str(path[-1]), names, show_all=20)
        return path, f"unknown key {path[-1]!r}" + (f" ({hint})" if hint else "")
    if kind == "missing":
        return path, f"required, but missing ({describe(tp)})"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        allowed = ", ".join(EVENT_TYPES)
        if kind == "union_tag_not_found":
            return path, f"an event needs a `type` (allowed: {allowed})"
        tag = str(ctx.get("tag"))
        return path + ("type",), f"unknown event type {tag!r} ({did_you_mean(tag, EVENT_TYPES, show_all=20)})"
    if kind == "literal_error":
        choices = [str(a) for a in get_args(split_type(tp)[0])]
        noun = _NOUNS.get(str(path[-1]) if path else "", "value")
        return path, f"unknown {noun} {show(value)} ({did_you_mean(str(value), choices, show_all=20)})"
    if kind in ("too_short", "too_long"):
        metas = split_type(tp)[1] if tp is not None else []
        lo = next((m.min_length for m in metas if hasattr(m, "min_length")), ctx.get("min_length"))
        hi = next((m.max_length for m in metas if hasattr(m, "max_length")), ctx.get("max_length"))
        want = f"exactly {lo}" if lo == hi else (f"at least {lo}" if kind == "too_short" else f"at most {hi}")
        return path, f"must have {want} items, got {ctx.get('actual_length')}: {show(value)}"
    if kind == "value_error":
        return path, str(ctx.get("error", err["msg"]))
    note = " (write numbers without quotes)" if _is_number_text(value) else ""
    if kind == "finite_number":
        note = " (NaN and infinity are not allowed)"
    if tp is None:
        return path, f"{err['msg']}, got {show(value)}"
    in_range = kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than", "finite_number")
    return path, f"must be {describe(tp, with_null=not in_range)}, got {show(value)}{note}"


def _schema_problems(errors: list[ErrorDetails], doc: Composed, overridden: dict[YamlPath, str]) -> list[Problem]:
    """One problem per error; errors from the branches of one union node are merged into one."""
    groups: dict[tuple[str | int, ...], list[ErrorDetails]] = {}
    plain: list[ErrorDetails] = []
    for err in errors:
        tag_at = _walk_loc(tuple(err["loc"]))[3]
        if tag_at is None:
            plain.append(err)
        else:
            groups.setdefault(tuple(err["loc"][:tag_at]), []).append(err)
    out = []
    for err in plain:
        path, tp, parent, _ = _walk_loc(tuple(err["loc"]))
        path, message = _message(err, path, tp, parent)
        out.append(_located(doc, path, message, overridden))
    for prefix, errs in groups.items():
        deeper = [e for e in errs if len(e["loc"]) > len(prefix) + 1]
        for err in deeper:  # the input's shape picked a branch: report that branch's errors
            path, tp, parent, _ = _walk_loc(tuple(err["loc"]))
            out.append(_located(doc, *_message(err, path, tp, parent), overridden))
        if not deeper:  # no branch fits at all
            path, tp, _, _ = _walk_loc(prefix)
            out.append(_located(doc, path, f"must be {describe(tp)}, got {show(errs[0]['input'])}", overridden))
    return out


# --- cross-reference problems --------------------------------------------------------------------

_UNKNOWN = re.compile(r"^unknown (actor|issue|track) (.+)$")


def _reference_message(message: str, sc: Scenario) -> str:
    """Add a "did you mean" against the known names to an 'unknown actor/issue/track' message."""
    m = _UNKNOWN.match(message)
    if m:
        known = {"actor": sc.actor_names, "issue": sc.issue_names, "track": [t.name for t in sc.tracks]}[m[1]]
        try:
            name = str(ast.literal_eval(m[2]))
        except (ValueError, SyntaxError):
            name = m[2]
        hint = did_you_mean(name, known)
        return f"{message} ({hint})" if hint else message
    if message.startswith("no channel between"):
        names = [f"{c.between[0]}-{c.between[1]}" for c in sc.channels]
        return message + (f" (channels: {', '.join(names)})" if names else " (there are no channels)")
    return message
