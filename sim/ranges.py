"""Documented plausible ranges of the scenario's numeric coefficients, read from the schema.

A field joins by declaring ``json_schema_extra={"plausible": [lo, hi]}`` in ``sim/schema.py``; sensitivity
designs (``--vary dynamics.*``, ``vary: {dynamics: default-ranges}``) sample every such field under a prefix,
so a coefficient added to ``Dynamics`` with a range is varied by default without touching the sweep code.
A scenario's own inputs have no plausible range but their value: ``spread_ranges`` gives each number a scenario
writes under a prefix the range value ± spread, within the schema's bounds (``--vary 'actors.*=+-0.15'``).
"""

from __future__ import annotations

from typing import Any, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from sim.paths import PathError, is_fraction, is_model, resolve_path, split_type, value_bounds, yaml_fields
from sim.schema import Dynamics, Scenario

Range = tuple[float, float] | tuple[int, int]


def field_range(field: FieldInfo) -> Range | None:
    """The ``plausible`` range a schema field declares, or None."""
    extra = field.json_schema_extra
    if not isinstance(extra, dict) or "plausible" not in extra:
        return None
    lo, hi = extra["plausible"]  # type: ignore[misc]
    return (lo, hi)


def plausible_ranges(model: type[BaseModel] = Dynamics, prefix: str = "dynamics") -> dict[str, Range]:
    """Every declared range under ``model``, keyed by dotted path (``dynamics.speech.ultimatum.penalty``)."""
    out: dict[str, Range] = {}
    for name, field in yaml_fields(model).items():
        core = split_type(field.annotation)[0]
        if is_model(core):
            out.update(plausible_ranges(core, f"{prefix}.{name}"))
        elif (r := field_range(field)) is not None:
            out[f"{prefix}.{name}"] = r
    return out


def model_at(data: dict[str, Any], prefix: str) -> type[BaseModel]:
    """The schema model a dotted path names in this scenario (``channels.UK-Russia`` -> Channel); PathError."""
    concrete = resolve_path(data, prefix)
    tp: Any = Scenario
    for key in concrete:
        core = split_type(tp)[0]
        if is_model(core):
            tp = yaml_fields(core)[str(key)].annotation
        elif get_origin(core) is list:
            tp = get_args(core)[0]
        elif get_origin(core) is dict:
            tp = get_args(core)[1]
    core = split_type(tp)[0]
    models = [c for c in (split_type(m)[0] for m in get_args(core)) if is_model(c)] if not is_model(core) else [core]
    if not models:
        raise PathError(f"{prefix} is a single value, not a block of coefficients; drop the `.*`", concrete)
    return models[0]


def default_ranges(data: dict[str, Any], prefix: str) -> dict[str, Range]:
    """Plausible ranges of every coefficient under ``prefix`` in a scenario (``dynamics``, ``channels.UK-Russia``)."""
    ranges = plausible_ranges(model_at(data, prefix), prefix)
    if not ranges:
        raise PathError(f"{prefix} has no coefficients with a documented plausible range", resolve_path(data, prefix))
    return ranges


def written_fractions(data: dict[str, Any], prefix: str) -> list[str]:
    """Dotted paths of every fraction (a float field, not a count or a flag) the scenario writes under ``prefix``."""
    node: Any = data
    for key in resolve_path(data, prefix):
        if not isinstance(node, dict | list) or (isinstance(node, dict) and key not in node):
            raise PathError(f"the scenario writes nothing under {prefix}", resolve_path(data, prefix))
        node = node[key]
    out: list[str] = []

    def walk(value: Any, path: str) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, f"{path}.{k}")
        elif isinstance(value, list):
            for k, v in enumerate(value):
                walk(v, f"{path}.{k}")
        elif isinstance(value, int | float) and not isinstance(value, bool) and is_fraction(data, path):
            out.append(path)

    walk(node, prefix)
    return out


def spread_range(data: dict[str, Any], path: str, spread: float) -> tuple[float, float]:
    """The scenario's value at ``path`` ± ``spread``, within the schema's bounds; PathError if it is no number."""
    node: Any = data
    for key in resolve_path(data, path):
        node = node.get(key) if isinstance(node, dict) else node[key] if isinstance(node, list) else None
    if isinstance(node, bool) or not isinstance(node, int | float):
        raise PathError(f"+-{spread:g} needs a number the scenario writes at {path}; give lo:hi instead",
                        resolve_path(data, path))
    lo, hi = value_bounds(data, path)
    return float(f"{max(lo, node - spread):.12g}"), float(f"{min(hi, node + spread):.12g}")


def spread_ranges(data: dict[str, Any], prefix: str, spread: float) -> dict[str, Range]:
    """``spread_range`` of every fraction the scenario writes under ``prefix``; PathError when there is none."""
    paths = written_fractions(data, prefix)
    if not paths:
        raise PathError(f"the scenario writes no fractions under {prefix} to vary by +-{spread:g}",
                        resolve_path(data, prefix))
    return {p: spread_range(data, p, spread) for p in paths}
