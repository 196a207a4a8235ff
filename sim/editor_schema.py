"""The JSON Schema editors check scenario files against: a full scenario, or (with `extends:`) a diff of one.

A file without ``extends`` must be a whole scenario (``sim.schema.json_schema``). A file with it is a diff:
every key optional at any depth of the mappings a diff deep-merges (actors, dynamics, ...), plus ``extends``
and ``overrides``. Names (actors, issues, channels) cannot be checked by a generic schema: ``dipsim validate``
does that.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from sim.schema import json_schema

# models a diff deep-merges: in a diff, none of their keys is required (lists replace, so their items stay whole)
PARTIAL = ("Scenario", "Actor", "Strategy", "IssueLabels", "Population", "Agreement", "Dynamics", "Speech",
           "SpeechCoefficients")
DIFF = "Diff"
EXTENDS = {"type": "string", "description": "The scenario this file changes: a file relative to this one, or a "
           "shipped scenario's name (article_baseline). Its keys are deep-merged into that scenario; `events` "
           "are appended."}
OVERRIDES = {"type": "object", "description": "PATH: VALUE entries with the dotted paths of --set/--vary "
             "(`channels.UK-Russia.patience: 5`), applied after the merge, in order.",
             "propertyNames": {"pattern": r"^[^.\s][^.]*(\.[^.]+)*$"}}


def _retarget(node: Any) -> Any:
    """Point every ``$ref`` to a partial model at its diff twin."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.removeprefix("#/$defs/") in PARTIAL:
            return {**node, "$ref": ref + DIFF}
        return {k: _retarget(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_retarget(v) for v in node]
    return node


def scenario_schema() -> dict[str, Any]:
    """The editors' scenario schema: `if` the file has `extends`, `then` a diff, `else` a whole scenario."""
    full = json_schema()
    defs = full.pop("$defs")
    head = {k: full.pop(k) for k in ("$schema", "title")}
    defs["Scenario"] = full
    for name in PARTIAL:
        diff = copy.deepcopy(defs[name])
        diff.pop("required", None)
        diff = _retarget(diff)
        diff["title"] = f"{diff.get('title', name)} (diff)"
        defs[name + DIFF] = diff
    defs["Scenario" + DIFF]["properties"].update(extends=EXTENDS, overrides=OVERRIDES)
    defs["Scenario" + DIFF]["required"] = ["extends"]
    return {**head, "$defs": defs, "if": {"type": "object", "required": ["extends"]},
            "then": {"$ref": f"#/$defs/Scenario{DIFF}"}, "else": {"$ref": "#/$defs/Scenario"}}


def scenario_schema_text() -> str:
    """``scenario_schema`` as the text `dipsim schema` prints (and scenarios/scenario.schema.json holds)."""
    return json.dumps(scenario_schema(), indent=2)
