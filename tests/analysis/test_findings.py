"""docs/findings.md's figures: the levers of "the UK listens" in order, and the screening's substantive share."""

from __future__ import annotations

from analysis import findings


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


def test_substantive_inputs_and_decision_weights_outweigh_the_bookkeeping():
    """What the screening shows (a small design; docs/findings.md has the full one): the channel's life no longer
    hangs on its bookkeeping alone (issue 9 measured ≈ 0 % for the substantive inputs before the decision model), but
    its target of 40 % for them is not met (~15 %): reported in docs/findings.md, not asserted."""
    screen = findings.screening(trajectories=4, seeds=list(range(4)))
    shares = screen["shares"]
    assert abs(sum(shares.values()) - 1) < 1e-9
    assert shares["substantive"] >= 0.1, shares
    assert shares["substantive"] + shares["decision weights"] > 2 * shares["bookkeeping"], shares


def test_the_page_prints_the_command_and_the_table():
    rows = [{"lever": "x", "scenario": "s.yaml", "median_lifetime": 3.0, "mean_lifetime": 3.5, "collapse_rate": 1.0,
             "trust_russia_uk": 0.12}]
    screen = {"factors": 2, "substantive": 1, "points": 3, "runs": 12, "share": 0.5, "top": [("a", "dynamics", 1.0)],
              "span": 0.15, "shares": dict.fromkeys(findings.GROUPS, 0.25)}
    page = findings.markdown(rows, [screen], "python -m analysis.findings", 10, 4)
    assert "`python -m analysis.findings`" in page
    assert "| x | `scenarios/s.yaml` | 3.0 | 3.50 | 100.0 % | 0.120 |" in page
    assert "50.0 % of Σμ" in page
