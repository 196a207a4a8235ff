"""`.ci/run` on a Python older than 3.12 says dipsim needs 3.12 (not pip's "No matching distribution")."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OLD = shutil.which("python3.11", path="/usr/bin:/bin")


@pytest.mark.skipif(OLD is None, reason="no Python 3.11 on this machine")
def test_ci_run_on_python_311_names_the_required_version(tmp_path: Path) -> None:
    (tmp_path / ".ci").mkdir()
    shutil.copy(ROOT / ".ci" / "run", tmp_path / ".ci" / "run")  # a copy: a broken check must not touch the repo
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(OLD)
    proc = subprocess.run(["bash", str(tmp_path / ".ci" / "run")], capture_output=True, text=True, timeout=120,
                          env={"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(tmp_path)})
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "dipsim needs Python >= 3.12 (found Python 3.11" in proc.stderr
    assert not (tmp_path / ".venv").exists()
