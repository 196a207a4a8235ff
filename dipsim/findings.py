"""docs/findings.md: what each lever of "the UK listens" does, and what the channel's lifetime depends on.

``python -m dipsim.findings`` regenerates the file (``--quick`` for tiny designs, ``--out PATH``). The lever table
is simulated here; the screenings run the shipped sweep file through ``dipsim sweep`` and ``dipsim sensitivity``,
and the page prints those commands with their figures.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

import scenarios
from sim.engine import simulate
from sim.loader import load_scenario

CHANNEL = "UK-Russia"
LEVERS = (
    ("article baseline", "article_baseline.yaml"),
    ("openness only (0.15 -> 0.85)", "uk_listens_openness_only.yaml"),
    ("+ generous tit-for-tat", "uk_listens_reciprocity.yaml"),
    ("+ respectful speech (the UK listens)", "uk_listens.yaml"),
)
STYLES = ("respectful", "assertive", "ultimatum")
SPANS = (0.15, 0.3)  # substantive inputs are screened over their baseline value ± this (clipped to [0, 1]); the first
# is the main screening, the second shows how the share depends on how unsure one is of the scenario's inputs


def lever_table(seeds: Sequence[int]) -> list[dict[str, Any]]:
    """Per lever: median and mean lifetime, collapse rate, median final Russia->UK trust over ``seeds``."""
    rows = []
    for label, name in LEVERS:
        out = simulate(load_scenario(scenarios.builtin(name)), seeds, log=False).outcome_arrays()
        life = out[f"{CHANNEL}:lifetime"]
        rows.append({"lever": label, "scenario": name, "median_lifetime": float(np.median(life)),
                     "mean_lifetime": float(life.mean()), "collapse_rate": float(out[f"{CHANNEL}:collapsed"].mean()),
                     "trust_russia_uk": float(np.median(out["trust:Russia->UK"]))})
    return rows


# ---- the screening: a grouped Sobol sweep of the article baseline, through `dipsim sweep` and `dipsim sensitivity`

SCREENING = "scenarios/sweeps/article_screening.yaml"
GROUPS = (
    ("substantive", "actors.*,relations.*"),
    ("bookkeeping", "channels.*,dynamics.reciprocity_memory,dynamics.initial_reciprocity,"
                    "dynamics.exposure_patience_cut"),
    ("decision weights", "dynamics.distance_aversion,dynamics.distrust_cost,dynamics.sidelining_worth,"
                         "dynamics.wedge_worth,dynamics.exposure_cost,dynamics.perception_noise,"
                         "dynamics.trust_sensitivity,dynamics.speech.*.cost"),
    ("other dynamics", "dynamics.*"),
)
INPUTS = "scenarios/sweeps/article_inputs.yaml"  # the actors' inputs only, the coefficients at their defaults
INPUT_GROUPS = (
    ("speech", "actors.*.strategy.speaking*"),
    ("positions", "actors.*.position.*"),
    ("salience", "actors.*.salience.*"),
    ("capability", "actors.*.capability"),
    ("trust", "relations.*"),
    ("openness", "actors.*.strategy.openness"),
    ("latitude", "actors.*.strategy.latitude"),
    ("sidelining threshold", "actors.*.sidelining_threshold"),
)
SPANS = (0.15, 0.3, 1.0)  # the substantive inputs within ± this of the scenario's reading (1: anywhere in [0, 1])
TARGET = 0.4  # issue 9: the substantive inputs' share of the total-order variance of the lifetime


def _dipsim(argv: list[str]) -> None:
    """Run a dipsim command in this process, its output kept off the page; RuntimeError if it fails."""
    import contextlib
    import io

    from dipsim.cli import main

    sink = io.StringIO()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        code = main(argv)
    if code != 0:
        raise RuntimeError(f"dipsim {' '.join(argv)} exited {code}:\n{sink.getvalue()}")


def screening_commands(span: float, out: str, design: str = "sobol", samples: int | None = None,
                       seeds: int | None = None, grouped: bool = True, file: str = SCREENING,
                       groups: Sequence[tuple[str, str]] = GROUPS, seed: int | None = None) -> list[list[str]]:
    """The `dipsim sweep` and `dipsim sensitivity` argument lists of one screening."""
    sweep = ["sweep", file]
    if span != 0.15:  # the sweep file's own spread
        sweep += ["--vary", f"actors.*=+-{span:g}", "--vary", f"relations.*=+-{span:g}"]
    if grouped:
        sweep += [arg for name, patterns in groups for arg in ("--group", f"{name}={patterns}")]
    if design != "sobol":
        sweep += ["--design", design]
    sweep += [*(["--samples", str(samples)] if samples else []), *(["--seeds", str(seeds)] if seeds else [])]
    sweep += ["--seed", str(seed)] if seed is not None else []
    sweep += ["--out", out, "--no-progress", "--no-dashboard"]
    return [sweep, ["sensitivity", out, "--outcome", f"{CHANNEL}:lifetime", "--no-dashboard"]]


def shown(argv: list[str]) -> str:
    """A command as a reader would type it (quoted where the shell needs it), without the quiet flags."""
    import shlex

    keep = [a for a in argv if a not in ("--no-progress", "--no-dashboard")]
    return "dipsim " + " ".join(shlex.quote(a) for a in keep)


def screening(span: float, out: str, design: str = "sobol", samples: int | None = None,
              seeds: int | None = None, grouped: bool = True, file: str = SCREENING,
              groups: Sequence[tuple[str, str]] = GROUPS, seed: int | None = None) -> dict[str, Any]:
    """Run one screening into ``out`` (replaced); its indices per factor (group, or path when not ``grouped``)."""
    import json
    import shutil

    import pandas as pd

    shutil.rmtree(out, ignore_errors=True)  # this page's own work folder: a new sweep each time
    commands = screening_commands(span, out, design, samples, seeds, grouped, file, groups, seed)
    for argv in commands:
        _dipsim(argv)
    table = pd.read_parquet(Path(out) / "sensitivity.parquet")
    manifest = json.loads((Path(out) / "manifest.json").read_text(encoding="utf-8"))
    lead = "ST" if design == "sobol" else "mu_star"
    rows = {}
    for (factor, index), row in table.set_index(["parameter", "index"]).iterrows():
        rows.setdefault(factor, {})[index] = (float(row["value"]), float(row["lo"]), float(row["hi"]))
    order = sorted(rows, key=lambda f: -rows[f][lead][0])
    return {"span": span, "design": design, "indices": rows, "order": order, "lead": lead,
            "points": int(manifest["design"]["points"]), "runs": int(manifest["counts"]["total"]),
            "paths": len(manifest["design"]["vary"]), "commands": [shown(c) for c in commands]}


def group_of_path(path: str) -> str:
    """The screening group a varied path belongs to: the first whose pattern matches (as `--group` assigns it)."""
    from analysis.sweep.designs import first_group, parse_group

    return first_group(path, [parse_group(f"{n}={p}") for n, p in GROUPS]) or path


def _cell(index: tuple[float, float, float]) -> str:
    value, lo, hi = index
    return f"{value:.2f} [{lo:.2f}, {hi:.2f}]"


def verdict(share: tuple[float, float, float]) -> str:
    """Whether the substantive inputs' S_T reaches the target, with what its interval allows."""
    value, lo, hi = share
    if lo >= TARGET:
        return "**met** (the whole 95 % interval is above 0.40)"
    if value >= TARGET:
        return "met by the estimate, but its 95 % interval reaches below 0.40"
    if hi >= TARGET:
        return "**not met** by the estimate; its 95 % interval reaches 0.40, so more samples could decide it"
    return "**not met** (the whole 95 % interval is below 0.40)"


