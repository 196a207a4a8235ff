"""Documented plausible ranges of the scenario's numeric coefficients, read from the schema.

A field joins by declaring ``json_schema_extra={"plausible": [lo, hi]}`` in ``sim/schema.py``; sensitivity
designs (``--vary dynamics.*``, ``vary: {dynamics: default-ranges}``) sample every such field under a prefix,
so a coefficient added to ``Dynamics`` with a range is varied by default without touching the sweep code.
"""

from __future__ import annotations

from typing import Any, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from sim.paths import PathError, is_model, resolve_path, split_type, yaml_fields
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
