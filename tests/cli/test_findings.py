"""docs/findings.md's figures: the levers of "the UK listens" in order, and the screening's substantive share."""

from __future__ import annotations

from dipsim import findings


def test_each_lever_lengthens_the_channel_and_raises_russias_trust():
    rows = findings.lever_table(list(range(200)))
    assert [r["scenario"] for r in rows][0] == "article_baseline.yaml"
    median = [r["median_lifetime"] for r in rows]
    mean = [r["mean_lifetime"] for r in rows]
    trust = [r["trust_russia_uk"] for r in rows]
    assert all(a < b for a, b in zip(mean, mean[1:], strict=False)), mean
    assert all(a <= b for a, b in zip(median, median[1:], strict=False)), median
    assert median[-1] >= 3 * median[0]
    assert trust[-1] > trust[0] and all(a <= b for a, b in zip(trust, trust[1:], strict=False)), trust
    assert rows[-1]["collapse_rate"] < rows[0]["collapse_rate"]


def test_the_screening_runs_the_shipped_sweep_file_through_the_commands(tmp_path):
    """A small grouped Sobol screening (docs/findings.md has the full one): the substantive inputs carry a real share
    of the lifetime's variance (issue 9 measured 0 before the decision model) — more than the dynamics that do not
    decide the channel — but the 40 % target is reported in docs/findings.md, not asserted."""
    screen = findings.screening(0.15, str(tmp_path / "s"), samples=128, seeds=4)
    st = {g: screen["indices"][g]["ST"][0] for g, _ in findings.GROUPS}
    assert set(screen["indices"]) == {g for g, _ in findings.GROUPS}
    assert screen["indices"]["substantive"]["ST"][1] > 0, st  # the interval excludes 0
    assert st["substantive"] > st["other dynamics"] and st["decision weights"] > st["other dynamics"], st
    assert screen["runs"] == 128 * (4 + 2) * 4 and screen["commands"][0].startswith(
        "dipsim sweep scenarios/sweeps/article_screening.yaml --group 'substantive=actors.*,relations.*'")


def test_a_path_is_shown_in_the_group_the_first_matching_pattern_gives_it():
    assert findings.group_of_path("actors.UK.capability") == "substantive"
    assert findings.group_of_path("dynamics.speech.ultimatum.cost") == "decision weights"
    assert findings.group_of_path("dynamics.reciprocity_memory") == "bookkeeping"
    assert findings.group_of_path("dynamics.generosity") == "other dynamics"


def test_the_page_prints_the_commands_the_table_and_the_verdict():
    rows = [{"lever": "x", "scenario": "s.yaml", "median_lifetime": 3.0, "mean_lifetime": 3.5, "collapse_rate": 1.0,
             "trust_russia_uk": 0.12}]
    cell = {"ST": (0.3, 0.2, 0.45), "S1": (0.05, 0.0, 0.1)}
    screen = {"span": 0.15, "indices": {g: cell for g, _ in findings.GROUPS}, "points": 6, "runs": 12, "paths": 97,
              "commands": ["dipsim sweep X", "dipsim sensitivity Y"]}
    inputs = {"paths": 63, "commands": ["dipsim sweep Z"], "order": ["trust", "speech"],
              "indices": {"trust": cell, "speech": {"ST": (0.1, 0.0, 0.2), "S1": (0.1, 0.0, 0.2)}}}
    page = findings.markdown(rows, [screen], None, "python -m dipsim.findings", 10, inputs)
    assert "| trust | 0.30 [0.20, 0.45] | 0.05 [0.00, 0.10] |" in page
    assert "**trust** leads (S_T 0.30; next speech, 0.10)." in page and "who speaks how to whom" not in page
    assert "`python -m dipsim.findings`" in page and "dipsim sweep X\ndipsim sensitivity Y" in page
    assert "| x | `scenarios/s.yaml` | 3.0 | 3.50 | 100.0 % | 0.120 |" in page
    assert "S_T = 0.30 [0.20, 0.45]" in page and "**not met** by the estimate; its 95 % interval reaches 0.40" in page
    assert findings.verdict((0.5, 0.45, 0.6)).startswith("**met**")
    assert findings.verdict((0.3, 0.2, 0.35)).endswith("below 0.40)")


def test_the_span_note_says_what_the_measured_shares_say():
    def screen(span, sub, dw):
        return {"span": span, "indices": {"substantive": {"ST": (sub, sub - 0.1, sub + 0.1)},
                                          "decision weights": {"ST": (dw, dw - 0.1, dw + 0.1)}}}
    none = findings.span_note([screen(0.15, 0.2, 0.6), screen(1.0, 0.3, 0.5)])
    assert "At none of these spans does the estimate reach the 40 % target." in none and "carry more." in none
    wide = findings.span_note([screen(0.15, 0.2, 0.6), screen(1.0, 0.45, 0.4)],
                              {"seed": 2, "indices": {"substantive": {"ST": (0.25, 0.2, 0.3)}}})
    assert "Only when the article's reading is treated as almost uninformative" in wide
    assert "as much or less at some span" in wide and "`--seed 2`" in wide and "0.25 [0.20, 0.30]" in wide