def markdown(levers: list[dict[str, Any]], screens: list[dict[str, Any]], paths: dict[str, Any] | None,
             command: str, seeds: int, inputs: dict[str, Any] | None = None,
             again: dict[str, Any] | None = None) -> str:
    """The findings page: the lever table, the grouped Sobol screening at each span (the first is the main one) and
    the most influential paths (an ungrouped Morris screening)."""
    main, names = screens[0], [name for name, _ in GROUPS]
    sub = main["indices"]["substantive"]
    lines = [
        "# Findings",
        "",
        f"Generated by `{command}`; every figure below is measured by it (lever table over {seeds} seeds; the "
        "screenings through the `dipsim` commands printed with them).",
        "",
        "## What each lever of \"the UK listens\" does",
        "",
        "The counterfactual pulls three levers at once; the decomposed scenarios pull them one at a time.",
        "",
        "| lever | scenario | median lifetime | mean lifetime | collapse rate | median final Russia→UK trust |",
        "|---|---|---|---|---|---|",
    ]
    for r in levers:
        lines.append(f"| {r['lever']} | `scenarios/{r['scenario']}` | {r['median_lifetime']:.1f} | "
                     f"{r['mean_lifetime']:.2f} | {100 * r['collapse_rate']:.1f} % | {r['trust_russia_uk']:.3f} |")
    lines += [
        "",
        "## What the UK–Russia lifetime depends on (grouped Sobol screening of the article baseline)",
        "",
        f"`{SCREENING}` varies {main['paths']} paths: every `dynamics:` coefficient over its documented plausible "
        "range (each speech style's `cost` over that style's own range), the channel's `patience` and `threshold` "
        "over theirs, every number the baseline writes for its actors and relations (positions, salience, "
        "capability, openness, latitude, sidelining threshold, trust) within ± the span of the scenario's reading "
        "(clipped to [0, 1]), and every actor's speech style, the UK's toward Moscow included. The channel opens at "
        "round 0 everywhere, so this measures how long it lives, not whether sidelining opens it. The paths are "
        "varied in four groups (`--group`, the first matching pattern wins), and Sobol's total-order index S_T of "
        "each group is the share of the variance of the mean lifetime (over the seeds of a point) that involves "
        "that group, interactions included. At the main span (± 0.15):",
        "",
        "```",
        *main["commands"],
        "```",
        "",
        f"**The substantive inputs carry S_T = {_cell(sub['ST'])}** of the lifetime's variance "
        f"(first order S1 = {_cell(sub['S1'])}). The target of 0.40 is {verdict(sub['ST'])}.",
        "",
        "| span of the substantive inputs | " + " | ".join(f"{n} S_T" for n in names) + " | runs |",
        "|---|" + "---|" * (len(names) + 1),
    ]
    for x in screens:
        span = "anywhere in [0, 1]" if x["span"] >= 1 else f"± {x['span']:g}"
        lines.append(f"| {span} | " + " | ".join(_cell(x["indices"][n]["ST"]) for n in names)
                     + f" | {x['points']} points, {x['runs']} runs |")
    lines += [
        "",
        "S_T of the groups add up to more than 1: a group's S_T counts every interaction it takes part in, and the "
        "decision weights act only through the state they weigh (a weight on distrust matters only as far as "
        "there is distrust). 95 % bootstrap intervals in brackets. Groups: "
        + "; ".join(f"{n}: `{p}`" for n, p in GROUPS) + ".",
    ]
    if paths is not None:
        lines += [
            "",
            "### Which paths (ungrouped Morris screening, span ± 0.15)",
            "",
            "```",
            *paths["commands"],
            "```",
            "",
            "| path | group | μ\\* (rounds) [95 % interval] | σ |",
            "|---|---|---|---|",
        ]
        for path in paths["order"][:12]:
            mu, sigma = paths["indices"][path]["mu_star"], paths["indices"][path]["sigma"][0]
            lines.append(f"| `{path}` | {group_of_path(path)} | {_cell(mu)} | {sigma:.2f} |")
    if inputs is not None:
        lines += ["", *inputs_section(inputs)]
    lines += ["", *(span_note(screens, again) if n == "{spans}" else n for n in NOTES)]
    return "\n".join(lines) + "\n"


