"""Headless Chromium harness: render a dashboard, report figures, script errors, dialogs and network attempts.

No extra packages: Chromium's ``--dump-dom`` after a virtual-time budget. Before rendering, a copy of the page gets
a probe script as the first thing in ``<head>`` that records errors, ``alert``/``confirm``/``prompt`` calls and CSP
violations (the page's CSP forbids any network request, so an attempt shows up as a violation); a second probe at
the end of ``<body>`` writes a JSON report into the DOM, which the dump carries back.
"""

from __future__ import annotations

import html
import importlib.util
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--hide-scrollbars", "--mute-audio",
)
REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "docs" / "img"

HEAD_PROBE = """<script>
window.__probe = {errors: [], dialogs: [], violations: [], consoleErrors: []};
window.addEventListener('error', function (e) {
  window.__probe.errors.push(String(e.message || (e.target && (e.target.src || e.target.href)) || 'error'));
}, true);
window.addEventListener('unhandledrejection', function (e) { window.__probe.errors.push('rejection: ' + e.reason); });
document.addEventListener('securitypolicyviolation', function (e) {
  window.__probe.violations.push(e.violatedDirective + ' ' + e.blockedURI);
});
['alert', 'confirm', 'prompt'].forEach(function (k) {
  window[k] = function (m) { window.__probe.dialogs.push(k + ': ' + m); return null; };
});
(function () { var ce = console.error; console.error = function () {
  window.__probe.consoleErrors.push(Array.prototype.join.call(arguments, ' ')); return ce.apply(console, arguments);
}; })();
</script>"""

TAIL_PROBE = """<script>
setTimeout(function () {
  var divs = Array.prototype.slice.call(document.querySelectorAll('.plotly-graph-div'));
  var report = {
    figures: divs.map(function (d) { return {id: d.id, svgs: d.querySelectorAll('.main-svg').length,
                                             traces: (d.data || []).length}; }),
    legend: Array.prototype.map.call(document.querySelectorAll('.legendtext'), function (e) { return e.textContent; }),
    ticks: Array.prototype.map.call(document.querySelectorAll('.xtick text, .ytick text'),
                                    function (e) { return e.textContent; }),
    text: document.body.innerText,
    scripts: document.scripts.length,
    probe: window.__probe
  };
  var pre = document.createElement('pre');
  pre.id = '__report';
  pre.textContent = JSON.stringify(report);
  document.body.appendChild(pre);
}, 2500);
</script>"""


@dataclass
class Rendered:
    """What the browser saw: the probe report, the console lines from Chromium's log, the dumped DOM."""

    report: dict[str, Any]
    console: list[str] = field(default_factory=list)
    dom: str = ""

    @property
    def script_errors(self) -> list[str]:
        """Every error the page raised or logged."""
        p = self.report["probe"]
        uncaught = [line for line in self.console if "Uncaught" in line]
        return [*p["errors"], *p["consoleErrors"], *uncaught]


def chromium_path() -> str | None:
    """The Chromium binary, or None."""
    for name in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if name and (found := shutil.which(name)):
            return found
    return None


def _run(args: list[str], timeout: int = 120) -> subprocess.CompletedProcess[str]:
    """Run Chromium with the standard flags and a fresh profile directory."""
    with tempfile.TemporaryDirectory(prefix="dipsim-chromium-") as profile:
        cmd = [chromium_path() or "chromium", *FLAGS, f"--user-data-dir={profile}", *args]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)


def render(page: Path, workdir: Path) -> Rendered:
    """Open a copy of ``page`` with the probes, let it run, and return what it reported."""
    source = page.read_text(encoding="utf-8")
    probed = source.replace("<head>", "<head>\n" + HEAD_PROBE, 1).replace("</body>", TAIL_PROBE + "</body>", 1)
    copy = workdir / f"probed-{page.parent.name}.html"
    copy.write_text(probed, encoding="utf-8")
    out = _run(["--virtual-time-budget=8000", "--enable-logging=stderr", "--v=0", "--dump-dom", copy.as_uri()])
    match = re.search(r'<pre id="__report">(.*?)</pre>', out.stdout, re.S)
    assert match, f"no report in the dumped DOM (exit {out.returncode}); stderr tail:\n{out.stderr[-2000:]}"
    console = [line for line in out.stderr.splitlines() if ":CONSOLE" in line]
    return Rendered(json.loads(html.unescape(match.group(1))), console, out.stdout)


def screenshot(page: Path, target: Path, size: str = "1400,2400") -> Path:
    """A PNG of the top of the page at a laptop-like width."""
    target.parent.mkdir(parents=True, exist_ok=True)
    _run(["--virtual-time-budget=8000", f"--window-size={size}", f"--screenshot={target}", page.as_uri()])
    assert target.is_file() and target.stat().st_size > 10_000, f"no screenshot written to {target}"
    return target


def load_writers() -> ModuleType:
    """The synthetic-directory writers of tests/analysis/conftest.py, loaded under a private name."""
    spec = importlib.util.spec_from_file_location("_dashboard_writers", REPO / "tests" / "analysis" / "conftest.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def chromium() -> str:
    """Skip (with the reason) when no Chromium is installed."""
    path = chromium_path()
    if path is None:
        pytest.skip("headless Chromium not installed (apt-get install chromium); CI installs it")
    return path


@pytest.fixture(scope="session")
def render_page(chromium: str) -> Callable[[Path, Path], Rendered]:
    """``render(page, workdir)``: open a dashboard headless and return what it reported."""
    return render


@pytest.fixture(scope="session")
def save_screenshot(chromium: str) -> Callable[..., Path]:
    """``screenshot(page, target)``: a PNG of the top of a dashboard."""
    return screenshot


@pytest.fixture(scope="session")
def writers() -> ModuleType:
    """The synthetic run/sweep/compare directory writers."""
    return load_writers()


@pytest.fixture
def shot_path(tmp_path: Path) -> Callable[[str], Path]:
    """Where to save a screenshot: docs/img/NAME when it is missing or DIPSIM_UPDATE_SCREENSHOTS=1 (so the README
    images exist after one browser run without every run rewriting them), else a temporary directory."""

    def where(name: str) -> Path:
        update = os.environ.get("DIPSIM_UPDATE_SCREENSHOTS") == "1" or not (SHOTS / name).exists()
        return (SHOTS if update else tmp_path) / name

    return where
