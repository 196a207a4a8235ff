"""Layering: dependencies point one way. sim/ never imports analysis/ or dipsim/, the maths modules import only
numpy (and each other), and no modules import each other in a circle (lazy and type-checking imports included)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("sim", "analysis", "dipsim", "scenarios")
MATHS = {"sim.dynamics", "sim.channels", "sim.tracks", "sim.strategies", "sim.decisions"}
ALLOWED_IN_MATHS = {"numpy", "__future__", "dataclasses", "typing"} | MATHS


def _modules() -> dict[str, Path]:
    out = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


MODULES = _modules()


def _imports(path: Path) -> set[str]:
    """Every module a file imports, anywhere in it (top level, in functions, under TYPE_CHECKING)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                out.add(full if full in MODULES else node.module)
    return out


GRAPH = {name: {m for m in _imports(path) if m in MODULES and m != name} for name, path in MODULES.items()}


def test_the_graph_is_read():
    assert {"sim.engine", "sim.dynamics", "analysis.sweep.plan", "dipsim.cli"} <= MODULES.keys()
    assert "sim.dynamics" in GRAPH["sim.engine"] and "analysis.sweep.plan" in GRAPH["analysis.sweep.setup"]


def test_sim_never_imports_analysis_or_dipsim():
    bad = {(name, m) for name, deps in GRAPH.items() if name.startswith("sim") for m in deps
           if m.startswith(("analysis", "dipsim"))}
    assert not bad


def test_analysis_never_imports_dipsim():
    assert not {(n, m) for n, deps in GRAPH.items() if n.startswith("analysis") for m in deps if m.startswith("dipsim")}


def test_the_maths_modules_import_only_numpy_and_each_other():
    for name in MATHS:
        roots = {m if m in MATHS else m.split(".")[0] for m in _imports(MODULES[name])}
        assert roots <= ALLOWED_IN_MATHS, (name, roots - ALLOWED_IN_MATHS)


def test_no_import_circles():
    """A depth-first search over the import graph finds no back edge."""
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    state: dict[str, int] = {}  # 1 on the path, 2 done
    circles = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for dep in sorted(GRAPH[node]):
            if state.get(dep) == 1:
                circles.append(path[path.index(dep):] + [dep])
            elif dep not in state:
                visit(dep, [*path, dep])
        state[node] = 2

    for name in sorted(GRAPH):
        if name not in state:
            visit(name, [name])
    assert not circles, " ; ".join(" -> ".join(c) for c in circles)
