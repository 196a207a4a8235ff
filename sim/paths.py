"""Dotted paths into a raw scenario dict, checked against the schema (``--set`` overrides and sweep ``--vary``).

Segments are mapping keys, list indices (``events.0.at``) or named list items: ``channels.UK-Russia``
(the channel between UK and Russia, either order), ``tracks.US-led talks`` (by name), ``relations.UK-EU``.
A field the file leaves out but the schema knows (``dynamics.meeting``) is valid: setting it creates the
intermediate mappings. A path that cannot exist raises ``PathError`` with a "did you mean" hint.
"""

from __future__ import annotations

import math
import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import yaml
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from sim.errors import YamlPath, did_you_mean, dotted
from sim.schema import Scenario

_NOUNS = {"actors": "actor", "issues": "issue", "position": "issue", "salience": "issue"}


class PathError(ValueError):
    """A dotted path that cannot exist in a scenario; ``resolved`` is the concrete prefix that did resolve."""

    def __init__(self, message: str, resolved: YamlPath = ()) -> None:
        super().__init__(message)
        self.resolved = tuple(resolved)


# --- schema types -----------------------------------------------------------------------------------


def split_type(tp: Any) -> tuple[Any, list[Any], bool]:
    """Unwrap Annotated/Optional: (core type, constraint metadata, nullable)."""
    metas: list[Any] = []
    nullable = False
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp, *extra = get_args(tp)
            for m in extra:
                metas += m.metadata if isinstance(m, FieldInfo) else [m]
        elif origin in (Union, types.UnionType):
            members = [a for a in get_args(tp) if a is not type(None)]
            nullable = nullable or len(members) < len(get_args(tp))
            if len(members) != 1:
                return Union[tuple(members)], metas, nullable  # noqa: UP007 - rebuilt at runtime
            tp = members[0]
        else:
            return tp, metas, nullable


def is_model(tp: Any) -> bool:
    """Whether ``tp`` is a pydantic model class."""
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def is_union(tp: Any) -> bool:
    """Whether ``tp`` is a union of several (non-None) types."""
    return get_origin(tp) in (Union, types.UnionType)


def field_type(field: FieldInfo) -> Any:
    """A model field's annotation with its constraints re-attached (pydantic moves them to ``metadata``)."""
    return Annotated[(field.annotation, *field.metadata)] if field.metadata else field.annotation


def yaml_fields(model: type[BaseModel]) -> dict[str, FieldInfo]:
    """A model's fields keyed by the name written in YAML (the alias when there is one)."""
    return {(f.alias or name): f for name, f in model.model_fields.items()}


def tag_member(union: Any, tag: str | int) -> Any:
    """The union member a pydantic error-loc tag names (discriminator value, model name, or leaf kind)."""
    members = get_args(union)
    for m in members:
        core = split_type(m)[0]
        if is_model(core) and (core.__name__ == tag or _literal_type(core) == tag):
            return m
    leaves = [m for m in members if not is_model(split_type(m)[0])]
    literal = [m for m in leaves if get_origin(split_type(m)[0]) is Literal]
    if str(tag).startswith("literal[") and literal:
        return literal[0]
    others = [m for m in leaves if m not in literal]
    return (others or leaves or [None])[0]


def _literal_type(model: type[BaseModel]) -> Any:
    f = model.model_fields.get("type")
    args = get_args(f.annotation) if f is not None and get_origin(f.annotation) is Literal else ()
    return args[0] if len(args) == 1 else None


def _models_for(core: Any, node: Any) -> list[type[BaseModel]]:
    """Candidate models at a node: the model itself, or the union members (picked by ``type`` if given)."""
    if is_model(core):
        return [core]
    if not is_union(core):
        return []
    models = [c for c in (split_type(m)[0] for m in get_args(core)) if is_model(c)]
    if isinstance(node, dict) and "type" in node:
        typed = [m for m in models if _literal_type(m) == node["type"]]
        return typed or models
    return models


# --- resolution ---------------------------------------------------------------------------------


def _pair_names(items: list[Any]) -> list[str]:
    out = []
    for it in items if isinstance(items, list) else []:
        if isinstance(it, dict) and isinstance(it.get("name"), str):
            out.append(it["name"])
        elif isinstance(it, dict) and isinstance(it.get("between"), list) and len(it["between"]) == 2:
            out.append(f"{it['between'][0]}-{it['between'][1]}")
        elif isinstance(it, dict) and "from" in it and "to" in it:
            out.append(f"{it['from']}-{it['to']}")
    return out


