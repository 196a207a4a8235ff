"""A short story of one run, from its event log: what opened, what collapsed and why, how it ended."""

from __future__ import annotations

from typing import Any

from sim import output_format as F

QUIET = {F.TRACK_OPENED}  # kinds too routine to narrate


def story(summary: dict[str, Any], events: list[dict[str, Any]]) -> list[str]:
    """Lines such as 'round 8: UK-Russia collapsed — Russia: UK did not listen in 3 consecutive rounds'."""
    lines = [f"{summary['scenario']} — seed {summary['seed']}, {summary['rounds']} rounds"]
    for ev in events:
        if ev["kind"] in QUIET:
            continue
        label = ev.get("channel") or "-".join(ev["actors"])
        if ev["kind"] == F.CHANNEL_COLLAPSED:
            lines.append(f"round {ev['round']}: {label} collapsed — {ev['reason']}")
        else:
            lines.append(f"round {ev['round']}: {ev['reason']}")
    agreement = summary["agreement"]
    if agreement["reached"]:
        lines.append(f"agreement reached in round {agreement['round']}")
    elif summary.get("tracks"):
        lines.append(f"no agreement within {summary['rounds']} rounds (stalemate)")
    for c in summary["channels"]:
        if c["kind"] == "back_channel" and c["status"] == "open":
            lines.append(f"{c['label']} still open at the end ({c['lifetime']} rounds)")
        elif c["kind"] == "back_channel" and c["status"] == "never_opened":
            lines.append(f"{c['label']} never opened")
    return lines
