"""`dipsim validate` and `dipsim schema` as a user runs them: located lines, exit codes, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dipsim.cli import main

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
SMALL = FIXTURES / "valid" / "small.yaml"
BAD = ["bad_opens", "python_tag", "unknown_reciprocity", "syntax_error", "duplicate_keys", "not_utf8"]


def _dipsim(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "dipsim", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def _at(name: str) -> tuple[str, int]:
    path = FIXTURES / "malformed" / f"{name}.yaml"
    lines = path.read_bytes().decode("ascii", errors="replace").splitlines()
    return lines[0].removeprefix("# expect: "), int(lines[1].removeprefix("# at: "))


def test_validate_subprocess_reports_located_lines_and_exits_2() -> None:
    files = [str(FIXTURES / "malformed" / f"{n}.yaml") for n in BAD]
    proc = _dipsim("validate", str(SMALL), *files)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 2, out
    assert "Traceback" not in out
    assert f"{SMALL}: ok" in proc.stdout
    for name, path in zip(BAD, files, strict=True):
        expect, line = _at(name)
        assert any(ln.startswith(f"{path}:{line}:") and expect in ln for ln in out.splitlines()), (name, out)


def test_validate_subprocess_all_valid_exits_0() -> None:
    proc = _dipsim("validate", str(SMALL))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip() == f"{SMALL}: ok"


def test_validate_missing_file_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "no/such.yaml"]) == 2
    out = capsys.readouterr().out.strip().splitlines()
    assert out == ["no/such.yaml:0:0: <root>: cannot read the file: No such file or directory"]


def test_validate_with_override(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(SMALL), "--set", "channels.UK-Russia.patience=0"]) == 2
    out = capsys.readouterr().out
    assert ("channels.UK-Russia.patience: --set channels.UK-Russia.patience=0: must be an integer in [1, 100000], "
            "got 0") in out


def test_validate_sweep_file_checks_its_paths(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "small.yaml").write_text(SMALL.read_text())
    sweep = tmp_path / "sweep.yaml"
    sweep.write_text("scenario: small.yaml\nsweep:\n  vary:\n    actors.UK.strategy.openness: 0:1:3\n"
                     "    channels.UK-Rusia.patience: 1,2\n")
    assert main(["validate", str(sweep)]) == 2
    out = capsys.readouterr().out
    assert f"{sweep}:5:5: sweep.vary.channels.UK-Rusia.patience: " in out and "did you mean 'UK-Russia'?" in out


def test_schema_prints_json_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "dipsim scenario" and "actors" in schema["$defs"]["Scenario"]["properties"]
    out = tmp_path / "s.json"
    assert main(["schema", "--out", str(out)]) == 0
    assert json.loads(out.read_text()) == schema


def test_validate_json_for_editors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(SMALL), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"ok": True, "files": [{"file": str(SMALL), "ok": True,
                                                                          "problems": []}]}
    assert main(["validate", str(SMALL), "no/such.yaml", "--set", "channels.UK-Russia.patience=0",
                 "--format", "json"]) == 2
    doc = json.loads(capsys.readouterr().out)
    assert doc["ok"] is False and [f["ok"] for f in doc["files"]] == [False, False]
    first = doc["files"][0]["problems"][0]
    assert set(first) == {"file", "line", "column", "path", "message", "text"}
    assert first["text"] == f"{first['file']}:{first['line']}:{first['column']}: {first['path']}: {first['message']}"
    assert doc["files"][1]["problems"][0]["file"] == "no/such.yaml"
