"""Tables and text of the dashboards: the run's story, key facts, the event log, an outcome summary."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from analysis.columns import Columns, inferred
from analysis.figures.common import is_bool, known, outcome_unit, summarize
from sim import output_format as F

STORY_KINDS = (F.CHANNEL_OPENED, F.CHANNEL_COLLAPSED, F.CHANNEL_REOPENED, F.CHANNEL_CLOSED, F.EXPOSURE,
               F.SET_STRATEGY, F.JOIN_TRACK, F.LEAVE_TRACK, F.TRACK_OPENED, F.AGREEMENT)


def story_lines(summary: Mapping[str, Any], events: list[dict[str, Any]]) -> list[str]:
    """The run's story: the summary's own lines, else the key events in round order."""
    if summary.get("story"):
        return [str(line) for line in summary["story"]]
    lines = [f"Round {e.get('round')}: {e.get('reason') or e.get('kind')}" for e in events if e.get("kind") in
             STORY_KINDS]
    return lines or ["No events were recorded."]


def key_facts(summary: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Headline cards: agreement, back-channel fates, and the summary's metrics."""
    agreement = summary.get("agreement") or {}
    facts = [("agreement", f"round {agreement.get('round')}" if agreement.get("reached") else "none")]
    for ch in summary.get("channels") or []:
        if ch.get("kind") == "back_channel":
            label = ch.get("label") or "-".join(ch["between"])
            when = ch.get("closed") if ch.get("status") in ("collapsed", "closed") else ch.get("opened")
            facts.append((label, f"{ch.get('status', '?')}" + (f" (round {when})" if when is not None else "")))
    for k, v in (summary.get("metrics") or {}).items():
        facts.append((k, f"{v:.3g}" if isinstance(v, float) else str(v)))
    return facts


def events_frame(events: list[dict[str, Any]]) -> Columns:
    """The event log as a table: round, kind, actors, reason, then any extra keys as details."""
    rows = [
        {"round": e.get("round"), "kind": e.get("kind"), "actors": ", ".join(map(str, e.get("actors") or [])),
         "reason": e.get("reason"),
         "details": json.dumps({k: v for k, v in e.items() if k not in ("round", "kind", "actors", "reason")},
                               ensure_ascii=False) if set(e) - {"round", "kind", "actors", "reason"} else ""}
        for e in events
    ]
    return Columns.from_rows(rows, ["round", "kind", "actors", "reason", "details"])


def outcome_summary(runs: Columns, outs: list[str]) -> Columns:
    """Per outcome over all runs: rate for booleans, else median and quartiles (columns typed as a pandas frame of
    these rows was, so the table shows the same)."""
    from analysis.headline import rate

    rows = []
    for o in outs:
        if is_bool(runs[o]):
            v = known(runs[o])
            shown = rate(int(v.sum()) / len(v), len(v)) if len(v) else None
            rows.append({"outcome": outcome_unit(o), "median or rate": shown, "25 %": None, "75 %": None,
                         "runs": len(v)})
        else:
            s = summarize(runs[o])
            rows.append({"outcome": outcome_unit(o), "median or rate": s["median"], "25 %": s["q25"],
                         "75 %": s["q75"], "runs": int(s["n"])})
    return Columns({c: inferred([r[c] for r in rows]) for c in ("outcome", "median or rate", "25 %", "75 %", "runs")})
