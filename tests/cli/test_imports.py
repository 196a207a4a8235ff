"""Each command imports only what it uses: the modules a fresh interpreter holds after `dipsim ...`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from dipsim.cli import COMMANDS

ROOT = Path(__file__).parents[2]
USES = {"compare": {"dipsim.commands.sweep"}}  # commands whose module imports another's (shared flags)
HEAVY = ("pandas", "scipy", "plotly", "pyarrow", "dask", "analysis.dashboard")
PROBE = """
import json, sys
from dipsim.cli import main
try:
    code = main(sys.argv[2:])
except SystemExit as e:
    code = e.code
json.dump({"code": code, "modules": sorted(sys.modules)}, open(sys.argv[1], "w"))
"""


def imported(tmp_path: Path, *argv: str) -> set[str]:
    """The top-level and dotted module names loaded by ``dipsim argv`` in a new interpreter."""
    out = tmp_path / "modules.json"
    subprocess.run([sys.executable, "-c", PROBE, str(out), *argv], cwd=ROOT, check=True, capture_output=True)
    return set(json.loads(out.read_text())["modules"])


def heavy(modules: set[str], names: tuple[str, ...] = HEAVY) -> set[str]:
    return {m for m in modules if any(m == n or m.startswith(n + ".") for n in names)}


def test_help_imports_no_command_and_nothing_heavy(tmp_path):
    mods = imported(tmp_path, "--help")
    assert heavy(mods) == set()
    assert {m for m in mods if m.startswith("dipsim.commands.")} == set()


@pytest.mark.parametrize("command", list(COMMANDS))
def test_command_help_imports_only_its_own_module(tmp_path, command):
    mods = imported(tmp_path, command, "--help")
    own = COMMANDS[command][0]
    assert own in mods
    others = {module for name, (module, _) in COMMANDS.items() if name != command} - USES.get(command, set())
    assert mods & others == set()


@pytest.mark.parametrize("argv", [
    ("validate", "scenarios/article_baseline.yaml"),
    ("validate", "scenarios/sweeps/listening_lhs.yaml", "scenarios/sweeps/openness_patience.yaml"),
    ("validate", "tests/fixtures/malformed/unknown_actor_key.yaml"),
    ("schema",),
    ("schema", "--markdown"),
    ("schema", "--sweep"),
    ("show", "scenarios/uk_listens.yaml"),
    ("check", "scenarios/europe_seat.yaml", "--seeds", "20"),
])
def test_validate_and_schema_import_nothing_heavy(tmp_path, argv):
    assert heavy(imported(tmp_path, *argv)) == set()


def test_run_without_dashboard_imports_no_plotly(tmp_path):
    mods = imported(tmp_path, "run", "--no-dashboard", "--out", str(tmp_path / "run"))
    assert (tmp_path / "run" / "summary.json").is_file()
    assert heavy(mods, ("plotly", "scipy", "analysis.dashboard")) == set()


def test_the_probe_sees_heavy_imports(tmp_path):
    """The check can fail: a run with its dashboard does load plotly."""
    mods = imported(tmp_path, "run", "--out", str(tmp_path / "run"))
    assert "plotly" in heavy(mods)


def test_sweep_draws_its_dashboard_in_a_pool_worker(tmp_path):
    """On a local pool the page is drawn by a worker (warmed while the last batches ran): this process never loads
    plotly, yet dashboard.html is there. With --workers 1 the page is drawn here (the probe can fail)."""
    argv = ("sweep", "article_baseline", "--vary", "actors.UK.strategy.openness=0:1:4", "--seeds", "30",
            "--batch-size", "10", "--no-progress", "--plotly", "shared")
    pooled = imported(tmp_path, *argv, "--workers", "2", "--out", str(tmp_path / "pool"))
    assert (tmp_path / "pool" / "dashboard.html").is_file()
    assert heavy(pooled, ("plotly", "analysis.dashboard")) == set()
    alone = imported(tmp_path, *argv, "--workers", "1", "--out", str(tmp_path / "alone"))
    assert (tmp_path / "alone" / "dashboard.html").is_file()
    assert "plotly" in heavy(alone)


FORKSERVER_PROBE = """
import sys
from dipsim.cli import build_parser
from dipsim.commands._sweep_flags import request_of
from analysis.sweep import forkserver
request_of(build_parser("sweep").parse_args(["sweep", "article_baseline", *sys.argv[1:]]))
print(forkserver.running(), "pandas" in sys.modules)
"""


@pytest.mark.parametrize(("flags", "started"), [((), True), (("--workers", "2"), True), (("--workers", "1"), False),
                                                (("--backend", "dask"), False)])
def test_the_pool_server_starts_before_planning(flags, started):
    """Reading the flags starts the local pool's fork server (its imports overlap the planning) when a pool may
    run, and nothing heavy has been imported by then."""
    out = subprocess.run([sys.executable, "-c", FORKSERVER_PROBE, *flags], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout.split()
    assert out == [str(started), "False"]


def test_run_page_validates_no_graph_objects_and_needs_no_networkx(tmp_path):
    """A run's dashboard is written from plain figure dicts: no trace or template class is loaded, no networkx."""
    mods = imported(tmp_path, "run", "--out", str(tmp_path / "run"))
    assert (tmp_path / "run" / "dashboard.html").is_file()
    assert heavy(mods, ("networkx", "scipy", "plotly.graph_objs._scatter", "plotly.graph_objs._heatmap",
                        "plotly.graph_objs._bar", "plotly.graph_objs.layout._template")) == set()


