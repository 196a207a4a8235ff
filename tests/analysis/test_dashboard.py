"""write_dashboard and `dipsim dashboard`: kind detection, self-contained HTML, escaping, clear errors."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from analysis.dashboard import DashboardError, detect, write_dashboard
from dipsim.commands import dashboard as command

HOSTILE = "<script>alert(1)</script>"
PLOTLY_BANNER = re.compile(r"plotly\.js v\d+\.\d+\.\d+")


def figure_ids(page: str) -> list[str]:
    return re.findall(r'<div id="([^"]+)" class="plotly-graph-div"', page)


def test_detects_each_kind(run_dir: Path, sweep_dir: Path, compare_dir: Path) -> None:
    assert [detect(run_dir), detect(sweep_dir), detect(compare_dir)] == ["run", "sweep", "compare"]


@pytest.mark.parametrize("fixture", ["run_dir", "population_run_dir", "sweep_dir", "lhs_sweep_dir", "compare_dir"])
def test_writes_one_self_contained_page(fixture: str, request: pytest.FixtureRequest) -> None:
    directory: Path = request.getfixturevalue(fixture)
    path = write_dashboard(directory)
    assert path == directory / "dashboard.html"
    page = path.read_text(encoding="utf-8")
    assert len(PLOTLY_BANNER.findall(page)) == 1  # plotly.js inline once
    assert page.count("Plotly.newPlot") - page[: page.find("</head>")].count("Plotly.newPlot") == len(
        figure_ids(page))
    head_scripts = page[: page.find("</head>")].count("<script")
    assert head_scripts == 1
    assert not re.search(r"<script[^>]*\bsrc=", page)
    assert not re.search(r"<link[^>]*\bhref=", page)
    assert "Content-Security-Policy" in page and "default-src &#x27;none&#x27;" in page
    ids = figure_ids(page)
    assert ids and len(ids) == len(set(ids))


def test_run_page_sections_and_story(run_dir: Path) -> None:
    page = write_dashboard(run_dir).read_text(encoding="utf-8")
    assert figure_ids(page) == ["fig-positions", "fig-pressure", "fig-timeline", "fig-network", "fig-trust"]
    story = page.find("Round 9: it collapsed (Russia: UK did not listen in 3 consecutive rounds).")
    assert 0 < story < page.find('id="fig-positions"')  # the story comes first
    for text in ("Event log", "channel_collapsed", "showed a strong desire to present the European position"):
        assert text in page


def test_population_run_skips_network_and_trust(population_run_dir: Path) -> None:
    page = write_dashboard(population_run_dir).read_text(encoding="utf-8")
    assert figure_ids(page) == ["fig-positions", "fig-timeline"]
    assert "80 actors: the network and the trust heatmap are drawn for at most 60." in page


def test_sweep_and_compare_pages(lhs_sweep_dir: Path, compare_dir: Path) -> None:
    page = write_dashboard(lhs_sweep_dir).read_text(encoding="utf-8")
    assert figure_ids(page) == ["fig-param-0", "fig-param-1", "fig-param-2", "fig-why-0", "fig-why-1", "fig-why-2",
                                "fig-survival-0", "fig-survival-1", "fig-survival-2", "fig-distributions",
                                "fig-parallel"]
    assert "1 run(s) failed" in page and "&lt;b&gt;boom&lt;/b&gt;" in page
    page = write_dashboard(compare_dir).read_text(encoding="utf-8")
    assert figure_ids(page) == ["fig-distributions", "fig-rates", "fig-ecdf", "fig-why"]
    assert re.search(r"UK listens vs baseline: median UK-Russia lifetime \d+ vs \d+ rounds \(\+\d+\)", page)


def test_hostile_text_is_escaped(hostile_run_dir: Path) -> None:
    page = write_dashboard(hostile_run_dir).read_text(encoding="utf-8")
    body = page[page.find("</head>"):]
    for bad in (HOSTILE, "<script>alert(2)", "<script>alert(3)", "<img src=x", "<b>bold</b>"):
        assert bad not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body  # as text in the HTML story, tables and quotes
    assert "&lt;/script&gt;&lt;script&gt;alert(3)&lt;/script&gt;" in body
    # inside figure JSON plotly writes < > / as \u003c \u003e \u002f, so no "</script>" can close the tag
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", body, re.S)
    assert len(scripts) == len(figure_ids(page))
    assert all("Plotly.newPlot" in s for s in scripts)
    assert "&lt;script&gt;alert(1)&lt;\\u002fscript&gt;" in "".join(scripts)  # plotly label: shown as text


def test_sweep_without_runs_still_renders(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text(json.dumps({"kind": "sweep", "design": {"vary": {}}}))
    page = write_dashboard(tmp_path).read_text(encoding="utf-8")
    assert "No run has finished yet." in page


def test_rounds_csv_is_read_when_no_parquet(run_dir: Path) -> None:
    rounds = pd.read_parquet(run_dir / "rounds.parquet")
    (run_dir / "rounds.parquet").unlink()
    rounds.to_csv(run_dir / "rounds.csv", index=False)
    assert "fig-positions" in write_dashboard(run_dir).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("setup", "error", "message"),
    [
        (lambda d: d / "missing", FileNotFoundError, "no such directory"),
        (lambda d: d, FileNotFoundError, "not a dipsim run, sweep or compare directory"),
        (lambda d: (d / "manifest.json").write_text('{"kind": "other"}') and d, DashboardError,
         "kind is 'other', expected 'sweep' or 'compare'"),
        (lambda d: (d / "summary.json").write_text("{oops") and d, DashboardError, "summary.json:1:2: not valid JSON"),
        (lambda d: (d / "summary.json").write_text("{}") and d, FileNotFoundError, "rounds.parquet: missing"),
    ],
)
def test_bad_directories_fail_with_one_line(tmp_path: Path, setup, error: type, message: str) -> None:
    target = setup(tmp_path)
    with pytest.raises(error, match=re.escape(message)) as info:
        write_dashboard(target)
    assert "\n" not in str(info.value)


def test_missing_columns_are_named(run_dir: Path) -> None:
    pd.read_parquet(run_dir / "rounds.parquet").drop(columns=["state"]).to_parquet(run_dir / "rounds.parquet")
    with pytest.raises(DashboardError, match="missing column"):
        write_dashboard(run_dir)


def test_command_prints_path(run_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert command.run(argparse.Namespace(dir=str(run_dir), plotly="inline")) == 0
    assert capsys.readouterr().out.strip() == str(run_dir / "dashboard.html")


def test_command_bad_dir_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert command.run(argparse.Namespace(dir=str(tmp_path / "nope"), plotly="inline")) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("dipsim dashboard: ") and "no such directory" in err


def test_command_registers_subparser() -> None:
    parser = argparse.ArgumentParser(prog="dipsim")
    command.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["dashboard", "out/x"])
    assert args.dir == "out/x" and args.handler is command.run


def test_unfinished_sweep_reads_its_parts(sweep_dir: Path) -> None:
    """While a sweep runs (or after Ctrl-C) only parts/part-*.parquet exist; the dashboard shows what finished."""
    runs = pd.read_parquet(sweep_dir / "runs.parquet")
    (sweep_dir / "parts").mkdir()
    runs.iloc[:10].to_parquet(sweep_dir / "parts" / "part-00000.parquet")
    runs.iloc[10:20].to_parquet(sweep_dir / "parts" / "part-00001.parquet")
    (sweep_dir / "failures.jsonl").rename(sweep_dir / "parts" / "part-00001.failures.jsonl")
    (sweep_dir / "runs.parquet").unlink()
    page = write_dashboard(sweep_dir).read_text(encoding="utf-8")
    assert "fig-param-0" in page and ">20</td>" in page  # 20 runs counted in the outcome table
    assert "1 run(s) failed" in page


def test_story_falls_back_to_events_and_facts_name_channels(run_dir: Path) -> None:
    from analysis.figures.tables import events_frame, key_facts, story_lines

    summary = json.loads((run_dir / "summary.json").read_text())
    events = [json.loads(line) for line in (run_dir / "events.jsonl").read_text().splitlines()]
    assert story_lines(summary, events)[0] == "Round 3: UK opened a back channel to Russia."
    del summary["story"]
    assert story_lines(summary, events)[-1] == "Round 9: Russia: UK did not listen in 3 consecutive rounds"
    assert story_lines(summary, []) == ["No events were recorded."]
    facts = dict(key_facts(summary))
    assert facts["agreement"] == "none" and facts["UK-Russia"] == "collapsed (round 9)"
    frame = events_frame(events)
    assert frame.columns == ["round", "kind", "actors", "reason", "details"]
    assert frame["details"][-1] == '{"patience": 3}'


def test_many_outcomes_are_capped_in_menus(sweep_dir: Path) -> None:
    runs = pd.read_parquet(sweep_dir / "runs.parquet")
    extra = pd.DataFrame({f"trust:a{i}->b": runs["polarization"] for i in range(60)})
    pd.concat([runs, extra], axis=1).to_parquet(sweep_dir / "runs.parquet")
    page = write_dashboard(sweep_dir).read_text(encoding="utf-8")
    assert "The menus offer the first 40 of 73 outcomes" in page
    assert "final trust a59 → b (0-1)" in page  # every outcome stays in the table
