"""`dipsim check`: the shipped scenarios' claims (F1-F5) hold; a false claim fails with exit 1; bad claims exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

import scenarios
from dipsim.cli import main

SHIPPED = [n for n in scenarios.listing()]
BASE = """name: two
rounds: 20
issues: {t: {}}
actors:
  A: {position: {t: 0.1}, strategy: {openness: 0.1, reciprocity: grim_trigger}}
  B: {position: {t: 0.9}}
channels:
  - {between: [A, B], patience: 2}
"""


def test_shipped_scenarios_state_claims_and_they_hold(capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(scenarios.builtin(n)) for n in SHIPPED]
    code = main(["check", *files, "--seeds", "300"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "FAIL" not in out
    for fact in ("F1", "F2", "F3", "F4", "F5"):
        assert fact in out, fact
    assert out.count("PASS") >= 10


def test_a_true_claim_passes_and_a_false_one_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "base.yaml").write_text(BASE + 'expect:\n  - {outcome: "A-B:collapsed", rate: ">= 0.9"}\n')
    (tmp_path / "listens.yaml").write_text(
        "extends: base.yaml\noverrides: {actors.A.strategy.openness: 1.0, actors.A.strategy.reciprocity: "
        "always_listen}\nexpect:\n"
        '  - {outcome: "A-B:lifetime", median: ">= 2x baseline"}\n'
        '  - {outcome: "A-B:collapsed", rate: ">= 0.99", note: "false on purpose"}\n')
    assert main(["check", str(tmp_path / "base.yaml"), "--seeds", "100"]) == 0
    out = capsys.readouterr().out
    assert "PASS  A-B:collapsed rate >= 0.9: 1 [95% CI 0.963, 1] over 100 runs" in out
    assert main(["check", str(tmp_path / "listens.yaml"), "--seeds", "100"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert any(ln.strip().startswith("PASS  A-B:lifetime median >= 2x baseline") and "x baseline" in ln
               for ln in lines), lines
    assert any(ln.strip().startswith("FAIL  A-B:collapsed rate >= 0.99") for ln in lines), lines
    assert lines[-1] == "1 claim(s) failed"


def test_unknown_outcome_and_missing_baseline_are_located(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BASE + 'expect:\n  - {outcome: "A-B:lifetim", rate: ">= 0.9"}\n'
                    '  - {outcome: "A-B:lifetime", median: "> baseline"}\n')
    assert main(["check", str(path), "--seeds", "10"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"{path}:10:6: expect.0.outcome: unknown outcome 'A-B:lifetim' (did you mean "
                             "'A-B:lifetime'?"), err
    assert err[1].startswith(f"{path}:11:5: expect.1: a claim against `baseline` needs `against: SCENARIO`"), err


def test_a_malformed_bound_is_a_validation_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bound.yaml"
    path.write_text(BASE + 'expect:\n  - {outcome: agreement, rate: "at least 0.9"}\n')
    assert main(["validate", str(path)]) == 2
    out = capsys.readouterr().out
    assert f"{path}:10:5: expect.0: bound 'at least 0.9': write OP NUMBER or OP [K x] baseline" in out
