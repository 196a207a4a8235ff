"""Before/after equality: every shipped scenario's run outputs and a 2,000-run sweep's rows equal the goldens.

The goldens (tests/golden/golden.json, over copies of the shipped scenarios) were written by
tests/golden/make_golden.py from the code before a refactor; a refactor must leave them value for value identical.
Events may gain fields (structured ones); every field the golden has must be there with the same value.
"""

from __future__ import annotations

import json

import pytest

from tests.golden import make_golden

GOLDEN = json.loads(make_golden.GOLDEN.read_text())


@pytest.fixture(scope="module")
def current():
    return make_golden.outputs()


def test_the_goldens_cover_every_shipped_scenario_and_a_2000_run_sweep():
    names = {key.split("@")[0] for key in GOLDEN["runs"]}
    assert {"article_baseline.yaml", "uk_listens.yaml", "validation/deffuant.yaml", "extra/every_event.yaml"} <= names
    assert names == {make_golden.name_of(p) for p in make_golden.scenario_files()}
    kinds = {e["kind"] for run in GOLDEN["runs"].values() for e in run["events"]}
    assert {"channel_reopened", "open_channel", "close_channel", "leave_track", "exposure", "agreement"} <= kinds
    assert GOLDEN["sweep"]["rows"] == 2000


def test_run_outputs_equal_the_goldens(current):
    assert current["runs"].keys() == GOLDEN["runs"].keys()
    for key, want in GOLDEN["runs"].items():
        got = current["runs"][key]
        changed = [k for k in want["summary"].keys() | got["summary"].keys()
                   if want["summary"].get(k) != got["summary"].get(k)]
        assert not changed, f"{key}: summary.json differs in {changed}"
        assert got["story"] == want["story"], key
        assert got["rounds"] == want["rounds"], f"{key}: rounds table differs"
        assert len(got["events"]) == len(want["events"]), key
        for old, new in zip(want["events"], got["events"], strict=True):
            assert {k: new.get(k) for k in old} == old, key


@pytest.mark.parametrize("command", ["sweep", "compare"])
def test_sweep_rows_equal_the_goldens(current, command):
    assert current[command] == GOLDEN[command]
