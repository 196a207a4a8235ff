"""Sensitivity indices through the sweep's own design and analysis code: known functions, then the article baseline."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.sensitivity import SensitivityError, analyse, design_of, point_means, ranked_lines
from analysis.sweep.designs import Vary, make_design
from dipsim import api
from dipsim.cli import main

# Ishigami (a = 7, b = 0.1) over [-pi, pi]^3: the published analytic indices (Ishigami & Homma 1990; SALib's docs)
ISHIGAMI_S1 = {"x1": 0.3139, "x2": 0.4424, "x3": 0.0}
ISHIGAMI_ST = {"x1": 0.5576, "x2": 0.4424, "x3": 0.2437}


def _table(design, f, seeds: int = 1) -> pd.DataFrame:
    """A runs table as a sweep writes it: run_id = point * seeds + replicate, one outcome column `y`."""
    pts = pd.DataFrame(design.points)
    y = f(pts)
    return pd.DataFrame({"run_id": np.arange(len(pts) * seeds), "y": np.repeat(y.to_numpy(), seeds)})


def _wide(result: pd.DataFrame, index: str) -> dict[str, float]:
    part = result[result["index"] == index]
    return dict(zip(part["parameter"], part["value"], strict=True))


def test_ishigami_sobol_indices_match_the_published_values():
    vary = [Vary(f"x{k}", bounds=(-math.pi, math.pi)) for k in (1, 2, 3)]
    design = make_design(vary, "sobol", 2048, seed=1)

    def ishigami(p: pd.DataFrame) -> pd.Series:
        return np.sin(p.x1) + 7 * np.sin(p.x2) ** 2 + 0.1 * p.x3**4 * np.sin(p.x1)

    result, skipped = analyse(_table(design, ishigami), design.manifest(), 1, ["y"], seed=2, resamples=200)
    assert not skipped
    for name, expected in ISHIGAMI_S1.items():
        assert _wide(result, "S1")[name] == pytest.approx(expected, abs=0.04)
    for name, expected in ISHIGAMI_ST.items():
        assert _wide(result, "ST")[name] == pytest.approx(expected, abs=0.04)
    st = result[result["index"] == "ST"].set_index("parameter")
    assert (st["lo"] <= st["value"]).all() and (st["value"] <= st["hi"]).all()
    assert st.loc["x1", "rank"] == 1 and st.loc["x3", "rank"] == 3


def test_morris_mu_star_of_a_linear_function_is_its_slope_times_the_range():
    vary = [Vary("a", bounds=(0.0, 1.0)), Vary("b", bounds=(0.0, 2.0)), Vary("c", bounds=(0.0, 1.0))]
    design = make_design(vary, "morris", 20, seed=1, levels=4)
    result, _ = analyse(_table(design, lambda p: 3 * p.a - 1 * p.b + 0 * p.c), design.manifest(), 1, ["y"])
    mu = _wide(result, "mu_star")
    assert mu["a"] == pytest.approx(3.0) and mu["b"] == pytest.approx(2.0) and mu["c"] == pytest.approx(0.0)
    assert _wide(result, "sigma")["a"] == pytest.approx(0.0, abs=1e-9)


def test_point_means_average_over_the_seeds_of_each_point_and_flags_become_shares():
    table = pd.DataFrame({"run_id": [0, 1, 2, 3, 5], "f": pd.array([True, False, True, None, True], "boolean")})
    assert point_means(table, "f", 2, 3).tolist() == [0.5, 1.0, 1.0]


def test_a_constant_or_undefined_outcome_is_skipped_with_its_reason():
    design = make_design([Vary("a", bounds=(0.0, 1.0))], "sobol", 8, seed=0)
    n = len(design.points)
    table = pd.DataFrame({"run_id": range(n), "c": 1.0, "u": [np.nan] + [1.0] * (n - 1)})
    result, skipped = analyse(table, design.manifest(), 1, ["c", "u"])
    assert result.empty
    assert [s.outcome for s in skipped] == ["c", "u"] and "same at every design point" in skipped[0].reason


def test_only_sobol_and_morris_sweeps_have_indices():
    with pytest.raises(SensitivityError, match="--design sobol"):
        design_of({"kind": "sweep", "design": {"kind": "lhs"}})


@pytest.fixture(scope="module")
def baseline_gsa(tmp_path_factory):
    """A Sobol sweep of the article baseline over three parameters that govern collapse and one that provably
    does not: nobody in the baseline speaks respectfully, so the respectful style's trust fall never applies."""
    out = tmp_path_factory.mktemp("gsa") / "gsa"
    vary = {"channels.UK-Russia.patience": (1, 8), "channels.UK-Russia.threshold": (0.2, 0.6),
            "dynamics.reciprocity_memory": (0.1, 0.6), "dynamics.speech.respectful.fall": (0.25, 1.5)}
    runs = api.sweep("article_baseline", vary=vary, design="sobol", samples=64, seeds=8, seed=11, out=out)
    return out, runs


