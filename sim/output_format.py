"""The output format, described once (as ``sim.schema`` describes the input): the event log's kinds and fields,
the rounds table's columns and series, summary.json's keys, and the named outcomes of a sweep's runs table.

Writers (the engine's log, ``analysis.outputs``, ``sim.result``) and readers (story, headline, dashboards) import
these names; ``docs/outputs.md`` is generated from this module (``python -m sim.output_format``).
"""

from __future__ import annotations

# ---- events.jsonl: one JSON object per event -----------------------------------------------------------
CHANNEL_OPENED, CHANNEL_REOPENED = "channel_opened", "channel_reopened"
CHANNEL_COLLAPSED, CHANNEL_CLOSED = "channel_collapsed", "channel_closed"
TRACK_OPENED, AGREEMENT = "track_opened", "agreement"
EXPOSURE, SET_STRATEGY, SHIFT = "exposure", "set_strategy", "shift"  # scheduled events log their schema `type`
JOIN_TRACK, LEAVE_TRACK, OPEN_CHANNEL, CLOSE_CHANNEL = "join_track", "leave_track", "open_channel", "close_channel"

EVENT_KINDS: dict[str, str] = {
    CHANNEL_OPENED: "a back channel opened (scheduled, or by sidelining pressure)",
    CHANNEL_REOPENED: "a collapsed back channel reopened after its cooldown, mutual trust permitting",
    CHANNEL_COLLAPSED: "a back channel collapsed: a side found the other one-sided for `patience` rounds in a row",
    CHANNEL_CLOSED: "a back channel closed (never logged on its own: a `close_channel` event says it)",
    TRACK_OPENED: "a multilateral track is in session from this round",
    AGREEMENT: "every participant of a track is within tolerance of the mediator's proposal on every issue",
    EXPOSURE: "scheduled: a back channel became public",
    SET_STRATEGY: "scheduled: an actor changes strategy",
    SHIFT: "scheduled: an actor shifts its position on an issue",
    JOIN_TRACK: "scheduled: an actor takes a seat in a track",
    LEAVE_TRACK: "scheduled: an actor leaves a track",
    OPEN_CHANNEL: "scheduled: a back channel is opened by decision",
    CLOSE_CHANNEL: "scheduled: a back channel is closed by decision",
}
OPENING_KINDS = (CHANNEL_OPENED, CHANNEL_REOPENED, TRACK_OPENED, JOIN_TRACK)  # a contact starts
ENDING_KINDS = {"collapsed": (CHANNEL_COLLAPSED,), "closed": (CHANNEL_CLOSED, LEAVE_TRACK)}  # a contact ends

EVENT_FIELDS: dict[str, str] = {
    "round": "the round it happened in (0-based)",
    "kind": "one of the kinds below",
    "actors": "the actors it concerns (a channel's two ends, initiator first for openings; a track's members "
              "for an agreement; the mediator for a track opening)",
    "reason": "what happened and why, in words (for people: readers use the structured fields)",
    "channel": "the back channel's label `A-B`, for events about a back channel (else absent)",
    "track": "the track's name, for events about a track (else absent)",
}

# ---- rounds.parquet (or .csv): one row per round and value ---------------------------------------------
ROUNDS_COLUMNS: dict[str, str] = {
    "round": "rounds played (0: the initial state)",
    "series": "which quantity (below)",
    "actor": "the actor (for pairwise series: the listener or truster; for contacts: the first of the pair)",
    "other": "the other actor of a pairwise series",
    "issue": "the issue of a position or proposal",
    "track": "the track of a proposal",
    "value": "the number",
    "state": "a contact's state (contacts only)",
}
SERIES: dict[str, str] = {
    "position": "an actor's position on an issue (0 = the issue's low end, 1 = its high end)",
    "pressure": "an actor's sidelining pressure",
    "proposal": "a track mediator's proposal on an issue",
    "trust": "how much `actor` trusts `other` (scenarios of at most 60 actors)",
    "listen": "1 if `actor` listened to `other` in that round, 0 if not (pairs in contact only)",
    "contact": "a back channel's state; `value` is the lower of the two sides' perceived reciprocity",
}
CONTACT_STATES = ("closed", "open", "one_sided", "collapsed")  # the `state` of a contact row

