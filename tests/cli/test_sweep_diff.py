"""A sweep of a diff file (`extends:`) runs the merged scenario: the same rows as a sweep of `dipsim show`'s output."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from dipsim.cli import main


def test_sweep_of_a_diff_equals_sweep_of_its_merged_yaml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    diff = tmp_path / "diff.yaml"
    diff.write_text("extends: early_exposure\nname: d\noverrides: {channels.UK-Russia.patience: 4}\n")
    assert main(["show", str(diff)]) == 0
    merged = tmp_path / "merged.yaml"
    merged.write_text(capsys.readouterr().out)
    tables = []
    for path in (diff, merged):
        out = tmp_path / f"out-{path.stem}"
        code = main(["sweep", str(path), "--vary", "actors.UK.strategy.openness=0.2,0.9", "--seeds", "6",
                     "--workers", "1", "--no-progress", "--no-dashboard", "--out", str(out)])
        assert code == 0
        tables.append(pd.read_parquet(out / "runs.parquet"))
    assert len(tables[0]) == 12
    pd.testing.assert_frame_equal(tables[0], tables[1])