def inputs_section(inputs: dict[str, Any]) -> list[str]:
    """Which of the actors' inputs matter, the coefficients at their defaults (a grouped Sobol screening)."""
    lines = [
        "## Which of the actors' inputs matter (the coefficients at their defaults)",
        "",
        f"`{INPUTS}` varies only what the scenario says about its actors ({inputs['paths']} paths, ± 0.15 of the "
        "reading, every speech style), the model's coefficients held at their defaults, the channel open from round "
        "0; the paths in groups by kind of input:",
        "",
        "```",
        *inputs["commands"],
        "```",
        "",
        "| input | S_T [95 % interval] | S1 [95 % interval] |",
        "|---|---|---|",
    ]
    lines += [f"| {g} | {_cell(inputs['indices'][g]['ST'])} | {_cell(inputs['indices'][g]['S1'])} |"
              for g in inputs["order"]]
    lead, second = inputs["order"][:2]
    text = (f"With the coefficients at their defaults, **{lead}** leads (S_T {inputs['indices'][lead]['ST'][0]:.2f}; "
            f"next {second}, {inputs['indices'][second]['ST'][0]:.2f})")
    if lead == "speech":
        text += (": the article's story — who speaks how to whom — moves the channel more than how far apart the "
                 "positions are or how much the sides trust each other, within ± 0.15 of the reading")
    return [*lines, "", text + "."]