# ---- summary.json --------------------------------------------------------------------------------------
SUMMARY_KEYS: dict[str, str] = {
    "scenario": "the scenario's name", "description": "its description", "seed": "the run's seed",
    "rounds": "rounds played", "round_length": "what one round stands for",
    "actors": "actor names", "issues": "each issue's low and high end",
    "tracks": "each track's name, mediator and participants",
    "channels": "back channels (status, opened, closed, reason, lifetime, collapses), tracks and alliances",
    "agreement": "`reached` and `round`", "metrics": "the run's numeric outcomes (as in a sweep's table)",
    "final": "final positions and trust", "provenance": "the article quotes the scenario cites",
    "forecast": "Bueno de Mesquita's expected-utility forecast of each issue from the starting data",
    "story": "the run told in lines",
}

# ---- runs.parquet of a sweep or compare: one row per run -----------------------------------------------
RUN_ID, SEED, SCENARIO = "run_id", "seed", "scenario"
AGREEMENT_ROUND, POLARIZATION = "agreement_round", "polarization"
LIFETIME, COLLAPSED, OPENED, COLLAPSES, DID_NOT_LISTEN = ":lifetime", ":collapsed", ":opened", ":collapses", \
    ":did_not_listen"
ISSUE_AGREEMENT, PRESSURE, TRUST, BLOC_DISTANCE = "agreement:", "pressure:", "trust:", "bloc_distance:"
CHANNEL_OUTCOMES = (LIFETIME, COLLAPSED, OPENED, COLLAPSES, DID_NOT_LISTEN)

OUTCOMES: dict[str, str] = {
    RUN_ID: "the run's number in the sweep", SEED: "the run's seed (child `run_id` of the root seed)",
    SCENARIO: "a compare's scenario label", "PATH": "one column per varied scenario value",
    AGREEMENT: "a track reached agreement", AGREEMENT_ROUND: "the round it did (empty: never)",
    POLARIZATION: "mean distance between actors' positions at the end (0-1)",
    f"{ISSUE_AGREEMENT}ISSUE": "agreement was reached on the issue",
    f"A-B{LIFETIME}": "rounds the back channel was open", f"A-B{COLLAPSED}": "it collapsed at least once",
    f"A-B{OPENED}": "the round it first opened (empty: never)", f"A-B{COLLAPSES}": "how many times it collapsed",
    f"A-B{DID_NOT_LISTEN}": "who did not listen when it last collapsed: `A`, `B`, `both`, or empty",
    f"{PRESSURE}A": "an actor's final sidelining pressure", f"{TRUST}A->B": "A's final trust in B",
    f"{BLOC_DISTANCE}A-B-C": "the largest distance between an alliance's members at the end",
}


def channel_outcome(label: str, suffix: str) -> str:
    """An outcome column of a back channel, e.g. ``UK-Russia:collapsed``."""
    return f"{label}{suffix}"


def channel_of(column: str, suffix: str) -> str | None:
    """The channel label of a ``A-B<suffix>`` column, else None."""
    return column.removesuffix(suffix) if column.endswith(suffix) else None


def trust_outcome(a: str, b: str) -> str:
    """The column of a's final trust in b."""
    return f"{TRUST}{a}->{b}"


def markdown() -> str:
    """docs/outputs.md: every output file's fields, from the definitions above."""
    def table(head: str, rows: dict[str, str]) -> list[str]:
        return [f"| {head} | meaning |", "|---|---|", *(f"| `{k}` | {v} |" for k, v in rows.items()), ""]

    return "\n".join([
        "# Output format", "",
        "Generated from `sim/output_format.py` by `python -m sim.output_format > docs/outputs.md`; a test keeps "
        "it in step.", "",
        "## Run directory", "", "### `events.jsonl` (one JSON object per line)", "", *table("field", EVENT_FIELDS),
        "Kinds:", "", *table("kind", EVENT_KINDS),
        "### `rounds.parquet` / `rounds.csv` (tidy: one row per round and value)", "", *table("column", ROUNDS_COLUMNS),
        "Series:", "", *table("series", SERIES),
        "Contact states: " + ", ".join(f"`{s}`" for s in CONTACT_STATES) + ".", "",
        "### `summary.json`", "", *table("key", SUMMARY_KEYS),
        "## Sweep and compare directories: `runs.parquet` (one row per run)", "",
        "`A`, `B` stand for actor names, `A-B` for a back channel's label, `ISSUE` for an issue. Run-level outcomes "
        "are also `metrics` in a run's summary.json.", "", *table("column", OUTCOMES),
    ]).rstrip() + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
