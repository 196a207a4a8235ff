"""Every shipped YAML file names its JSON Schema, and passes it under a real client (check-jsonschema)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dipsim.commands.schema import schema_text

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
SHIPPED = sorted(SCENARIOS.rglob("*.yaml"))
MODELINE = "# yaml-language-server: $schema="


def _schema_of(path: Path) -> Path:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith(MODELINE), f"{path}: first line must be `{MODELINE}...`"
    return (path.parent / first.removeprefix(MODELINE)).resolve()


def _check(schema: Path, *files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--schemafile", str(schema), *map(str, files)],
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(("name", "sweep"), [("scenario.schema.json", False), ("sweep.schema.json", True)])
def test_committed_schemas_are_up_to_date(name: str, sweep: bool) -> None:
    assert (SCENARIOS / name).read_text(encoding="utf-8").strip() == schema_text(sweep=sweep).strip(), (
        f"scenarios/{name} is stale: run `dipsim schema {'--sweep ' if sweep else ''}--out scenarios/{name}`")


def test_every_shipped_file_passes_the_schema_it_names() -> None:
    groups: dict[Path, list[Path]] = {}
    for path in SHIPPED:
        groups.setdefault(_schema_of(path), []).append(path)
    assert set(groups) == {SCENARIOS / "scenario.schema.json", SCENARIOS / "sweep.schema.json"}
    for schema, files in groups.items():
        proc = _check(schema, *files)
        assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize(("text", "ok"), [
    ("extends: article_baseline\nactors: {UK: {strategy: {openness: 0.9}}}\noverrides: {rounds: 10}\n", True),
    ("extends: article_baseline\nactors: {UK: {capability: 2}}\n", False),  # a range an editor checks
    ("name: x\nissues: {t: {}}\nactors: {A: {position: {t: 0.1}}}\n", False),  # a whole scenario needs rounds
    ("name: x\nrounds: 5\noverrides: {rounds: 10}\n", False),  # overrides only with extends
    ("scenario: a.yaml\nsweep: {design: grid, seeds: 0}\n", False),
])
def test_the_schema_can_fail(tmp_path: Path, text: str, ok: bool) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(text)
    schema = SCENARIOS / ("sweep.schema.json" if text.startswith("scenario:") else "scenario.schema.json")
    assert (_check(schema, path).returncode == 0) is ok