def _named_index(items: Any, name: str) -> int | None:
    """Index of the list item called ``name``: by ``name``, by ``between`` in either order, or by from-to."""
    for k, it in enumerate(items if isinstance(items, list) else []):
        if not isinstance(it, dict):
            continue
        pair = it.get("between")
        if it.get("name") == name or (
            isinstance(pair, list) and len(pair) == 2 and name in (f"{pair[0]}-{pair[1]}", f"{pair[1]}-{pair[0]}")
        ):
            return k
        if "from" in it and name == f"{it.get('from')}-{it.get('to')}":
            return k
    return None


def _default(field: FieldInfo) -> Any:
    if field.is_required():
        return None
    value = field.get_default(call_default_factory=True)
    return value.model_dump(by_alias=True) if isinstance(value, BaseModel) else value


def _has_required(core: Any) -> bool:
    return is_model(core) and any(f.is_required() for f in core.model_fields.values())


def _issue_names(data: Any) -> list[str]:
    issues = data.get("issues") if isinstance(data, dict) else None
    if isinstance(issues, dict) and issues:
        return [str(k) for k in issues]
    pop = data.get("population") if isinstance(data, dict) else None
    count = pop.get("issues", 1) if isinstance(pop, dict) else 0
    return [f"issue{k + 1}" for k in range(count if isinstance(count, int) else 0)]


def _longest(segs: list[str], i: int, found: Any) -> int:
    """End of the longest run of segments from ``i`` that, joined by dots, ``found`` accepts (0 if none)."""
    return next((j for j in range(len(segs), i, -1) if found(".".join(segs[i:j]))), 0)


def _dict_key(data: Any, node: Any, segs: list[str], i: int, concrete: list[Any]) -> tuple[str, int]:
    """The key a dict step names (names may contain dots); unknown names raise with a hint."""
    known = [str(k) for k in node] if isinstance(node, dict) else []
    j = _longest(segs, i, lambda name: name in known) or i + 1
    key = ".".join(segs[i:j])
    noun = _NOUNS.get(str(concrete[-1]) if concrete else "", "key")
    allowed = _issue_names(data) if noun == "issue" and concrete[0] == "actors" else []
    if key not in known and key not in allowed:
        hint = did_you_mean(key, known or allowed)
        where = dotted(concrete)
        raise PathError(f"unknown {noun} {key!r} in {where}" + (f" ({hint})" if hint else ""), tuple(concrete))
    return key, j


def _list_index(node: Any, segs: list[str], i: int, concrete: list[Any]) -> tuple[int, int]:
    """The item a list step names: an index, or a name (``UK-Russia``, ``US-led talks``)."""
    where, size = dotted(concrete), len(node) if isinstance(node, list) else 0
    if segs[i].isdigit():
        if int(segs[i]) >= size:
            raise PathError(f"{where} has no item {segs[i]} (it has {size})", tuple(concrete))
        return int(segs[i]), i + 1
    j = _longest(segs, i, lambda name: _named_index(node, name) is not None)
    if not j:
        names = _pair_names(node)
        what = f"({did_you_mean(segs[i], names)})" if names else "(address its items by index)"
        raise PathError(f"no item called {segs[i]!r} in {where} {what}", tuple(concrete))
    return _named_index(node, ".".join(segs[i:j])) or 0, j


def _resolve(data: Any, path: str, create: bool) -> tuple[YamlPath, Any, str | int, Any]:
    """Walk ``path`` through data and schema: (concrete path, parent container, last key, value or default)."""
    return _walk(data, path, create)[:4]  # type: ignore[return-value]


