"""docs/findings.md: what each lever of "the UK listens" does, and a Morris screening of the article baseline.

``python -m analysis.findings`` regenerates the file (``--quick`` for a smaller screening, ``--out PATH``).
Every figure in it is measured here; the command is printed with it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

import scenarios
from sim.engine import simulate
from sim.loader import load_scenario
from sim.ranges import field_range
from sim.schema import Channel, Dynamics, Scenario, SpeechCoefficients
from sim.strategies import SPEECH

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


# ---- the screening's factors: (name, group, low, high, setter(data, value)) ---------------------------------

def _set(path: Sequence[str | int], cast: Callable[[float], Any] = float) -> Callable[[dict, float], None]:
    def setter(data: dict, value: float) -> None:
        node = data
        for key in path[:-1]:
            node = node.setdefault(key, {}) if isinstance(key, str) else node[key]
        node[path[-1]] = cast(value)
    return setter


def _range(field: Any) -> tuple[float, float]:
    """A coefficient's documented plausible range (every numeric coefficient declares one)."""
    lo, hi = field_range(field)
    return float(lo), float(hi)


BOOKKEEPING = {"reciprocity_memory", "initial_reciprocity", "exposure_patience_cut"}
DECISION = {"distance_aversion", "distrust_cost", "sidelining_worth", "wedge_worth", "exposure_cost",
            "perception_noise", "trust_sensitivity", "cost"}
GROUPS = ("substantive", "decision weights", "bookkeeping", "other dynamics")


def _group(name: str) -> str:
    """A coefficient's group: the channel's bookkeeping, the weights of the decision model, or other dynamics."""
    return "bookkeeping" if name in BOOKKEEPING else "decision weights" if name in DECISION else "other dynamics"


def factors(base: Scenario, span: float) -> list[tuple[str, str, float, float, Callable[[dict, float], None]]]:
    """Every numeric dynamics coefficient, the channel's bookkeeping (patience, threshold), and the substantive
    inputs (positions, salience, capability, trust, openness, speech) of the baseline."""
    out = []
    for name, field in Dynamics.model_fields.items():
        default = getattr(base.dynamics, name)
        if isinstance(default, bool) or not isinstance(default, int | float):
            continue
        lo, hi = _range(field)
        cast = (lambda v: int(round(v))) if isinstance(default, int) else float  # noqa: E731
        out.append((f"dynamics.{name}", _group(name), lo, hi, _set(("dynamics", name), cast)))
    for style in STYLES:
        for name, field in SpeechCoefficients.model_fields.items():
            lo, hi = SPEECH[style].cost_plausible if name == "cost" else _range(field)
            out.append((f"dynamics.speech.{style}.{name}", _group(name), lo, hi,
                        _set(("dynamics", "speech", style, name))))
    whole = lambda v: int(round(v))  # noqa: E731
    out.append(("channels.0.patience", "bookkeeping", *_range(Channel.model_fields["patience"]),
                _set(("channels", 0, "patience"), whole)))
    out.append(("channels.0.threshold", "bookkeeping", *_range(Channel.model_fields["threshold"]),
                _set(("channels", 0, "threshold"))))

    def around(x: float) -> tuple[float, float]:
        return max(0.0, x - span), min(1.0, x + span)

    for actor, a in base.actors.items():
        for issue in base.issue_names:
            out.append((f"actors.{actor}.position.{issue}", "substantive", *around(a.position[issue]),
                        _set(("actors", actor, "position", issue))))
            out.append((f"actors.{actor}.salience.{issue}", "substantive", *around(a.salience[issue]),
                        _set(("actors", actor, "salience", issue))))
        out.append((f"actors.{actor}.capability", "substantive", *around(a.capability),
                    _set(("actors", actor, "capability"))))
        out.append((f"actors.{actor}.strategy.openness", "substantive", *around(a.strategy.openness),
                    _set(("actors", actor, "strategy", "openness"))))
        out.append((f"actors.{actor}.strategy.speaking", "substantive", 0.0, 2.999,
                    _set(("actors", actor, "strategy", "speaking"), lambda v: STYLES[int(v)])))
    for k, rel in enumerate(base.relations):
        out.append((f"relations.{k}.trust", "substantive", *around(rel.trust), _set(("relations", k, "trust"))))
    return out


