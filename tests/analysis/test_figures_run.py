"""Run figures on small tables: traces, axis titles, colours per actor, hover reasons."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from analysis.figures.common import PALETTE, STATE_COLORS, colors, issue_title, round_title, slider_rounds, txt
from analysis.figures.contacts import contact_table, segments
from analysis.figures.trust import trust_matrix
from tests.analysis.figspec import network_figure, positions_figure, pressure_figure, timeline_figure, trust_figure


def load(d: Path) -> tuple[pd.DataFrame, dict, list[dict]]:
    events = [json.loads(line) for line in (d / "events.jsonl").read_text().splitlines()]
    return pd.read_parquet(d / "rounds.parquet"), json.loads((d / "summary.json").read_text()), events


def test_positions_one_line_per_actor_and_issue_plus_proposals(run_dir: Path) -> None:
    rounds, summary, _ = load(run_dir)
    fig = positions_figure(rounds, summary)
    lines = [t for t in fig.data if not t.name.startswith("proposal")]
    proposals = [t for t in fig.data if t.name.startswith("proposal")]
    assert len(lines) == len(summary["actors"]) * len(summary["issues"])
    assert len(proposals) == len(summary["issues"])  # one track
    assert [t.name for t in lines[:5]] == summary["actors"]
    assert sum(t.showlegend for t in fig.data) == len(summary["actors"]) + 1  # legend once per actor/proposal
    assert all(t.line.dash == "dash" for t in proposals)
    assert len(lines[0].x) == summary["rounds"] + 1


def test_positions_axes_name_issue_ends_and_round_unit(run_dir: Path) -> None:
    rounds, summary, _ = load(run_dir)
    fig = positions_figure(rounds, summary)
    titles = [fig.layout[f"yaxis{i if i > 1 else ''}"].title.text for i in range(1, 4)]
    for title, (issue, ends) in zip(titles, summary["issues"].items(), strict=True):
        assert issue in title
        assert "0 = " + txt(ends["low"])[:10] in title.replace("<br>", " ")
        assert "1 = " + txt(ends["high"])[:10] in title.replace("<br>", " ")
    assert fig.layout.xaxis3.title.text == "round (weeks)"
    assert fig.layout.yaxis.range == (-0.03, 1.03)


def test_positions_of_many_actors_is_a_density(population_run_dir: Path) -> None:
    rounds, summary, _ = load(population_run_dir)
    fig = positions_figure(rounds, summary)
    assert [t.type for t in fig.data] == ["heatmap"]
    z = pd.DataFrame(fig.data[0].customdata)
    assert z.sum().round(6).eq(1).all()  # shares of actors per round
    assert "density of 80 actors" in fig.layout.title.text


def test_pressure_lines_only_for_pressured_actors(run_dir: Path) -> None:
    rounds, summary, _ = load(run_dir)
    fig = pressure_figure(rounds, summary)
    assert fig is not None
    assert [t.name for t in fig.data] == ["UK", "EU"]
    assert fig.layout.yaxis.title.text == "sidelining pressure (0-1)"
    none = rounds[rounds["series"] != "pressure"]
    assert pressure_figure(none, summary) is None


def test_segments_split_runs_of_states(run_dir: Path) -> None:
    rounds, summary, _ = load(run_dir)
    segs = segments(contact_table(rounds, summary))
    uk = [[g["state"], g["start"], g["end"]] for g in segs if g["label"] == "UK-Russia"]
    assert uk == [["closed", 0, 2], ["open", 3, 5], ["one_sided", 6, 8], ["collapsed", 9, 20]]
    contacts = contact_table(rounds, summary).first_of(["label"])
    kinds = dict(zip(contacts["label"].tolist(), contacts["kind"].tolist(), strict=True))
    assert kinds["UK-Russia"] == "back_channel"
    assert kinds["UK-EU (alliance)"] == "alliance"
    assert kinds["US-Russia (US-led talks)"] == "track"


def test_timeline_traces_per_state_with_reasons(run_dir: Path) -> None:
    rounds, summary, events = load(run_dir)
    fig = timeline_figure(rounds, summary, events)
    by_name = {t.name: t for t in fig.data}
    assert set(by_name) == {"open", "one-sided", "collapsed"}
    assert by_name["collapsed"].marker.color == STATE_COLORS["collapsed"]
    hover = " ".join(by_name["collapsed"].customdata)
    assert "Russia: UK did not listen in 3 consecutive rounds" in hover
    assert "UK opened a back channel to Russia" in " ".join(by_name["open"].customdata)
    assert fig.layout.xaxis.title.text == "round (weeks)"
    assert fig.layout.yaxis.categoryarray[-1] == "UK-Russia"  # back channels on top


def test_network_nodes_in_actor_colours_and_slider(run_dir: Path) -> None:
    rounds, summary, _ = load(run_dir)
    fig = network_figure(rounds, summary)
    nodes = fig.data[-1]
    assert list(nodes.text) == summary["actors"]
    assert list(nodes.marker.color) == list(PALETTE[:5])
    slider = fig.layout.sliders[0]
    assert len(slider.steps) == summary["rounds"] + 1
    assert slider.active == summary["rounds"]
    collapsed = [t for t in fig.data if t.name == "back channel: collapsed"]
    assert collapsed and len(collapsed[0].x) == 3  # one edge: two points and a gap


def test_trust_heatmap_matrix_and_slider(run_dir: Path) -> None:
    rounds, summary, _ = load(run_dir)
    fig = trust_figure(rounds, summary)
    z = fig.data[0].z
    assert len(z) == 5 and all(z[i][i] is None for i in range(5))
    last = rounds[(rounds["series"] == "trust") & (rounds["round"] == summary["rounds"])]
    m = trust_matrix(last, summary["actors"])
    assert z[1][0] == pytest.approx(m[1, 0], abs=1e-4)
    assert summary["final"]["trust"]["Russia"]["UK"] == pytest.approx(z[1][0], abs=1e-4)
    assert len(fig.layout.sliders[0].steps) == summary["rounds"] + 1
    assert fig.layout.xaxis.title.text == "trusted actor"
    assert fig.layout.yaxis.title.text == "trusting actor"


def test_actor_colour_is_the_same_in_every_figure(run_dir: Path) -> None:
    rounds, summary, events = load(run_dir)
    expected = colors(summary["actors"])
    pos = positions_figure(rounds, summary)
    pres = pressure_figure(rounds, summary)
    net = network_figure(rounds, summary)
    trust = trust_figure(rounds, summary)
    for actor in ("UK", "EU"):
        assert {t.line.color for t in pos.data if t.name == actor} == {expected[actor]}
        assert {t.line.color for t in pres.data if t.name == actor} == {expected[actor]}
        assert net.data[-1].marker.color[summary["actors"].index(actor)] == expected[actor]
        assert expected[actor] in trust.layout.xaxis.ticktext[summary["actors"].index(actor)]


def test_hostile_names_are_escaped_in_figures(hostile_run_dir: Path) -> None:
    rounds, summary, events = load(hostile_run_dir)
    for fig in (positions_figure(rounds, summary), network_figure(rounds, summary), trust_figure(rounds, summary),
                timeline_figure(rounds, summary, events)):
        blob = fig.to_json()
        assert "<script>" not in json.loads(blob).__repr__()
    assert positions_figure(rounds, summary).data[0].name == "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_helpers() -> None:
    assert round_title("week") == "round (weeks)"
    assert round_title("day") == "round (days)"
    assert round_title("one diplomatic week") == "round (diplomatic weeks)"
    assert round_title(None) == "round"
    assert "0 = left" in issue_title("x", "left", "right")
    assert slider_rounds(range(10)) == list(range(10))
    many = slider_rounds(range(500))
    assert len(many) <= 61 and many[0] == 0 and many[-1] == 499
    assert colors(["a", "b"]) == {"a": PALETTE[0], "b": PALETTE[1]}


def test_tracks_and_alliances_from_the_summary_when_not_in_the_series(engine_like_run_dir: Path) -> None:
    rounds, summary, events = load(engine_like_run_dir)
    assert set(rounds.loc[rounds["series"] == "contact", "other"]) == {"Russia"}  # back channel rows only
    contacts = contact_table(rounds, summary)
    assert list(dict.fromkeys(contacts["row"])) == ["UK-Russia", "UK-EU (alliance)", "US-led talks (track)"]
    assert set(contacts.equal(kind="track")["label"]) == {
        "US-Russia (US-led talks)", "US-Ukraine (US-led talks)", "Russia-Ukraine (US-led talks)"}
    fig = timeline_figure(rounds, summary, events)
    open_bars = next(t for t in fig.data if t.name == "open")
    assert "US-led talks (track)" in open_bars.y
    hover = " ".join(open_bars.customdata)
    assert "US-led talks opened, mediated by US" in hover  # matched by the event's track field
    assert "UK opened a back channel to Russia" in hover  # matched by the event's channel label
    net = network_figure(rounds, summary)
    track_open = next(t for t in net.data if t.name == "track seat: open")
    assert len(track_open.x) == 9  # three seats: two points and a gap each


def test_dashboard_of_engine_shaped_run(engine_like_run_dir: Path) -> None:
    from analysis.dashboard import write_dashboard

    page = write_dashboard(engine_like_run_dir).read_text(encoding="utf-8")
    assert 'id="fig-timeline"' in page and 'id="fig-network"' in page


def test_forecast_figure_sets_bdm_beside_the_run():
    from tests.analysis.figspec import forecast_figure

    summary = {
        "actors": ["A", "B"], "issues": {"x": {"low": "l", "high": "h"}},
        "final": {"positions": {"A": {"x": 0.2}, "B": {"x": 0.7}}},
        "forecast": {"x": {"median": [0.5, 0.6], "mean": [0.5, 0.55], "final": {"A": 0.4, "B": 0.6}}},
    }
    fig = forecast_figure(summary)
    names = [t.name for t in fig.data]
    assert names == ["agent-based run (final)", "BDM forecast (final)", "BDM weighted median"]
    assert list(fig.data[0].y) == [0.2, 0.7] and list(fig.data[1].y) == [0.4, 0.6]
    assert fig.data[0].marker.color == fig.data[1].marker.color  # same colour per actor
    assert forecast_figure({**summary, "forecast": None}) is None


def test_actors_sit_where_networkx_circular_layout_puts_them() -> None:
    nx = pytest.importorskip("networkx")
    from analysis.figures.contacts import circle

    for n in (1, 2, 3, 5, 7, 12, 60):
        actors = [f"a{i}" for i in range(n)]
        want = {a: (float(p[0]), float(p[1])) for a, p in nx.circular_layout(nx.path_graph(actors)).items()}
        assert circle(actors) == want
