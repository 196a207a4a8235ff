"""The output format is described once: docs/outputs.md is generated from it, and the writers use its names."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.outputs import write_run
from sim import output_format as F
from sim.engine import simulate
from sim.schema import EVENT_TYPES

DOC = Path(__file__).resolve().parents[2] / "docs" / "outputs.md"


def test_committed_reference_is_up_to_date():
    assert DOC.read_text(encoding="utf-8") == F.markdown(), (
        "docs/outputs.md is stale: run `python -m sim.output_format > docs/outputs.md`")


def test_every_scenario_event_type_is_a_documented_kind():
    assert set(EVENT_TYPES) <= set(F.EVENT_KINDS)


def test_a_run_writes_only_documented_kinds_fields_series_and_columns(shipped, tmp_path):
    sc = shipped("early_exposure.yaml")
    res = simulate(sc, [3], record=True)
    doc = write_run(tmp_path, res, 0, sc)
    assert set(doc) == set(F.SUMMARY_KEYS)
    events = res.log[0]
    assert {e["kind"] for e in events} <= set(F.EVENT_KINDS) and events
    assert all(set(e) <= set(F.EVENT_FIELDS) for e in events)
    rounds = pd.read_parquet(tmp_path / "rounds.parquet")
    assert list(rounds.columns) == list(F.ROUNDS_COLUMNS)
    assert set(rounds["series"]) <= set(F.SERIES)
    assert set(rounds["state"].dropna()) <= set(F.CONTACT_STATES)


def test_events_carry_their_channel_or_track_as_fields(shipped):
    sc = shipped("early_exposure.yaml")  # an exposure event, a track, a back channel that opens and collapses
    events = simulate(sc, [3]).log[0]
    by_kind = {e["kind"]: e for e in events}
    assert by_kind[F.EXPOSURE]["channel"] == "UK-Russia"
    assert by_kind[F.CHANNEL_OPENED]["channel"] == "UK-Russia"
    assert all(e["track"] for e in events if e["kind"] == F.TRACK_OPENED)