@pytest.mark.parametrize("flags", [("--no-dashboard",), (), ("--plotly", "shared")])
def test_run_never_imports_pandas(tmp_path, flags):
    """A run writes rounds.parquet through Arrow's buffers and draws its page from numpy columns: no pandas."""
    mods = imported(tmp_path, "run", *flags, "--out", str(tmp_path / "run"))
    assert (tmp_path / "run" / "rounds.parquet").is_file()
    assert (tmp_path / "run" / "dashboard.html").is_file() != ("--no-dashboard" in flags)
    assert heavy(mods, ("pandas",)) == set()


def test_dashboard_of_a_run_or_a_sweep_never_imports_pandas(tmp_path):
    """Rebuilding a run's page reads rounds.parquet without pandas, a sweep's reads runs.parquet (or its parts, and
    any sensitivity indices) into numpy columns and writes figure dicts: no pandas, no graph-object trace class. A
    sweep saved as runs.csv is read with pandas (the probe can fail)."""
    imported(tmp_path, "run", "--no-dashboard", "--out", str(tmp_path / "run"))
    assert heavy(imported(tmp_path, "dashboard", str(tmp_path / "run")), ("pandas",)) == set()
    assert (tmp_path / "run" / "dashboard.html").is_file()
    sweep = tmp_path / "sweep"
    imported(tmp_path, "sweep", "article_baseline", "--vary", "actors.UK.strategy.openness=0:1:2",
             "--vary", "channels.UK-Russia.patience=2:6:5", "--seeds", "2", "--workers", "1", "--batch-size", "4",
             "--no-progress", "--no-dashboard", "--out", str(sweep))
    import pandas as pd

    runs = pd.read_parquet(sweep / "runs.parquet")
    pd.DataFrame({"outcome": ["UK-Russia:lifetime"] * 2, "parameter": ["actors.UK.strategy.openness"] * 2,
                  "method": "sobol", "index": ["ST", "S1"], "value": [0.5, 0.4], "lo": [0.4, 0.3], "hi": [0.6, 0.5],
                  "rank": [1, 1]}).to_parquet(sweep / "sensitivity.parquet", index=False)
    for unfinished in (False, True):
        if unfinished:
            (sweep / "runs.parquet").unlink()  # drawn from its parts
        mods = imported(tmp_path, "dashboard", str(sweep))
        page = (sweep / "dashboard.html").read_text(encoding="utf-8")
        assert "actors.UK.strategy.openness" in page and "fig-sensitivity" in page
        assert heavy(mods, ("pandas", "pyarrow.dataset", "plotly.graph_objs._scatter", "plotly.graph_objs._heatmap",
                            "plotly.graph_objs._bar", "plotly.graph_objs._figure")) == set()
    runs.to_csv(sweep / "runs.csv", index=False)
    assert "pandas" in heavy(imported(tmp_path, "dashboard", str(sweep)), ("pandas",))


SWEEP_PROBE = """
import sys
from pathlib import Path
from analysis.sweep.backends import LocalBackend, SerialBackend
from analysis.sweep.designs import parse_vary
from analysis.sweep.execute import execute, start
from analysis.sweep.plan import read_source, sweep_plan
plan = sweep_plan(read_source(Path("scenarios/article_baseline.yaml")),
                  [parse_vary("actors.UK.strategy.openness=0:1:3")], "grid", None, 4, 0, 5)
out = Path(sys.argv[1])
start(plan, out / "serial")
with SerialBackend() as backend:  # the workers' code (run_task) and the parent's (write_part, finish_files) here
    execute(plan, out / "serial", backend, progress=False)
serial = "pandas" in sys.modules
start(plan, out / "pool")
with LocalBackend(1) as backend:  # a pool worker forked from the fork server, after running its batches
    execute(plan, out / "pool", backend, progress=False)
    worker = backend.side(eval, "'pandas' in __import__('sys').modules").result()
print(serial, worker, "pandas" in sys.modules)
"""


def test_a_sweep_builds_and_writes_its_tables_without_pandas(tmp_path):
    """A worker builds its batch's table in Arrow, pickled as buffers; the parent writes the parts and runs.parquet
    with Arrow alone: neither imports pandas (0.5-0.6 s of CPU each), nor does the fork server preload it."""
    from analysis.sweep.forkserver import PRELOAD

    out = subprocess.run([sys.executable, "-c", SWEEP_PROBE, str(tmp_path)], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout.split()
    assert out == ["False", "False", "False"]
    assert (tmp_path / "serial" / "runs.parquet").is_file() and (tmp_path / "pool" / "runs.parquet").is_file()
    assert "pandas" not in PRELOAD
