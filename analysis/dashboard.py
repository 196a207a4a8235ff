"""Build the self-contained ``dashboard.html`` of a run, sweep or compare directory from its saved tables.

Usage: ``write_dashboard("out/baseline")`` detects the kind of directory (``summary.json`` = a run;
``manifest.json`` with ``kind`` ``sweep`` or ``compare``), writes ``dashboard.html`` into it and returns its path.
Dashboards only read the saved tables; they never run the engine.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow.parquet as pq

from analysis import html as H
from analysis.arrow import objects
from analysis.columns import Columns, as_columns, distinct, inferred
from analysis.figures.arrays import thinned_note
from analysis.figures.common import is_bool, numbers, outcome_unit, round_unit
from analysis.figures.contacts import contact_table, network_figure, timeline_figure
from analysis.figures.forecast import forecast_figure
from analysis.figures.positions import positions_figure, pressure_figure
from analysis.figures.tables import events_frame, key_facts, outcome_summary, story_lines
from analysis.figures.trust import trust_figure
from analysis.run_rounds import DRAWN, RunRounds, read_run_rounds, reduce_frame

if TYPE_CHECKING:  # compare pages read their tables with pandas; run and sweep pages never load it
    import pandas as pd

MAX_DETAILED = 60  # above this many actors the trust heatmap and the network are skipped
MAX_MENU = 40  # outcomes offered in a figure's menu (all of them stay in the tables)
ROUND_COLUMNS = ("round", "series", "actor", "other", "issue", "track", "value", "state")


class DashboardError(ValueError):
    """A directory whose files cannot be read as a dipsim run, sweep or compare."""


def read_json(path: Path) -> Any:
    """Parse a JSON file, naming the file and position on error."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise DashboardError(f"{path}:{e.lineno}:{e.colno}: not valid JSON ({e.msg})") from e


def read_events(path: Path) -> list[dict[str, Any]]:
    """The event log (one JSON object per line); empty when the file is absent."""
    if not path.is_file():
        return []
    events = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                events.append(json.loads(line))
            except json.JSONDecodeError as e:
                raise DashboardError(f"{path}:{n}:{e.colno}: not valid JSON ({e.msg})") from e
    return events


def read_table(directory: Path, stem: str, required: tuple[str, ...] = (),
               skip: tuple[str, ...] = ()) -> pd.DataFrame:
    """``stem.parquet`` (file or directory of parts) or ``stem.csv`` of a directory, checking required columns;
    columns named in ``skip`` are not read from a Parquet file."""
    import pandas as pd

    parquet, csv = directory / f"{stem}.parquet", directory / f"{stem}.csv"
    if parquet.is_file() and skip:
        import pyarrow.parquet as pq

        df = pd.read_parquet(parquet, columns=[c for c in pq.read_schema(parquet).names if c not in skip])
    elif parquet.exists():
        df = pd.read_parquet(parquet)
    elif csv.is_file():
        df = pd.read_csv(csv)
    else:
        raise FileNotFoundError(f"{parquet}: missing (needed to draw the dashboard)")
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise DashboardError(f"{parquet if parquet.exists() else csv}: missing column(s) {', '.join(missing)}")
    return df


def read_rounds(directory: Path, drawn: tuple[str, ...] = DRAWN) -> RunRounds:
    """The rows of a run's ``rounds.parquet`` (or ``.csv``) that its page draws, checking the columns."""
    parquet, csv = directory / "rounds.parquet", directory / "rounds.csv"
    path = parquet if parquet.is_file() else csv if csv.is_file() else None
    if path is None:
        if parquet.is_dir():  # a table written in parts: read whole
            whole = Columns.from_frame(read_table(directory, "rounds", ROUND_COLUMNS))
            return RunRounds(reduce_frame(whole, drawn), len(set(whole["round"].tolist())))
        raise FileNotFoundError(f"{parquet}: missing (needed to draw the dashboard)")
    columns = pq.read_schema(path).names if path == parquet else _csv_header(path)
    missing = [c for c in ROUND_COLUMNS if c not in columns]
    if missing:
        raise DashboardError(f"{path}: missing column(s) {', '.join(missing)}")
    return read_run_rounds(path, drawn)


