"""`dipsim forecast`: table and JSON output, and one-line errors with exit 2 for bad input."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

import dipsim.cli

EC = Path(__file__).parents[2] / "scenarios" / "ec_emissions.csv"
HAS_LOADER = importlib.util.find_spec("sim.loader") is not None


@pytest.fixture
def main():
    """`dipsim.cli.main` (it imports only the chosen command's module)."""
    return dipsim.cli.main


def test_table(main, capsys):
    assert main(["forecast", str(EC), "--rounds", "2"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[1].split() == ["round", "median", "mean", "moves"]
    assert lines[2].split() == ["0", "7.0000", "7.3900"]
    assert lines[3].startswith("    1    8.4159")
    assert "Belgium compromises with France -> 8.41593" in lines[3]
    assert "Luxembourg loses to Belgium -> 7;" in lines[3]
    assert "Ireland loses to Luxembourg -> 4" in lines[3]
    assert any(line.split()[:2] == ["Netherlands", "4.0000"] for line in lines)


def test_offer_rule_default_and_least_movement(main, capsys):
    assert main(["forecast", str(EC), "--rounds", "4"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith("(Q = T = 1, offer rule scholz)")
    assert lines[6].split()[0] == "4" and lines[6].split()[2] == "7.3581"
    assert "Belgium compromises with Netherlands -> 4.80088" in lines[6]
    assert main(["forecast", str(EC), "--rounds", "4", "--offer-rule", "least-movement", "--json"]) == 0
    r = json.loads(capsys.readouterr().out)["issues"]["ec_emissions"]
    assert r["offer_rule"] == "least-movement"
    assert round(r["mean"][4], 4) == 7.6039
    assert {o["actor"]: o["partner"] for o in r["offers"][3]}["Belgium"] == "France"


def test_bad_offer_rule_one_line_exit_2(main, capsys):
    with pytest.raises(SystemExit) as e:
        main(["forecast", str(EC), "--offer-rule", "nearest"])
    assert e.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.splitlines()) == 1
    assert "--offer-rule: invalid choice: 'nearest'" in captured.err
    assert "'scholz', 'least-movement'" in captured.err


def test_json(main, capsys):
    assert main(["forecast", str(EC), "--rounds", "1", "--json", "--issue", "emissions"]) == 0
    data = json.loads(capsys.readouterr().out)
    r = data["issues"]["emissions"]
    assert r["median"][0] == 7.0
    assert r["mean"][0] == pytest.approx(7.389955686853767)
    assert len(r["positions"]) == 2 and len(r["positions"][0]) == 10
    first = {o["actor"]: o for o in r["offers"][0]}
    assert first["Belgium"]["kind"] == "compromise" and first["Belgium"]["partner"] == "France"
    assert round(first["Belgium"]["position"], 4) == 8.4159
    assert r["final"]["Ireland"] == 4.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("# c\nactor,capability,position\na,1,2\n", ":2:1: salience: missing column"),
        ("actor,capability,position,salience\na,1,2,3\nb,1,two,3\n", ":3:5: position: 'two' is not a number"),
    ],
)
def test_bad_csv_one_line_exit_2(main, capsys, tmp_path, text, expected):
    bad = tmp_path / "bad.csv"
    bad.write_text(text)
    assert main(["forecast", str(bad)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [captured.err.strip()]
    assert captured.err.startswith(f"{bad}{expected}")


def test_unknown_file_exit_2(main, capsys, tmp_path):
    missing = tmp_path / "missing.csv"
    assert main(["forecast", str(missing)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{missing}:1:1: file: cannot read")
    assert len(err.splitlines()) == 1


def test_unsupported_suffix_exit_2(main, capsys, tmp_path):
    other = tmp_path / "table.txt"
    other.write_text("actor\n")
    assert main(["forecast", str(other)]) == 2
    assert capsys.readouterr().err.startswith(f"{other}:1:1: file: expected a .csv")


def test_all_zero_weights_exit_2(main, capsys, tmp_path):
    flat = tmp_path / "flat.csv"
    flat.write_text("actor,capability,position,salience\na,1,0,0\nb,1,1,0\n")
    assert main(["forecast", str(flat)]) == 2
    assert "positive capability and salience" in capsys.readouterr().err


def test_bad_rounds_flag_exit_2(main, capsys):
    with pytest.raises(SystemExit) as e:
        main(["forecast", str(EC), "--rounds", "-1"])
    assert e.value.code == 2
    assert "must be >= 0" in capsys.readouterr().err


YAML = """\
# two-issue test scenario
name: forecast test
rounds: 5
issues: {sanctions: null, territory: null}
actors:
  UK: {capability: 0.6, position: {sanctions: 0.9, territory: 0.1}, salience: {sanctions: 0.8}}
  EU: {capability: 0.8, position: {sanctions: 0.8, territory: 0.2}}
  Russia: {capability: 0.9, position: {sanctions: 0.0, territory: 1.0}, salience: {territory: 1.0}}
"""


@pytest.mark.skipif(not HAS_LOADER, reason="sim.loader (scenario YAML loader) not written yet")
def test_yaml_every_issue_and_one_issue(main, capsys, tmp_path):
    sc = tmp_path / "sc.yaml"
    sc.write_text(YAML)
    assert main(["forecast", str(sc), "--json", "--rounds", "2"]) == 0
    assert set(json.loads(capsys.readouterr().out)["issues"]) == {"sanctions", "territory"}
    assert main(["forecast", str(sc), "--issue", "territory"]) == 0
    assert capsys.readouterr().out.startswith("issue territory: 3 actors")
    assert main(["forecast", str(sc), "--issue", "teritory"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{sc}:1:1: issues: unknown issue 'teritory'") and "did you mean 'territory'" in err


@pytest.mark.skipif("forecast" not in dipsim.cli.COMMANDS, reason="forecast not yet listed in dipsim.cli.COMMANDS")
def test_registered_in_real_cli(capsys):
    assert dipsim.cli.main(["forecast", str(EC), "--rounds", "1"]) == 0
    assert "8.4159" in capsys.readouterr().out