def _walk(data: Any, path: str, create: bool) -> tuple[YamlPath, Any, str | int, Any, Any]:
    """``_resolve`` and the schema type of the value at the end."""
    if isinstance(data, BaseModel):
        data = data.model_dump(by_alias=True)
    segs = path.split(".")
    if not path or "" in segs:
        raise PathError(f"bad path {path!r}: segments are separated by single dots, e.g. actors.UK.capability")
    node, tp, concrete = data, Scenario, []
    parent: Any = None
    key: str | int = ""
    i = 0
    while i < len(segs):
        core = split_type(tp)[0]
        models = _models_for(core, node)
        field: FieldInfo | None = None
        if models:
            fields = [yaml_fields(m) for m in models]
            field = next((f[segs[i]] for f in fields if segs[i] in f), None)
            if field is None:
                names = list(dict.fromkeys(n for f in fields for n in f))
                hint = did_you_mean(segs[i], names, show_all=20)
                raise PathError(f"{dotted(concrete)} has no field {segs[i]!r} ({hint})", tuple(concrete))
            key, i, child_tp = segs[i], i + 1, field_type(field)
        elif get_origin(core) is dict:
            (key, i), child_tp = _dict_key(data, node, segs, i, concrete), get_args(core)[1]
        elif get_origin(core) is list:
            (key, i), child_tp = _list_index(node, segs, i, concrete), get_args(core)[0]
        else:
            raise PathError(f"{dotted(concrete)} is a single value; it has no field {segs[i]!r}", tuple(concrete))
        present = isinstance(node, list) or (isinstance(node, dict) and key in node)
        child = node[key] if present else (_default(field) if field is not None else None)
        if create and i < len(segs):
            child_core = split_type(child_tp)[0]
            if (not present or not isinstance(child, dict)) and (
                _models_for(child_core, None) or get_origin(child_core) is dict
            ):  # a mapping the file leaves out: start empty, or from the default when fields are required
                seed = child if field is not None and _has_required(child_core) else None
                node[key] = child = seed if isinstance(seed, dict) else {}
        parent, node, tp = node, child, child_tp
        concrete.append(key)
    return tuple(concrete), parent, key, node, tp


# --- public API ---------------------------------------------------------------------------------


def parse_value(text: str) -> Any:
    """A ``--set``/``--vary`` value as YAML reads it (``0.5``, ``7``, ``never``, ``[a, b]``); else the text."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


def resolve_path(data: dict[str, Any] | BaseModel, path: str) -> YamlPath:
    """The concrete YAML path a dotted path names (``channels.UK-Russia.patience`` -> ``channels.0.patience``)."""
    return _resolve(data, path, create=False)[0]


def validate_path(scenario: dict[str, Any] | BaseModel, path: str) -> None:
    """Raise PathError unless ``path`` can name a value of this scenario (sweeps check every PATH first)."""
    _resolve(scenario, path, create=False)


def value_bounds(data: dict[str, Any] | BaseModel, path: str) -> tuple[float, float]:
    """The bounds the schema puts on the number at ``path`` (``ge``/``le``; -inf/inf where it sets none)."""
    lo, hi = -math.inf, math.inf
    for m in split_type(_walk(data, path, create=False)[4])[1]:
        if getattr(m, "ge", None) is not None:
            lo = max(lo, float(m.ge))
        if getattr(m, "le", None) is not None:
            hi = min(hi, float(m.le))
    return lo, hi


def is_fraction(data: dict[str, Any] | BaseModel, path: str) -> bool:
    """Whether the schema takes a float (not a whole number, flag or name) at ``path``."""
    return split_type(_walk(data, path, create=False)[4])[0] is float


def get_path(data: dict[str, Any] | BaseModel, path: str) -> Any:
    """The value at ``path``: as written in the file, else the schema default; PathError if it cannot exist."""
    return _resolve(data, path, create=False)[3]


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set ``path`` in a raw scenario dict, creating intermediate mappings the schema allows."""
    _resolve(data, path, create=False)  # check first: a bad path leaves ``data`` untouched
    _concrete, parent, key, _old = _resolve(data, path, create=True)
    parent[key] = value


def _item_name(item: Any) -> str | None:
    """The name ``--set``/``--vary`` give a list item: its ``name``, ``A-B`` of ``between``, or ``from-to``."""
    if not isinstance(item, dict):
        return None
    if isinstance(item.get("name"), str):
        return item["name"]
    pair = item.get("between")
    if isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, str) for x in pair):
        return f"{pair[0]}-{pair[1]}"
    if isinstance(item.get("from"), str) and isinstance(item.get("to"), str):
        return f"{item['from']}-{item['to']}"
    return None


def named_path(data: Any, path: YamlPath) -> YamlPath:
    """``path`` with the indices of named list items replaced by their names, as ``--vary`` writes them
    (``channels.0.patience`` -> ``channels.UK-Russia.patience``); an index stays where no name names the item
    or the name holds a space (``tracks.0`` for "US-led talks": a problem line's path is one word)."""
    out: list[str | int] = []
    node = data
    for seg in path:
        if isinstance(node, list) and isinstance(seg, int) and 0 <= seg < len(node):
            name = _item_name(node[seg])
            ok = (name is not None and not name.isdigit() and not any(c.isspace() for c in name)
                  and _named_index(node, name) == seg)  # a name with a space would split the error line's path
            out.append(name if ok else seg)
            node = node[seg]
        else:
            out.append(seg)
            node = node.get(seg) if isinstance(node, dict) else None
    return tuple(out)
