"""Write one run of a batch as a run directory (docs/outputs.md): summary.json, rounds.parquet|csv, events.jsonl."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from analysis.rounds_io import rounds_table, write_rounds_parquet
from analysis.story import story
from sim.forecast import forecast, from_scenario
from sim.result import BatchResult
from sim.schema import Scenario


def _provenance(sc: Scenario) -> list[dict[str, str]]:
    out = [{"what": f"actor {name}", "quote": a.source} for name, a in sc.actors.items() if a.source]
    out += [{"what": f"channel {c.between[0]}-{c.between[1]}", "quote": c.source} for c in sc.channels if c.source]
    return out


def _contacts(res: BatchResult, run: int, sc: Scenario) -> list[dict[str, Any]]:
    """Back channels (from the engine), tracks and alliances, in the shape of summary.json's `channels`."""
    out = res.channel_records(run)
    for t in sc.tracks:
        closes = t.closes if t.closes is not None and t.closes < sc.rounds else None
        out.append({"between": list(t.participants), "kind": "track", "label": t.name, "opened": t.opens,
                    "closed": closes, "status": "closed" if closes is not None else "open", "reason": None})
    for group in sc.alliances:
        out.append({"between": list(group), "kind": "alliance", "label": "-".join(group), "opened": 0,
                    "closed": None, "status": "open", "reason": None})
    return out


def bdm_forecast(sc: Scenario, rounds: int = 10) -> dict[str, Any] | None:
    """Bueno de Mesquita's forecast of each issue from the scenario's starting data, to set beside the run."""
    if sc.population is not None:
        return None
    out = {}
    for issue in sc.issue_names:
        data = from_scenario(sc, issue)
        try:
            r = forecast(data.actors, data.capability, data.position, data.salience, rounds=rounds)
        except ValueError as e:  # e.g. every weight zero: no forecast for that issue
            out[issue] = {"error": str(e)}
            continue
        out[issue] = {"median": [float(x) for x in r.median], "mean": [float(x) for x in r.mean],
                      "final": {a: float(x) for a, x in zip(r.actors, r.positions[-1], strict=True)}}
    return out


def summary(res: BatchResult, run: int, sc: Scenario) -> dict[str, Any]:
    """The summary.json document of one run."""
    st, s = res.structure, res.state
    agreed = int(s.agreement_round[run])
    outcome = res.outcomes()[run]
    doc = {
        "scenario": sc.name,
        "description": sc.description,
        "seed": int(res.seeds[run]),
        "rounds": res.rounds,
        "round_length": sc.round_length or "week",
        "actors": list(st.actors),
        "issues": {i: {"low": lo, "high": hi} for i, (lo, hi) in st.issue_labels.items()},
        "tracks": [{"name": t.name, "mediator": t.mediator, "participants": list(t.participants)} for t in sc.tracks],
        "channels": _contacts(res, run, sc),
        "agreement": {"reached": agreed >= 0, "round": agreed if agreed >= 0 else None},
        "metrics": {k: v for k, v in outcome.items() if isinstance(v, (int, float)) and not isinstance(v, bool)},
        "final": {
            "positions": {a: {i: float(s.position[run, n, k]) for k, i in enumerate(st.issues)}
                          for n, a in enumerate(st.actors)},
            "trust": {a: {b: float(s.trust[run, n, m]) for m, b in enumerate(st.actors)}
                      for n, a in enumerate(st.actors)} if st.n <= 60 else None,
        },
        "provenance": _provenance(sc),
        "forecast": bdm_forecast(sc),
    }
    doc["story"] = story(doc, res.log[run])
    return doc


def write_run(directory: str | Path, res: BatchResult, run: int, sc: Scenario, *, fmt: str = "parquet") -> dict:
    """Write summary.json, rounds.parquet (or .csv) and events.jsonl of run ``run``; return the summary."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    doc = summary(res, run, sc)
    (out / "summary.json").write_text(json.dumps(doc, indent=2, ensure_ascii=False))
    if fmt == "csv":
        rounds_table(res, run).to_csv(out / "rounds.csv", index=False)
    else:
        write_rounds_parquet(out / "rounds.parquet", res, run)
    with open(out / "events.jsonl", "w", encoding="utf-8") as f:
        for ev in res.log[run]:
            f.write(json.dumps(ev, ensure_ascii=False) + "\n")
    return doc
