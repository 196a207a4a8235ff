"""The Markdown reference is generated from the schema and kept in sync with it."""

from __future__ import annotations

from pathlib import Path

from sim.schema import Dynamics
from sim.schema_docs import markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "scenario-format.md"


def test_reference_documents_every_coefficient_with_its_default():
    text = markdown()
    for name, field in Dynamics.model_fields.items():
        assert f"| `{name}` |" in text
        assert field.description, f"dynamics.{name} has no description"


def test_committed_reference_is_up_to_date():
    assert DOC.read_text(encoding="utf-8").strip() == markdown().strip(), (
        "docs/scenario-format.md is stale: run `dipsim schema --markdown --out docs/scenario-format.md`")