def screening(trajectories: int, seeds: Sequence[int], span: float = SPANS[0], levels: int = 4) -> dict[str, Any]:
    """Morris elementary effects of the baseline's mean UK-Russia lifetime over ``seeds``, each factor over its
    range; the share of Σμ* the substantive inputs carry."""
    from SALib.analyze import morris as analyze
    from SALib.sample import morris as sample

    base = load_scenario(scenarios.builtin("article_baseline.yaml"))
    fs = factors(base, span)
    problem = {"num_vars": len(fs), "names": [f[0] for f in fs], "bounds": [[f[2], f[3]] for f in fs]}
    x = sample.sample(problem, trajectories, num_levels=levels, seed=1)
    data = base.model_dump(by_alias=True, exclude_none=True)
    data["channels"][0]["opens"] = 0  # lifetime of a channel that opens: whether it opens is another question
    points = []
    for row in x:
        d = _copy(data)
        for (_, _, _, _, setter), value in zip(fs, row, strict=True):
            setter(d, float(value))
        points.append(Scenario.model_validate(d))
    n = len(seeds)
    life = simulate([p for p in points for _ in range(n)], list(seeds) * len(points), log=False).outcome_arrays()
    y = life[f"{CHANNEL}:lifetime"].reshape(len(points), n).mean(axis=1)
    res = analyze.analyze(problem, x, y, num_levels=levels, seed=1)
    mu = np.asarray(res["mu_star"])
    groups = np.array([f[1] for f in fs])
    shares = {g: float(mu[groups == g].sum() / mu.sum()) for g in GROUPS}
    share = shares["substantive"]
    order = np.argsort(-mu)
    top = [(problem["names"][i], groups[i], float(mu[i])) for i in order[:12]]
    return {"factors": len(fs), "points": len(points), "runs": len(points) * n, "share": share, "top": top,
            "substantive": int((groups == "substantive").sum()), "span": span, "shares": shares}