def _csv_header(path: Path) -> list[str]:
    """The column names of a CSV file."""
    import pandas as pd

    return list(pd.read_csv(path, nrows=0).columns)


def detect(directory: str | Path) -> str:
    """The kind of an output directory: ``run``, ``sweep`` or ``compare``."""
    d = Path(directory)
    if not d.is_dir():
        raise FileNotFoundError(f"{d}: no such directory" if not d.exists() else f"{d}: not a directory")
    if (d / "summary.json").is_file():
        return "run"
    if (d / "manifest.json").is_file():
        manifest = read_json(d / "manifest.json")
        kind = manifest.get("kind") if isinstance(manifest, Mapping) else None
        if kind in ("sweep", "compare"):
            return str(kind)
        raise DashboardError(f"{d / 'manifest.json'}: kind is {kind!r}, expected 'sweep' or 'compare'")
    raise FileNotFoundError(f"{d}: not a dipsim run, sweep or compare directory (no summary.json or manifest.json)")


def write_dashboard(directory: str | Path, plotly: str = "inline") -> Path:
    """Write ``dashboard.html`` for a run, sweep or compare directory and return its path; ``plotly``: how the
    page loads plotly.js (``analysis.html.PLOTLY_MODES``)."""
    d = Path(directory)
    builder = {"run": run_page, "sweep": sweep_page, "compare": compare_page}[detect(d)]
    out = d / "dashboard.html"
    out.write_text(builder(d, H.plotly_head(plotly, d)), encoding="utf-8")
    return out


# --- run ---------------------------------------------------------------------------------------------------


def normalise_summary(summary: Mapping[str, Any], rounds: Columns) -> dict[str, Any]:
    """The summary with actors/issues/tracks filled in from the tables when an older writer left them out."""
    s = dict(summary)
    if not s.get("actors"):
        s["actors"] = [str(a) for a in distinct(rounds["actor"])]
    if not s.get("issues"):
        pos = rounds.equal(series="position")
        s["issues"] = {str(i): {"low": "low", "high": "high"} for i in distinct(pos["issue"])}
    s.setdefault("tracks", [])
    s.setdefault("channels", [])
    s.setdefault("round_length", "week")
    return s


def run_page(d: Path, head: tuple[str, str] | None = None) -> str:
    """The HTML of a run directory's dashboard."""
    raw = read_json(d / "summary.json")
    if not isinstance(raw, Mapping):
        raise DashboardError(f"{d / 'summary.json'}: expected a JSON object")
    drawn = DRAWN if len(raw.get("actors") or ()) <= MAX_DETAILED else tuple(s for s in DRAWN if s != "trust")
    read = read_rounds(d, drawn)
    rounds = read.frame
    summary = normalise_summary(raw, rounds)
    events = read_events(d / "events.jsonl")
    actors = summary["actors"]
    n_rounds = summary.get("rounds") or int(rounds["round"].max())
    meta = [m for m in (summary.get("description"),) if m]
    n_issues = len(summary["issues"])
    meta.append(f"seed {summary.get('seed')} · {n_rounds} rounds ({round_unit(summary['round_length'])}) · "
                f"{len(actors)} actors · {n_issues} issue{'s' if n_issues != 1 else ''} · from {d}")
    sections: list[tuple[str, list[str]]] = [
        ("What happened", [H.bullets(story_lines(summary, events), "story", ordered=True),
                           H.cards(key_facts(summary))]),
    ]
    figs = [H.figure(positions_figure(rounds, summary), "fig-positions")]
    pressure = pressure_figure(rounds, summary)
    if pressure is not None:
        figs.append(H.figure(pressure, "fig-pressure"))
    thinned = thinned_note(read.n_rounds)
    sections.append(("Positions", [H.para(thinned, "note")] + figs if thinned else figs))
    bdm = forecast_figure(summary)
    if bdm is not None:
        sections.append(("Forecast", [H.para("Bueno de Mesquita's expected-utility model (Scholz et al. 2011 "
                                             "reconstruction), run on the scenario's starting capabilities, "
                                             "positions and saliences, issue by issue.", "note"),
                                      H.figure(bdm, "fig-forecast")]))
    table = contact_table(rounds, summary)
    if table.empty:
        contacts = [H.para("No back channels, tracks or alliances were recorded.", "note")]
    else:
        contacts = [H.figure(timeline_figure(rounds, summary, events, table), "fig-timeline")]
    trust: list[str]
    if len(actors) > MAX_DETAILED:
        note = f"{len(actors)} actors: the network and the trust heatmap are drawn for at most {MAX_DETAILED}."
        contacts.append(H.para(note, "note"))
        trust = [H.para(note, "note")]
    else:
        contacts.append(H.figure(network_figure(rounds, summary, table), "fig-network"))
        trust = [H.figure(trust_figure(rounds, summary), "fig-trust")]
    sections += [("Contacts", contacts), ("Trust", trust),
                 ("Event log", [H.table(events_frame(events))] if events else [H.para("No events.", "note")])]
    if summary.get("provenance"):
        sections.append(("Sources", [H.quotes(summary["provenance"])]))
    return H.page(f"dipsim run: {summary.get('scenario', d.name)}", meta, sections, head)


