"""Fixtures that WRITE small synthetic run / sweep / compare directories in exactly the engine's formats.

The writer functions are plain functions too, so the browser tests can load this file and reuse them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

HOSTILE = "<script>alert(1)</script>"
ACTORS = ("UK", "Russia", "EU", "US", "Ukraine")
ISSUES = {
    "territory": {"low": "Ukraine's 1991 borders", "high": "recognise annexed regions"},
    "security": {"low": "Ukraine in Western security structures", "high": "neutral Ukraine"},
    "sanctions": {"low": "keep and extend sanctions", "high": "lift sanctions"},
}


def _row(r: int, series: str, value: float, actor: str | None = None, other: str | None = None,
         issue: str | None = None, track: str | None = None, state: str | None = None) -> dict[str, Any]:
    return dict(round=r, series=series, actor=actor, other=other, issue=issue, track=track, value=value, state=state)


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["round", "series", "actor", "other", "issue", "track", "value", "state"])
    df["round"] = df["round"].astype("int64")
    df["value"] = df["value"].astype("float64")
    for c in ("series", "actor", "other", "issue", "track", "state"):
        df[c] = df[c].astype(object)
    return df


def _channel_states(rounds: int, opened: int, one_sided: tuple[int, int], collapsed: int) -> list[str]:
    states = []
    for r in range(rounds + 1):
        if r < opened:
            states.append("closed")
        elif r >= collapsed:
            states.append("collapsed")
        elif one_sided[0] <= r <= one_sided[1]:
            states.append("one_sided")
        else:
            states.append("open")
    return states


def write_run_dir(
    path: Path,
    actors: Sequence[str] = ACTORS,
    rounds: int = 20,
    issues: dict[str, dict[str, str]] | None = None,
    description: str | None = "What the article reports.",
    quote: str = "contact had occurred but ... did not continue",
    reason: str | None = None,
    seat_contacts: bool = True,
) -> Path:
    """A run directory: actors[0] opens a back channel to actors[1] at round 3, it collapses at round 9.

    With ``seat_contacts=False`` it is shaped like the engine's writer today: contact rows for back channels only,
    the track as one summary channel between all its participants, and a ``channel`` key on channel events.
    """
    issues = dict(ISSUES if issues is None else issues)
    actors = list(actors)
    rng = np.random.default_rng(7)
    path.mkdir(parents=True, exist_ok=True)
    a, b = actors[0], actors[1]
    reason = reason or f"{b}: {a} did not listen in 3 consecutive rounds"
    small = len(actors) <= 10
    track = {"name": "US-led talks", "mediator": actors[3], "participants": [actors[3], actors[1], actors[4]]} \
        if small else None
    rows: list[dict[str, Any]] = []
    pos = {(x, i): rng.uniform(0.05, 0.95) for x in actors for i in issues}
    for r in range(rounds + 1):
        for x in actors:
            for i in issues:
                if r:
                    pos[x, i] = float(np.clip(pos[x, i] + rng.normal(0, 0.02), 0, 1))
                rows.append(_row(r, "position", pos[x, i], actor=x, issue=i))
            pressured = small and x in (a, actors[2])
            rows.append(_row(r, "pressure", (0.1 if x == a else 0.07) + 0.01 * r if pressured else 0.0, actor=x))
        if track:
            for i in issues:
                mean = float(np.mean([pos[p, i] for p in track["participants"]]))
                rows.append(_row(r, "proposal", mean, issue=i, track=track["name"]))
        if small:
            for x in actors:
                for y in actors:
                    if x != y:
                        rows.append(_row(r, "trust", float(rng.uniform(0.1, 0.9)), actor=x, other=y))
    channels: list[dict[str, Any]] = []
    back = _channel_states(rounds, opened=3, one_sided=(6, 8), collapsed=9)
    for r, st in enumerate(back):
        rows.append(_row(r, "contact", {"closed": 0.0, "open": 0.8, "one_sided": 0.2, "collapsed": 0.1}[st],
                         actor=a, other=b, state=st))
        if st in ("open", "one_sided"):
            rows.append(_row(r, "listen", 1.0, actor=b, other=a))
            rows.append(_row(r, "listen", float(st == "open"), actor=a, other=b))
    channels.append(dict(between=[a, b], kind="back_channel", label=f"{a}-{b}", opened=3, closed=9,
                         status="collapsed", reason=reason))
    if small and not seat_contacts:
        channels.append(dict(between=[a, actors[2]], kind="alliance", label=f"{a}-{actors[2]}", opened=0,
                             closed=None, status="open", reason=None))
        channels.append(dict(between=track["participants"], kind="track", label=track["name"], opened=0,
                             closed=None, status="open", reason=None))
    elif small:
        for r in range(rounds + 1):
            rows.append(_row(r, "contact", 1.0, actor=a, other=actors[2], state="open"))
        channels.append(dict(between=[a, actors[2]], kind="alliance", label=f"{a}-{actors[2]}", opened=0,
                             closed=None, status="open", reason=None))
        parts = track["participants"]
        for k, (x, y) in enumerate([(parts[0], parts[1]), (parts[0], parts[2]), (parts[1], parts[2])]):
            for r in range(rounds + 1):
                rows.append(_row(r, "contact", 0.9 - 0.1 * k, actor=x, other=y, track=track["name"],
                                 state="open" if r < 15 or k != 2 else "one_sided"))
            channels.append(dict(between=[x, y], kind="track", label=track["name"], opened=0, closed=None,
                                 status="open", reason=None))
    frame = _frame(rows)
    frame.to_parquet(path / "rounds.parquet", index=False)
    events = [
        {"round": 3, "kind": "channel_opened", "actors": [a, b], "reason": f"{a} opened a back channel to {b}"},
        {"round": 5, "kind": "exposure", "actors": [a, b], "reason": "the contact became public"},
        {"round": 9, "kind": "channel_collapsed", "actors": [a, b], "reason": reason, "patience": 3},
    ]
    if track:
        events.insert(0, {"round": 0, "kind": "track_opened", "actors": track["participants"],
                          "reason": f"{track['name']} opened, mediated by {track['mediator']}"})
    if not seat_contacts:
        for e in events:
            e["actors"] = [track["mediator"]] if e["kind"] == "track_opened" else e["actors"]
            if e["kind"] == "track_opened":
                e["track"] = track["name"]  # as the engine writes it (docs/outputs.md)
            if e["kind"].startswith("channel_"):
                e["channel"] = f"{a}-{b}"
    with open(path / "events.jsonl", "w", encoding="utf-8") as f:
        for e in events:
            f.write(json.dumps(e) + "\n")
    last = frame[frame["round"] == rounds]
    summary = {
        "scenario": f"UK-Russia back channel (synthetic test data, {len(actors)} actors)",
        "description": description, "seed": 7, "rounds": rounds, "round_length": "week", "actors": actors,
        "issues": issues,
        "tracks": [track] if track else [], "channels": channels,
        "agreement": {"reached": False, "round": None},
        "metrics": {"polarization": 0.31, f"{a}-{b}:lifetime": 6},
        "final": {
            "positions": {x: {i: pos[x, i] for i in issues} for x in actors},
            "trust": {x: {y: float(v) for y, v in zip(d["other"], d["value"], strict=True)}
                      for x, d in last[last["series"] == "trust"].groupby("actor")},
        },
        "provenance": [{"what": f"actor {a}", "quote": "showed a strong desire to present the European position"},
                       {"what": f"channel {a}-{b}", "quote": quote}],
        "story": [f"Round 3: {a} opened a back channel to {b}.", f"Round 9: it collapsed ({reason}).",
                  "No agreement within 20 weeks."],
    }
    (path / "summary.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    return path


def _outcomes(rng: np.random.Generator, openness: float, patience: float, rounds: int = 52) -> dict[str, Any]:
    lifetime = int(np.clip(round(4 + 40 * openness * patience / 5 + rng.normal(0, 3)), 0, rounds))
    agree = bool(rng.uniform() < 0.2 + 0.5 * openness)
    return {
        "agreement": agree, "agreement_round": float(rng.integers(10, rounds)) if agree else float("nan"),
        "UK-Russia:lifetime": lifetime, "UK-Russia:collapsed": lifetime < rounds - 3,
        "UK-Russia:opened": 3.0, "EU-Russia:lifetime": int(rng.integers(0, 20)),
        "UK-Russia:did_not_listen": str(rng.choice(["UK", "both", "Russia"], p=[0.5, 0.4, 0.1]))
        if lifetime < rounds - 3 else None,
        "EU-Russia:collapsed": bool(rng.uniform() < 0.7), "EU-Russia:opened": float("nan"),
        "EU-Russia:did_not_listen": None,
        "polarization": float(rng.uniform(0.1, 0.5)), "pressure:UK": float(rng.uniform(0, 0.4)),
        "pressure:EU": float(rng.uniform(0, 0.4)), "trust:Russia->UK": float(np.clip(0.1 + 0.6 * openness, 0, 1)),
        "trust:UK->Russia": float(rng.uniform(0, 1)),
    }


def _manifest(kind: str, **extra: Any) -> dict[str, Any]:
    return {"kind": kind, "started": "2025-01-01T10:00:00", "finished": "2025-01-01T10:05:00",
            "versions": {"dipsim": "0.1.0"}, **extra}


def write_sweep_dir(path: Path, design: str = "grid", seeds: int = 4) -> Path:
    """A sweep directory; grid: 2 numeric parameters; lhs: 2 numeric + 1 categorical parameter."""
    path.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(3)
    op, pa, sp = "actors.UK.strategy.openness", "channels.UK-Russia.patience", "actors.UK.strategy.speaking"
    if design == "grid":
        vary: dict[str, list[Any]] = {op: [0.0, 0.5, 1.0], pa: [1, 3, 5]}
        points = [{op: o, pa: p} for o in vary[op] for p in vary[pa]]
        samples = None
    else:
        vary = {op: [0.0, 1.0], pa: [1, 6], sp: ["respectful", "assertive", "ultimatum"]}
        samples = 30
        points = [{op: float(rng.uniform()), pa: float(rng.uniform(1, 6)), sp: str(rng.choice(vary[sp]))}
                  for _ in range(samples)]
    rows = []
    for point in points:
        for seed in range(seeds):
            rows.append({"run_id": len(rows), "seed": seed, **point, **_outcomes(rng, point[op], point[pa])})
    runs = pd.DataFrame(rows)
    runs.to_parquet(path / "runs.parquet", index=False)
    manifest = _manifest("sweep", scenario={"name": "UK-Russia back channel (baseline)", "path": "baseline.yaml"},
                         design={"kind": design, "vary": vary, "samples": samples}, seeds=seeds,
                         counts={"total": len(rows) + 1, "done": len(rows), "failed": 1})
    (path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    failure = {"run_id": len(rows), "seed": 0, "params": points[0], "error": "ValueError: <b>boom</b>"}
    (path / "failures.jsonl").write_text(json.dumps(failure) + "\n", encoding="utf-8")
    return path


def write_compare_dir(path: Path, names: Sequence[str] = ("baseline", "UK listens"), seeds: int = 30) -> Path:
    """A compare directory: the same seeds through each scenario; later scenarios listen more."""
    path.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(5)
    rows = []
    for k, name in enumerate(names):
        for seed in range(seeds):
            rows.append({"run_id": len(rows), "seed": seed, "scenario": name,
                         **_outcomes(rng, 0.1 + 0.8 * k / max(len(names) - 1, 1), 4)})
    pd.DataFrame(rows).to_parquet(path / "runs.parquet", index=False)
    manifest = _manifest("compare", scenarios=[{"name": n, "path": f"{n}.yaml"} for n in names], seeds=seeds)
    (path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return path


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    return write_run_dir(tmp_path / "run")


@pytest.fixture
def hostile_run_dir(tmp_path: Path) -> Path:
    return write_run_dir(
        tmp_path / "hostile", actors=(HOSTILE, "Russia", "EU", "US", "Ukraine"),
        description="<b>bold</b> & </script><script>alert(2)</script>",
        quote="</script><script>alert(3)</script>", reason="<img src=x onerror=alert(4)> did not listen",
    )


@pytest.fixture
def engine_like_run_dir(tmp_path: Path) -> Path:
    return write_run_dir(tmp_path / "engine_like", seat_contacts=False)


@pytest.fixture
def population_run_dir(tmp_path: Path) -> Path:
    return write_run_dir(tmp_path / "population", actors=[f"a{i}" for i in range(80)], rounds=10,
                         issues={"opinion": {"low": "left", "high": "right"}})


@pytest.fixture
def sweep_dir(tmp_path: Path) -> Path:
    return write_sweep_dir(tmp_path / "sweep")


@pytest.fixture
def lhs_sweep_dir(tmp_path: Path) -> Path:
    return write_sweep_dir(tmp_path / "lhs", design="lhs")


@pytest.fixture
def compare_dir(tmp_path: Path) -> Path:
    return write_compare_dir(tmp_path / "compare")