def _copy(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _copy(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_copy(v) for v in data]
    return data


def markdown(levers: list[dict[str, Any]], screens: list[dict[str, Any]], command: str, seeds: int,
             per_point: int) -> str:
    """The findings page: the lever table, the main screening (the first of ``screens``) and the share at each span."""
    screen = screens[0]
    lines = [
        "# Findings",
        "",
        f"Generated by `{command}`; every figure below is measured by it (lever table over {seeds} seeds).",
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
        "## What the UK–Russia lifetime depends on (Morris screening of the article baseline)",
        "",
        f"{screen['factors']} factors: every numeric `dynamics:` coefficient over its documented plausible range "
        "(the speech styles' `cost` over each style's own range, docs/scenario-format.md), the channel's "
        "`patience` and `threshold` over theirs, "
        f"counted with them as bookkeeping, and {screen['substantive']} substantive inputs — every actor's "
        f"positions, salience, capability and openness and every relation's trust over baseline ± {screen['span']} "
        "(clipped to [0, 1]), every actor's speech style (any of the three). "
        f"{screen['points']} design points × {per_point} seeds = {screen['runs']} runs; the output is the mean "
        "lifetime over the seeds. The channel is opened at round 0 in every point, so the screening measures how long "
        "it lives, not whether sidelining pressure opens it.",
        "",
        f"**Substantive inputs carry {100 * screen['share']:.1f} % of Σμ\\*** (the rest: the decision model's weights, "
        "the channel's bookkeeping and other dynamics). The target of 40 % is "
        + ("met." if screen["share"] >= 0.4 else "**not met** at this span: the weights of the decision model "
                                                  "(how much distrust, distance and worth count) lead the ranking."),
        "",
        "| span of the substantive inputs | " + " | ".join(f"{g} share of Σμ\\*" for g in GROUPS) + " |",
        "|---|" + "---|" * len(GROUPS),
        *("| ± " + f"{x['span']} | " + " | ".join(f"{100 * x['shares'][g]:.1f} %" for g in GROUPS) + " |"
          for x in screens),
        "",
        "Bookkeeping: the channel's `patience` and `threshold`, `reciprocity_memory`, `initial_reciprocity`, "
        "`exposure_patience_cut`; decision weights: how much distrust, distance, worth, exposure and speech style "
        "count (`sim/decisions.py`), and `trust_sensitivity`.",
        "",
        "Most influential factors at the first span:",
        "",
        "| factor | group | μ\\* (rounds) |",
        "|---|---|---|",
    ]
    lines += [f"| `{name}` | {group} | {mu:.2f} |" for name, group, mu in screen["top"]]
    lines += ["", *NOTES]
    return "\n".join(lines) + "\n"


NOTES = [
    "## Notes",
    "",
    "- **F3 holds only in part.** With the article read right (the UK speaks in ultimatums), the UK's style is the "
    "UK's whoever hears it, so its ally pays the ultimatum's trust penalty too: EU→UK trust settles near 0.70, not "
    "≥ 0.8 as model.md's F3 asks; positions never drift apart. With the UK assertive, trust stays ≥ 0.8 "
    "(`tests/sim/test_stylized_facts.py::test_f3_the_eu_trusts_the_uk_less_because_of_its_ultimatums`). The article "
    "itself reports European frustration with the UK's approach, so this is not obviously wrong; a style per "
    "relation would let a scenario say otherwise.",
    "- **Distance matters only beyond latitude.** Positions within a side's latitude cost nothing to hear; the "
    "baseline lifetime falls as Russia moves away from the UK only once the gap exceeds Russia's latitude (0.5).",
    "- **Grievance, not a count.** A round in which a side's value of continuing falls short of walking away adds "
    "the shortfall as a share of `threshold`; the channel collapses when the sum reaches `patience`. A channel that "
    "is hopeless from its first rounds collapses in fewer than `patience` rounds, one barely below the line lasts "
    "many times longer — so how far below the line the state puts a side is what sets the lifetime.",
    "- **The 40 % target for substantive inputs is not met.** The decision model's own weights (how much distrust, "
    "distance, worth count: `distrust_cost`, `sidelining_worth`, `wedge_worth`, `distance_aversion`) carry about half "
    "of Σμ\\* over their plausible ranges; the bookkeeping constants still about a fifth. The substantive share grows "
    "with the uncertainty one grants the scenario's inputs (the span table). Narrower, better-founded ranges for the "
    "decision weights would raise it; they are not narrowed here to reach a number.",
    "- **Speech style now matters at every openness.** Before, at low openness the UK's style had no effect on "
    "lifetime; now an ultimatum lowers Russia's chance of listening and its value of continuing "
    "(`tests/sim/test_decisions.py::test_ultimatum_shortens_the_channel_against_respectful_at_every_openness`).",
    "- **Ranges of `speech.STYLE.cost`.** The schema declares one plausible range (0–0.5) for the field, shared by "
    "the three styles, and that is what `--vary dynamics.*` samples; this screening uses each style's own range from "
    "the speech registry (respectful 0–0.05, assertive 0–0.15, ultimatum 0.15–0.5), since a respectful speech as "
    "costly to hear as an ultimatum contradicts the style.",
]


def main(argv: Sequence[str] | None = None) -> int:
    """Regenerate docs/findings.md."""
    ap = argparse.ArgumentParser(prog="python -m analysis.findings", description=__doc__)
    ap.add_argument("--out", default="docs/findings.md")
    ap.add_argument("--quick", action="store_true", help="4 trajectories × 4 seeds (a smoke test)")
    args = ap.parse_args(argv)
    seeds = list(range(400 if not args.quick else 100))
    trajectories, per_point = (4, 4) if args.quick else (12, 20)
    levers = lever_table(seeds)
    screens = [screening(trajectories, list(range(per_point)), span) for span in SPANS]
    command = "python -m analysis.findings" + (" --quick" if args.quick else "")
    Path(args.out).write_text(markdown(levers, screens, command, len(seeds), per_point), encoding="utf-8")
    shares = ", ".join(f"± {x['span']}: {100 * x['share']:.1f} %" for x in screens)
    print(f"wrote {args.out}: substantive share of Σμ* {shares}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