# --- sweep and compare ------------------------------------------------------------------------------------


def _manifest(d: Path) -> dict[str, Any]:
    """``manifest.json`` of a sweep/compare as a dict."""
    manifest = read_json(d / "manifest.json")
    if not isinstance(manifest, Mapping):
        raise DashboardError(f"{d / 'manifest.json'}: expected a JSON object")
    return dict(manifest)


def _read_runs(d: Path) -> pd.DataFrame:
    """``runs.parquet`` of a compare; while one is unfinished, its finished ``parts/part-*.parquet``."""
    from analysis.sweep.io import combine

    try:
        return read_table(d, "runs")
    except FileNotFoundError:
        return combine(d, ("run_id", "seed"))  # typed as runs.parquet will be


def read_runs(d: Path, skip: tuple[str, ...] = ()) -> Columns:
    """``runs.parquet`` of a sweep as columns, without those in ``skip`` (no pandas for a Parquet file); while the
    sweep is unfinished, its finished ``parts/part-*.parquet``, typed as runs.parquet will be."""
    from analysis.sweep.io import combined

    path = d / "runs.parquet"
    if path.is_file():
        file = pq.ParquetFile(path)  # not pq.read_table: its dataset module imports pandas
        return Columns.from_arrow(file.read(columns=[c for c in file.schema_arrow.names if c not in skip]))
    if path.exists() or (d / "runs.csv").is_file():
        return Columns.from_frame(read_table(d, "runs", skip=skip))
    table = combined(d, ("run_id", "seed"))
    return Columns.from_arrow(table.drop_columns([c for c in skip if c in table.column_names]))


def _cut_note(outs: list[str]) -> list[str]:
    """A note when figure menus show only the first MAX_MENU outcomes."""
    if len(outs) <= MAX_MENU:
        return []
    return [H.para(f"The menus offer the first {MAX_MENU} of {len(outs)} outcomes; the table above has all.", "note")]


def _failures(d: Path) -> list[str]:
    """A section part listing failed runs from ``failures.jsonl``, if any."""
    failures = read_events(d / "failures.jsonl")
    if not (d / "failures.jsonl").is_file():
        failures = [f for p in sorted((d / "parts").glob("part-*.failures.jsonl")) for f in read_events(p)]
    if not failures:
        return []
    rows = [{"run": f.get("run_id"), "seed": f.get("seed"), "error": f.get("error"),
             "parameters": f.get("params") or f.get("parameters")} for f in failures]
    frame = Columns({c: inferred([r[c] for r in rows]) for c in ("run", "seed", "error", "parameters")})
    return [H.para(f"{len(failures)} run(s) failed; a failed run never stops the sweep.", "note"),
            H.table(frame, max_rows=200)]