def test_baseline_lifetime_ignores_the_unused_style_and_depends_on_patience_threshold_memory(baseline_gsa, capsys):
    out, runs = baseline_gsa
    assert len(runs) == 64 * 6 * 8
    assert main(["sensitivity", str(out), "--outcome", "UK-Russia:lifetime", "--no-dashboard"]) == 0
    printed = capsys.readouterr().out
    result = pd.read_parquet(out / "sensitivity.parquet")
    st = result[(result["index"] == "ST") & (result["outcome"] == "UK-Russia:lifetime")].set_index("parameter")
    ignored = st.loc["dynamics.speech.respectful.fall"]
    assert ignored["lo"] <= 0.0 <= ignored["hi"] and abs(ignored["value"]) < 0.01
    for p in ("channels.UK-Russia.patience", "channels.UK-Russia.threshold", "dynamics.reciprocity_memory"):
        assert st.loc[p, "lo"] > 0.0, (p, st.loc[p].to_dict())  # the interval excludes 0
    assert st.loc["dynamics.speech.respectful.fall", "rank"] == 4
    top = st.sort_values("rank").index[0]
    assert "what decides UK-Russia:lifetime" in printed
    assert printed.index(top) < printed.index("dynamics.speech.respectful.fall")
    line = next(ln for ln in printed.splitlines() if ln.strip().startswith(top))
    assert f"S_T {st.loc[top, 'value']:.2f} [{st.loc[top, 'lo']:.2f}, {st.loc[top, 'hi']:.2f}]" in line


def test_ranked_lines_name_every_outcome_of_the_table(baseline_gsa):
    out, runs = baseline_gsa
    result, _ = analyse(runs, design_of(__import__("json").loads((out / "manifest.json").read_text())), 8,
                        ["UK-Russia:lifetime", "trust:Russia->UK"], resamples=50)
    text = "\n".join(ranked_lines(result, top=2))
    assert "what decides trust:Russia->UK" in text and "… 2 more, each with S_T ≤" in text


def test_cli_refuses_a_grid_sweep_and_an_unknown_outcome(baseline_gsa, tmp_path, capsys):
    out, _ = baseline_gsa
    assert main(["sensitivity", str(out), "--outcome", "UK-Russia:lifetme"]) == 2
    assert "did you mean 'UK-Russia:lifetime'" in capsys.readouterr().err
    grid = tmp_path / "grid"
    api.sweep("article_baseline", vary={"channels.UK-Russia.patience": [2, 3]}, seeds=2, out=grid)
    assert main(["sensitivity", str(grid)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "a grid design has no sensitivity indices" in err


def test_a_morris_sweep_of_the_baseline_ranks_by_mu_star(tmp_path, capsys):
    out = tmp_path / "morris"
    vary = {"channels.UK-Russia.patience": (1, 8), "dynamics.speech.respectful.fall": (0.25, 1.5)}
    api.sweep("article_baseline", vary=vary, design="morris", samples=6, levels=4, seeds=4, seed=1, out=out)
    assert main(["sensitivity", str(out), "--outcome", "UK-Russia:lifetime", "--no-dashboard"]) == 0
    assert "Morris μ*, σ" in capsys.readouterr().out
    mu = pd.read_parquet(out / "sensitivity.parquet").query("index == 'mu_star'").set_index("parameter")["value"]
    assert mu["channels.UK-Russia.patience"] > 1.0 and mu["dynamics.speech.respectful.fall"] == 0.0
