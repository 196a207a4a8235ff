"""Open each kind of dashboard in headless Chromium: every figure rendered, no script error, no dialog, no network."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from analysis.dashboard import write_dashboard

pytestmark = pytest.mark.browser

HOSTILE = "<script>alert(1)</script>"


def check_rendered(render: Callable[[Path, Path], Any], page: Path, tmp_path: Path) -> Any:
    """Render a page and assert: each figure div has plotly's SVG and traces, and nothing went wrong."""
    seen = render(page, tmp_path)
    figures = seen.report["figures"]
    assert figures, "no plotly figure found in the page"
    for fig in figures:
        assert fig["svgs"] >= 1, f"figure {fig['id']} did not render (no .main-svg)"
        assert fig["traces"] >= 1, f"figure {fig['id']} has no traces"
    assert seen.script_errors == []
    assert seen.report["probe"]["dialogs"] == []
    assert seen.report["probe"]["violations"] == [], "the page tried to load something (blocked by its CSP)"
    return seen


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("run", ["fig-positions", "fig-pressure", "fig-timeline", "fig-network", "fig-trust"]),
        ("sweep", ["fig-param-0", "fig-param-1", "fig-param-2", "fig-why-0", "fig-why-1", "fig-why-2",
                   "fig-survival-0", "fig-survival-1", "fig-survival-2", "fig-distributions", "fig-parallel"]),
        ("compare", ["fig-distributions", "fig-rates", "fig-ecdf", "fig-why"]),
    ],
)
def test_dashboard_renders_in_chromium(
    kind: str, expected: list[str], render_page: Callable, save_screenshot: Callable, writers: ModuleType,
    tmp_path: Path, shot_path: Callable[[str], Path],
) -> None:
    make = {"run": writers.write_run_dir, "sweep": lambda p: writers.write_sweep_dir(p, design="lhs"),
            "compare": writers.write_compare_dir}[kind]
    page = write_dashboard(make(tmp_path / kind))
    seen = check_rendered(render_page, page, tmp_path)
    assert [f["id"] for f in seen.report["figures"]] == expected
    save_screenshot(page, shot_path(f"{kind}_dashboard.png"))


def test_population_dashboard_renders(render_page: Callable, writers: ModuleType, tmp_path: Path) -> None:
    page = write_dashboard(writers.write_run_dir(tmp_path / "pop", actors=[f"a{i}" for i in range(80)], rounds=10,
                                                 issues={"opinion": {"low": "left", "high": "right"}}))
    seen = check_rendered(render_page, page, tmp_path)
    assert [f["id"] for f in seen.report["figures"]] == ["fig-positions", "fig-timeline"]
    assert "drawn for at most 60" in seen.report["text"]


def test_script_in_an_actor_name_is_text(render_page: Callable, writers: ModuleType, tmp_path: Path) -> None:
    page = write_dashboard(writers.write_run_dir(
        tmp_path / "hostile", actors=(HOSTILE, "Russia", "EU", "US", "Ukraine"),
        description="<b>bold</b> & </script><script>alert(2)</script>",
        quote="</script><script>alert(3)</script>", reason="<img src=x onerror=alert(4)> did not listen",
    ))
    seen = check_rendered(render_page, page, tmp_path)  # includes: no alert/confirm/prompt fired, no script error
    assert HOSTILE in seen.report["legend"]  # plotly legend shows the name literally
    assert HOSTILE in seen.report["ticks"]  # trust heatmap axis labels
    text = seen.report["text"]
    assert f"Round 3: {HOSTILE} opened a back channel to Russia." in text  # the story, as text
    assert "</script><script>alert(3)</script>" in text  # the quote, as text
    assert "<img src=x onerror=alert(4)> did not listen" in text
    assert "<b>bold</b> & </script><script>alert(2)</script>" in text
    assert seen.report["scripts"] == len(seen.report["figures"]) + 3  # plotly.js, figures, two probes


def test_probe_catches_errors_dialogs_and_network(render_page: Callable, tmp_path: Path) -> None:
    """Negative control: the harness does see an alert, a script error and a blocked request."""
    from analysis.html import CSP, esc

    page = tmp_path / "bad" / "dashboard.html"
    page.parent.mkdir()
    page.write_text(
        f'<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="{esc(CSP)}"></head>'
        '<body><script>alert("x"); undefinedFunction();</script><img src="http://127.0.0.1:9/x.png"></body></html>'
    )
    seen = render_page(page, tmp_path)
    assert seen.report["probe"]["dialogs"] == ["alert: x"]
    assert any("undefinedFunction" in e for e in seen.script_errors)
    assert seen.report["probe"]["violations"] and seen.report["figures"] == []


def test_real_compare_with_missing_outcomes_renders(render_page: Callable, tmp_path: Path) -> None:
    """A compare of scenarios with and without a back channel (nullable outcome columns) renders every figure."""
    import scenarios
    from analysis.sweep.backends import SerialBackend
    from analysis.sweep.execute import execute, start
    from analysis.sweep.plan import compare_plan, read_source

    plan = compare_plan([read_source(scenarios.builtin(n)) for n in ("no_back_channel.yaml", "uk_listens.yaml")],
                        12, 1, 10)
    out = tmp_path / "cmp"
    start(plan, out)
    with SerialBackend() as b:
        execute(plan, out, b, progress=False)
    seen = check_rendered(render_page, write_dashboard(out), tmp_path)
    assert [f["id"] for f in seen.report["figures"]] == ["fig-distributions", "fig-rates", "fig-ecdf", "fig-why"]