def _gsa_sections(d: Path) -> list[tuple[str, list[str]]]:
    """Sections of `dipsim sensitivity` (sensitivity.parquet) and `dipsim discover` (discovery.json), if saved."""
    out: list[tuple[str, list[str]]] = []
    if (d / "sensitivity.parquet").is_file():
        from analysis.figures.sensitivity import ranked_figure

        result = Columns.from_arrow(pq.ParquetFile(d / "sensitivity.parquet").read())
        out.append(("What decides the outcomes (sensitivity)", [H.figure(ranked_figure(result), "fig-sensitivity")]
                    if len(result) else [H.para("No outcome varied across the design.", "note")]))
    if (d / "discovery.json").is_file():
        from analysis.figures.sensitivity import peeling_figure

        found = json.loads((d / "discovery.json").read_text(encoding="utf-8"))
        out.append(("Where it happens (scenario discovery)", [H.bullets(found["lines"], "story"),
                                                              H.figure(peeling_figure(found), "fig-peeling")]))
    return out


SWEEP_UNSHOWN = ("run_id", "seed")  # columns of runs.parquet the sweep page never shows (not read)


def sweep_page(d: Path, head: tuple[str, str] | None = None, runs: Columns | pd.DataFrame | None = None) -> str:
    """The HTML of a sweep directory's dashboard; of ``runs`` instead of its runs.parquet when given (a warm-up)."""
    from analysis.figures import collapse as W
    from analysis.figures import sweep as S

    manifest = _manifest(d)
    runs = read_runs(d, SWEEP_UNSHOWN) if runs is None else as_columns(runs)
    params = S.parameters(manifest, runs)
    outs = S.outcomes(runs, params)
    design = manifest.get("design") or {}
    scenario = manifest.get("scenario") or {}
    counts = manifest.get("counts") or {}
    meta = [
        f"design {design.get('kind', '?')}" + (f" ({design['samples']} samples)" if design.get("samples") else "")
        + f" × {manifest.get('seeds', '?')} seeds · runs: {counts.get('done', len(runs))} done, "
        f"{counts.get('failed', 0)} failed of {counts.get('total', '?')} · from {d}",
        "varied: " + "; ".join(f"{p} = {v}" for p, v in (design.get("vary") or {}).items()),
        f"started {manifest.get('started', '?')} · finished {manifest.get('finished', '?')}",
    ]
    title = f"dipsim sweep: {scenario.get('name', d.name) if isinstance(scenario, Mapping) else scenario}"
    if runs.empty:
        return H.page(title, meta, [("Runs", [H.para("No run has finished yet.", "note"), *_failures(d)])], head)
    against = [H.figure(S.outcome_vs_parameter(runs, p, outs[:MAX_MENU]), f"fig-param-{i}")
               for i, p in enumerate(params)]
    sections: list[tuple[str, list[str]]] = [
        ("Outcomes", [H.table(outcome_summary(runs, outs), scroll=len(outs) > 30)]),
        ("Against parameters", against + _cut_note(outs) if against
         else [H.para("No varied parameter found in runs.parquet.", "note")]),
    ]
    if W.channels(runs):
        everyone = objects(["all runs"] * len(runs))
        sections.append(("Why channels collapsed", [
            H.figure(W.who_figure(runs, S.levels(runs[p]), p), f"fig-why-{i}") for i, p in enumerate(params[:3])]
            or [H.figure(W.who_figure(runs, everyone, "runs"), "fig-why-0")]))
    heat = S.survival_heatmaps(runs, params)
    sections.append(("Channel survival", [H.figure(f, f"fig-survival-{i}") for i, f in enumerate(heat)]
                     or [H.para("Survival heatmaps need at least two varied parameters.", "note")]))
    sections.append(("Distributions", [H.figure(S.distributions_figure(runs), "fig-distributions")]))
    if len(params) > 2:
        numeric = [o for o in outs if not np.isnan(numbers(runs[o])).any()]
        colour_by = next((o for o in numeric if o.endswith(":lifetime")), numeric[0] if numeric else None)
        if colour_by:
            sections.append(("Parallel coordinates", [H.figure(S.parallel_figure(runs, params, colour_by),
                                                               "fig-parallel")]))
    sections += _gsa_sections(d)
    fails = _failures(d)
    if fails:
        sections.append(("Failures", fails))
    return H.page(title, meta, sections, head)


