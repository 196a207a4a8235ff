"""A Markdown reference of the scenario format, generated from the pydantic models of ``sim.schema``."""

from __future__ import annotations

import types
import typing

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from sim import schema
from sim.claims import Claim
from sim.ranges import field_range
from sim.strategies import RECIPROCITY, SPEECH

SECTIONS: tuple[tuple[str, type[BaseModel]], ...] = (
    ("scenario (top level)", schema.Scenario),
    ("issues.NAME", schema.IssueLabels),
    ("actors.NAME", schema.Actor),
    ("actors.NAME.strategy", schema.Strategy),
    ("relations[]", schema.Relation),
    ("tracks[]", schema.Track),
    ("channels[]", schema.Channel),
    ("channels[].reopen", schema.Reopen),
    ("agreement", schema.Agreement),
    ("dynamics", schema.Dynamics),
    ("dynamics.speech.STYLE", schema.SpeechCoefficients),
    ("population", schema.Population),
    ("expect[]", Claim),
)
DIFFS = (
    "## Diff files: `extends` and `overrides`",
    "",
    "A file with `extends: BASE` (a file relative to it, or a shipped scenario's name) is a diff of BASE: its "
    "keys are deep-merged into BASE (mappings key by key; lists and values replace; `events` are appended), then "
    "`overrides: {PATH: VALUE}` sets values by the dotted paths of `--set`/`--vary` (channels and tracks by name: "
    "`channels.UK-Russia.opens`, `tracks.US-led talks.participants`). BASE may extend another; a cycle is an "
    "error. `expect` is not inherited. `dipsim show FILE` prints the merged scenario.",
    "",
)


def _type(tp: object) -> str:
    """A short readable name of an annotation (Literal choices, unions, containers)."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Literal:
        return " \\| ".join(repr(a) if isinstance(a, str) else str(a) for a in args)
    if origin is typing.Annotated:
        return _type(args[0])
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type(a) for a in args if a is not type(None)) + (" or null" if type(None) in args else "")
    if origin in (list, dict):
        return f"{origin.__name__}[{', '.join(_type(a) for a in args)}]"
    return getattr(tp, "__name__", str(tp))


def _default(field) -> str:
    if field.default is PydanticUndefined and field.default_factory is None:
        return "**required**"
    if field.default_factory is not None:
        return "(empty)" if field.default_factory in (dict, list) else "(see below)"
    return f"`{field.default!r}`" if field.default is not None else "null"


def markdown() -> str:
    """The whole reference, one table per section."""
    lines = [
        "# Scenario format reference",
        "",
        "Generated from `sim/schema.py` by `dipsim schema --markdown`; unknown keys are errors, numbers are in "
        "[0, 1] unless a range is given. A *plausible* range is what a sensitivity design samples by default "
        "(`dipsim sweep --vary dynamics.*`).",
        "",
    ]
    lines += [f"Event types (`events[].type`): {', '.join(f'`{t}`' for t in schema.EVENT_TYPES)}.", ""]
    for title, model in SECTIONS:
        doc = (model.__doc__ or "").strip().splitlines()
        lines += [
            f"## `{title}`",
            "",
            doc[0] if doc else "",
            "",
            "| key | type | default | meaning |",
            "|---|---|---|---|",
        ]
        for name, field in model.model_fields.items():
            key = field.alias or name
            ranges = [
                f"{m.__class__.__name__.lower()} {getattr(m, m.__class__.__name__.lower())}"
                for m in field.metadata
                if m.__class__.__name__ in ("Ge", "Le")
            ]
            plausible = field_range(field)
            if plausible is not None:
                ranges.append(f"plausible {plausible[0]}–{plausible[1]}")
            kind = _type(field.annotation) + (f" ({', '.join(ranges)})" if ranges else "")
            desc = (field.description or "").replace("|", "\\|")
            lines.append(f"| `{key}` | {kind} | {_default(field)} | {desc} |")
        if model is schema.SpeechCoefficients:
            lines += [
                "Defaults per style (the speech registry, `sim/strategies.py`):",
                "",
                "| style | persuasion | fall | penalty | cost (plausible) | meaning |",
                "|---|---|---|---|---|---|",
            ]
            lines += [
                f"| `{s.name}` | {s.persuasion} | {s.fall} | {s.penalty} | {s.cost} "
                f"({s.cost_plausible[0]:g}–{s.cost_plausible[1]:g}) | {s.description} |" for s in SPEECH.values()
            ]
        if model is schema.Strategy:
            lines += [
                "Reciprocity rules (the registry, `sim/strategies.py`; listening = cooperating):",
                "",
                "| rule | plays like (Axelrod) | meaning |",
                "|---|---|---|",
            ]
            lines += [f"| `{r.name}` | {r.axelrod} | {r.description} |" for r in RECIPROCITY.values()]
        lines.append("")
    lines += DIFFS
    return "\n".join(lines)
