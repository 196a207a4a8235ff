"""Plausible ranges: declared on every numeric coefficient, inside its constraints, read by dotted path."""

from __future__ import annotations

import pytest
from annotated_types import Ge, Le
from pydantic import BaseModel

from sim.paths import PathError, is_model, split_type
from sim.ranges import default_ranges, field_range, plausible_ranges
from sim.schema import Dynamics, SpeechCoefficients
from sim.yamlio import read_yaml

BASELINE = "scenarios/article_baseline.yaml"


def _numeric_fields(model: type[BaseModel]):
    for name, field in model.model_fields.items():
        core, metas, _ = split_type(field.annotation)
        if is_model(core):
            yield from _numeric_fields(core)
        elif core in (int, float):
            yield name, field, core, metas + list(field.metadata)


@pytest.mark.parametrize("model", [Dynamics, SpeechCoefficients])
def test_every_numeric_coefficient_declares_a_range_inside_its_constraints(model):
    fields = list(_numeric_fields(model))
    assert fields
    for name, field, core, metas in fields:
        r = field_range(field)
        assert r is not None, f"{model.__name__}.{name}: add json_schema_extra={{'plausible': [lo, hi]}}"
        lo, hi = r
        assert lo < hi, name
        assert all(isinstance(x, core) for x in r), f"{name}: range ends must be {core.__name__}s"
        for m in metas:
            if isinstance(m, Ge):
                assert lo >= m.ge, name
            if isinstance(m, Le):
                assert hi <= m.le, name
        if not field.is_required():
            assert lo <= field.get_default(call_default_factory=True) <= hi, f"{name}: default outside its range"


def test_speech_ranges_contain_every_style_default():
    ranges = plausible_ranges()
    d = Dynamics()
    for style in ("respectful", "assertive", "ultimatum"):
        for coef in ("persuasion", "fall", "penalty"):
            lo, hi = ranges[f"dynamics.speech.{style}.{coef}"]
            assert lo <= getattr(getattr(d.speech, style), coef) <= hi


def test_reader_names_dotted_paths_and_skips_categorical_fields():
    ranges = plausible_ranges()
    assert ranges["dynamics.reciprocity_memory"] == (0.1, 0.6)
    assert ranges["dynamics.exposure_patience_cut"] == (0, 2)
    assert "dynamics.meeting" not in ranges and "dynamics.speech" not in ranges


def test_default_ranges_under_a_named_channel_and_an_actor_strategy():
    data = read_yaml(BASELINE).data
    channel = default_ranges(data, "channels.UK-Russia")
    assert channel == {"channels.UK-Russia.patience": (1, 8), "channels.UK-Russia.threshold": (0.2, 0.6)}
    assert set(default_ranges(data, "actors.UK.strategy")) == {
        "actors.UK.strategy.openness", "actors.UK.strategy.latitude"}
    assert default_ranges(data, "dynamics") == plausible_ranges()


@pytest.mark.parametrize("prefix, words", [("dynamics.trust_loss", "single value"),
                                           ("channels.UK-Rusia", "no item"), ("issues", "no coefficients")])
def test_default_ranges_of_a_bad_prefix_is_a_path_error(prefix, words):
    with pytest.raises(PathError, match=words):
        default_ranges(read_yaml(BASELINE).data, prefix)