def compare_page(d: Path, head: tuple[str, str] | None = None) -> str:
    """The HTML of a compare directory's dashboard."""
    import pandas as pd

    from analysis.figures import collapse as W
    from analysis.figures import compare as C
    from analysis.figures import sweep as S

    manifest = _manifest(d)
    runs = _read_runs(d)
    if "scenario" not in runs.columns:
        runs = runs.assign(scenario=pd.Series(dtype="str"))
    full = C.scenario_names(manifest, runs)
    short = C.short_names(full)
    runs = runs.assign(scenario=runs["scenario"].astype(object).map(lambda s: short.get(str(s), s)))
    scenarios = [short[s] for s in full]
    table = Columns.from_frame(runs)  # for the figure functions the sweep page shares
    outs = S.outcomes(table, ("scenario",))
    listed = manifest.get("scenarios") or []
    meta = ["scenarios: " + "; ".join(f"{s.get('name')} ({s.get('path')})" for s in listed if isinstance(s, Mapping)),
            f"{manifest.get('seeds', '?')} seeds, the same in every scenario · {len(runs)} runs · from {d}"]
    if short != {s: s for s in full}:
        meta.append("shown as: " + ", ".join(scenarios))
    title = "dipsim compare: " + " vs ".join(scenarios[:4]) + (" …" if len(scenarios) > 4 else "")
    if runs.empty:
        return H.page(title, meta, [("Runs", [H.para("No run has finished yet.", "note"), *_failures(d)])], head)
    numeric = [o for o in outs if not is_bool(runs[o])][:MAX_MENU]
    boolean = [o for o in outs if is_bool(runs[o])][:MAX_MENU]
    timelike = [o for o in numeric if (o.endswith(":lifetime") or o == "agreement_round") and runs[o].notna().any()]
    keys = C.key_outcomes(runs)
    diffs, missing = C.differences(runs, scenarios, keys), C.not_compared(runs, scenarios, keys)
    said = [H.bullets(diffs, "story")] if diffs else [H.para("Only one scenario." if len(scenarios) < 2
                                                             else "No outcome has data in every scenario.", "note")]
    if missing:
        said.append(H.para("Left out, for want of data in some scenario (a channel it lacks, or no run agreed): "
                           + ", ".join(outcome_unit(o) for o in missing) + ".", "note"))
    sections: list[tuple[str, list[str]]] = [
        (f"Differences from {scenarios[0]}" if scenarios else "Differences", said),
    ]
    figs = []
    if numeric:
        figs.append(H.figure(C.distribution_figure(runs, scenarios, numeric), "fig-distributions"))
    if boolean:
        figs.append(H.figure(C.rates_figure(runs, scenarios, boolean), "fig-rates"))
    if timelike:
        figs.append(H.figure(C.ecdf_figure(runs, scenarios, timelike), "fig-ecdf"))
    sections.append(("Distributions", figs or [H.para("No numeric outcome columns.", "note")]))
    if W.channels(table):
        sections.append(("Why channels collapsed", [
            H.figure(W.who_figure(table, table["scenario"], "scenario", scenarios), "fig-why")]))
    sections.append(("All outcomes", [H.table(C.median_table(runs, scenarios, outs), scroll=len(outs) > 30)]))
    fails = _failures(d)
    if fails:
        sections.append(("Failures", fails))
    return H.page(title, meta, sections, head)