def span_note(screens: list[dict[str, Any]], again: dict[str, Any] | None = None) -> str:
    """The note on how the substantive share depends on the span, from the measured screenings."""
    def st(x: dict[str, Any], group: str) -> str:
        return f"{x['indices'][group]['ST'][0]:.2f}"

    near = [x for x in screens if x["span"] < 1]
    wide = [x for x in screens if x["span"] >= 1]
    said = ", ".join(f"{st(x, 'substantive')} within ± {x['span']:g}" for x in near)
    text = (f"- **How much the state decides depends on how sure one is of it.** The substantive inputs' S_T is {said} "
            "of the article's reading")
    if wide:
        text += f", and {st(wide[0], 'substantive')} when they may take any value in [0, 1]"
    reached = [x for x in screens if x["indices"]["substantive"]["ST"][0] >= TARGET]
    if not reached:
        verdict_text = "At none of these spans does the estimate reach the 40 % target."
    elif all(x["span"] >= 1 for x in reached):
        verdict_text = ("Only when the article's reading is treated as almost uninformative does the estimate reach "
                        "the 40 % target.")
    else:
        verdict_text = ("The estimate reaches the 40 % target within ± "
                        + ", ± ".join(f"{x['span']:g}" for x in reached) + ".")
    return text + (
        f"; the decision model's weights (S_T {', '.join(st(x, 'decision weights') for x in screens)}), whose "
        "plausible ranges run from 0 to two or three times their defaults, carry "
        + ("more" if all(x["indices"]["decision weights"]["ST"][0] > x["indices"]["substantive"]["ST"][0]
                         for x in screens) else "as much or less at some span")
        + f". {verdict_text}"
        + (f" A second Sobol sample of the main span (`--seed {again['seed']}`: new points and replicate seeds) gives "
           f"{_cell(again['indices']['substantive']['ST'])}: the bootstrap interval is not the whole uncertainty."
           if again else "")
        + " The weights' ranges are not narrowed here to reach a number: narrower ranges need evidence (a "
        "calibration against cases), which this model does not have yet.")


NOTES = [
    "## Notes",
    "",
    "- **F3 holds.** The UK speaks ultimatums to Moscow only (`strategy.speaking_to: {Russia: ultimatum}`; with its "
    "allies, assertive): EU→UK trust stays ≥ 0.8 in every run. Were the UK to speak in ultimatums to everyone, the "
    "EU would pay the ultimatum's trust penalty too and its trust would settle near 0.70 "
    "(`tests/sim/test_stylized_facts.py::"
    "test_f3_the_eu_keeps_its_trust_because_the_uk_keeps_its_ultimatums_for_moscow`).",
    "{spans}",
    "- **Bookkeeping still matters.** The channel's `patience` (how much grievance a side bears) and `threshold` (the "
    "value of walking away) and the memory of reciprocity are what a one-sided channel's grievance is measured "
    "against; they are inputs of the scenario (per channel), but no reading of the article fixes them.",
    "- **Distance matters only beyond latitude.** Positions within a side's latitude cost nothing to hear; the "
    "baseline lifetime falls as Russia moves away from the UK only once the gap exceeds Russia's latitude (0.5).",
    "- **Grievance, not a count.** A round in which a side's value of continuing falls short of walking away adds "
    "the shortfall as a share of `threshold`; the channel collapses when the sum reaches `patience`. A channel that "
    "is hopeless from its first rounds collapses in fewer than `patience` rounds, one barely below the line lasts "
    "many times longer — so how far below the line the state puts a side is what sets the lifetime.",
    "- **Speech style matters at every openness.** An ultimatum lowers Russia's chance of listening and its value of "
    "continuing (`tests/sim/test_decisions.py::"
    "test_ultimatum_shortens_the_channel_against_respectful_at_every_openness`).",
]


def main(argv: Sequence[str] | None = None) -> int:
    """Regenerate docs/findings.md."""
    ap = argparse.ArgumentParser(prog="python -m dipsim.findings", description=__doc__)
    ap.add_argument("--out", default="docs/findings.md")
    ap.add_argument("--work", default="out/findings", help="where the screening sweeps are written")
    ap.add_argument("--quick", action="store_true", help="tiny designs (a smoke test of the page, not its figures)")
    args = ap.parse_args(argv)
    seeds = list(range(400 if not args.quick else 50))
    small = {"samples": 8, "seeds": 2} if args.quick else {}
    levers = lever_table(seeds)
    screens = [screening(span, f"{args.work}/screening-{span:g}", **small) for span in SPANS]
    paths = screening(0.15, f"{args.work}/paths", "morris", samples=2 if args.quick else 12,
                      seeds=2 if args.quick else None, grouped=False)
    inputs = screening(0.15, f"{args.work}/inputs", file=INPUTS, groups=INPUT_GROUPS, **small)
    again = screening(0.15, f"{args.work}/screening-0.15-seed2", seed=2, **small) | {"seed": 2}
    command = "python -m dipsim.findings" + (" --quick" if args.quick else "")
    Path(args.out).write_text(markdown(levers, screens, paths, command, len(seeds), inputs, again), encoding="utf-8")
    shares = ", ".join(f"± {x['span']:g}: {_cell(x['indices']['substantive']['ST'])}" for x in screens)
    print(f"wrote {args.out}: substantive S_T {shares}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
