"""Sweep files: an experiment kept as YAML and rerun, like a NetLogo BehaviorSpace experiment.

```yaml
scenario: ../article_baseline.yaml     # relative to this file
sweep:
  vary:
    actors.UK.strategy.openness: 0:1:5  # a VALUES string as for --vary, or a YAML list
    channels.UK-Russia.patience: [2, 3, 5]
  design: grid                         # grid | lhs | sobol | morris
  samples: null                        # lhs: points; sobol: base samples N (a power of two); morris: trajectories
  levels: null                         # morris only: grid levels (even; default 4)
  groups: {}                           # sobol/morris: NAME: [PATTERN, ...] varied as one factor (e.g. actors.*)
  seeds: 50
  seed: 1                              # root seed (default: the scenario's seed, else 0)
```
Read with the safe YAML reader of ``sim.yamlio``; unknown keys and bad values are located errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from yaml.nodes import MappingNode, ScalarNode

from analysis.sweep.designs import DesignError, Group, Vary, vary_from_values
from sim.errors import Problem, ScenarioError, did_you_mean
from sim.schema import MAX_SEED
from sim.textfile import read_text
from sim.yamlio import Document, parse_yaml, read_yaml

MAX_COUNT = 10**9  # seeds or samples: the plan limit on runs refuses far fewer
Count = Annotated[int, Field(ge=1, le=MAX_COUNT)]
VaryValue = str | int | float | bool | list[Any] | None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, defer_build=True)  # built when a sweep file is read


class SweepBlock(_Strict):
    """The `sweep:` block."""

    vary: dict[str, VaryValue] = Field(default_factory=dict, description="PATH: VALUES (string) or a list of values.")
    design: Literal["grid", "lhs", "sobol", "morris"] = Field(
        "grid", description="grid: every combination; lhs: Latin hypercube; sobol: Saltelli; morris: elementary "
        "effects.")
    samples: Count | None = Field(None, description="lhs points, Sobol base samples or Morris trajectories.")
    levels: Count | None = Field(None, description="Morris grid levels (even).")
    groups: dict[str, list[str]] = Field(
        default_factory=dict, description="Sobol/Morris: NAME: [PATTERN, ...] (fnmatch over the varied paths) "
        "varied together as one factor, with one index.")
    seeds: Count | None = Field(None, description="Replications per point.")
    seed: Annotated[int, Field(ge=0, le=MAX_SEED)] | None = Field(None, description="Root seed.")


class SweepFileModel(_Strict):
    """A sweep file."""

    scenario: str = Field(description="The scenario file, relative to the sweep file.")
    sweep: SweepBlock = Field(default_factory=SweepBlock)


@dataclass(frozen=True)
class SweepFile:
    """A validated sweep file: the scenario path (resolved) and the `sweep:` settings."""

    path: Path
    scenario: Path
    vary: tuple[Vary, ...]
    design: str
    samples: int | None
    seeds: int | None
    seed: int | None
    where: str = ""  # `FILE:LINE:COL` of the `sweep:` block's design (or of the block), for design errors
    levels: int | None = None
    located: dict[str, str] | None = None  # design/samples/levels -> `FILE:LINE:COL: sweep.KEY: {}` (GSA checks)
    groups: tuple[Group, ...] = ()


def _fields(loc: tuple[Any, ...]) -> list[str]:
    """Field names allowed at a location of the sweep-file model."""
    if len(loc) >= 1 and loc[0] == "sweep":
        return list(SweepBlock.model_fields)
    return list(SweepFileModel.model_fields)


def _problems(doc: Document, err: ValidationError) -> list[Problem]:
    """Located problems from pydantic's errors."""
    out = []
    for e in err.errors():
        loc = tuple(e["loc"])
        if loc[:2] == ("sweep", "vary") and len(loc) > 3:
            loc = loc[:3]  # the union members of a value; the entry is what is wrong
        if e["type"] == "extra_forbidden":
            msg = f"unknown key {loc[-1]!r} ({did_you_mean(str(loc[-1]), _fields(loc[:-1]))})"
        elif e["type"] == "missing":
            msg = "required key is missing"
        elif e["type"] == "dict_type" and loc == ("sweep", "vary"):
            msg = f"expected PATH: VALUES entries, e.g. `actors.UK.strategy.openness: 0:1:5` (got {e.get('input')!r})"
        else:
            msg = f"{e['msg']} (got {e.get('input')!r})"
        out.append(doc.problem(loc, msg))
    return out


def plain_vary_texts(text: str) -> dict[str, str]:
    """The text of each unquoted `sweep.vary` scalar as written: YAML 1.1 would read `1:8` as 68 (base 60)."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    out: dict[str, str] = {}
    for key, node in root.value if isinstance(root, MappingNode) else []:
        if key.value == "sweep" and isinstance(node, MappingNode):
            for k2, n2 in node.value:
                if k2.value == "vary" and isinstance(n2, MappingNode):
                    out.update((k3.value, n3.value) for k3, n3 in n2.value
                               if isinstance(n3, ScalarNode) and n3.style is None and ":" in n3.value)
    return out


def parse_sweep(doc: Document, text: str | None = None) -> SweepFile:
    """Validate a parsed sweep file; ScenarioError (located) or DesignError on bad input."""
    if text is None:
        text = read_text(doc.file)
    raw = plain_vary_texts(text)
    if doc.problems:
        raise ScenarioError(doc.problems)
    try:
        model = SweepFileModel.model_validate(doc.data)
    except ValidationError as e:
        raise ScenarioError(_problems(doc, e)) from e
    here = Path(doc.file).parent
    scenario = (here / model.scenario).resolve()
    if not scenario.is_file():
        raise ScenarioError([doc.problem(("scenario",), f"no such file: {scenario}")])
    vary = []
    lines = []
    for path, values in model.sweep.vary.items():
        values = raw.get(path, values)
        line, col = doc.locate(("sweep", "vary", path))
        try:
            vary.append(vary_from_values(path, values, f"{doc.file}:{line}:{col}", f"sweep.vary.{path}"))
        except DesignError as e:
            lines += e.lines
    if lines:
        raise DesignError(lines)
    block = model.sweep
    given = doc.data.get("sweep") or {}
    line, col = doc.locate(("sweep", "design") if "design" in given else ("sweep",))
    located = {}
    for key in ("design", "samples", "levels"):
        kl, kc = doc.locate(("sweep", key) if key in given else ("sweep",))
        located[key] = f"{doc.file}:{kl}:{kc}: sweep.{key}" + (": {}" if key in given else " ({})")
    groups = tuple(Group(name, tuple(patterns), "{}:{}:{}: sweep.groups.{}".format(
        doc.file, *doc.locate(("sweep", "groups", name)), name)) for name, patterns in block.groups.items())
    return SweepFile(Path(doc.file), scenario, tuple(vary), block.design, block.samples, block.seeds, block.seed,
                     f"{doc.file}:{line}:{col}", block.levels, located, groups)


def load_sweep(path: str | Path) -> SweepFile:
    """Read and validate a sweep file."""
    return parse_sweep(read_yaml(path))


def load_sweep_text(text: str, filename: str) -> SweepFile:
    """Validate sweep-file text (tests)."""
    return parse_sweep(parse_yaml(text, filename), text)


def sweep_json_schema() -> dict[str, Any]:
    """The JSON Schema of sweep files, for editors (`dipsim schema --sweep`; scenarios/sweep.schema.json)."""
    schema = SweepFileModel.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "dipsim sweep file"
    return schema
