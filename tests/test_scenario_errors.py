"""Every bad-input case of a scenario file: one line naming file and key, exit code 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from safegov.cli import main
from sim.errors import ScenarioError
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


CASES = [
    ("unknown lever", "[levers]\nrisk_targetting = 0.5\n", ["[levers] risk_targetting", "did you mean 'risk_targeting'"]),
    ("unknown table", "[lever]\nrisk_targeting = 0.5\n", ["lever", "did you mean 'levers'"]),
    ("lever in wrong table", "[behaviour]\nfine_level = 2\n", ["[behaviour] fine_level", "belongs in [levers]"]),
    ("wrong type", '[levers]\nfine_level = "high"\n', ["[levers] fine_level", "expected a number between 0.2 and 4", "'high'"]),
    ("bool is not a number", "[levers]\nfine_level = true\n", ["[levers] fine_level", "expected a number"]),
    ("out of range", "[levers]\nrisk_targeting = 1.5\n", ["[levers] risk_targeting", "between 0 and 1", "1.5"]),
    ("integer lever", "[levers]\nblacklist_months = 12.5\n", ["[levers] blacklist_months", "whole number"]),
    ("setup unknown", "[setup]\nagent = 100\n", ["[setup] agent", "did you mean 'agents'"]),
    ("setup range", "[setup]\nmonths = 0\n", ["[setup] months", "between 1 and 600"]),
    ("setup type", '[setup]\nagents = "many"\n', ["[setup] agents", "expected"]),
    ("unknown city", '[setup]\ncities = ["Nanjng"]\n', ["[setup] cities", "did you mean 'Nanjing'"]),
    ("schedule no when", "[[schedule]]\nlevers = { fine_level = 2 }\n", ["[[schedule]] #1", "exactly one of 'month' or 'year'"]),
    ("schedule bad lever", "[[schedule]]\nmonth = 3\nlevers = { fine_levl = 2 }\n", ["fine_levl", "did you mean 'fine_level'"]),
    ("schedule range", "[[schedule]]\nyear = 2021\nlevers = { fine_level = 9 }\n", ["fine_level", "between 0.2 and 4"]),
    ("bad toml", "[levers\nfine_level = 2\n", ["not valid TOML"]),
    ("missing extends", 'extends = "nowhere.toml"\n', ["extends", "file not found", "nowhere.toml"]),
    ("name type", "name = 3\n", ["name", "expected a string"]),
]


@pytest.mark.parametrize(("case", "text", "needles"), CASES, ids=[c[0] for c in CASES])
def test_bad_scenario_gives_one_line_naming_file_and_key(tmp_path, capsys, case, text, needles):
    path = write(tmp_path, "bad.toml", text)
    code = main(["validate", str(path)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1, err
    assert "bad.toml" in err
    for needle in needles:
        assert needle in err, (needle, err)
    with pytest.raises(ScenarioError):
        load_scenario(path)


def test_circular_extends(tmp_path, capsys):
    write(tmp_path, "a.toml", 'extends = "b.toml"\n')
    write(tmp_path, "b.toml", 'extends = "a.toml"\n')
    assert main(["validate", str(tmp_path / "a.toml")]) == 2
    err = capsys.readouterr().err
    assert "circular extends" in err and "a.toml" in err and "b.toml" in err and err.count("\n") == 1


def test_error_names_the_parent_file_that_holds_the_bad_key(tmp_path, capsys):
    write(tmp_path, "parent.toml", "[levers]\ninformatisaton = 0.5\n")
    write(tmp_path, "child.toml", 'extends = "parent.toml"\n')
    assert main(["validate", str(tmp_path / "child.toml")]) == 2
    err = capsys.readouterr().err
    assert "parent.toml: [levers] informatisaton" in err


def test_unreadable_files(tmp_path, capsys):
    missing = tmp_path / "missing.toml"
    assert main(["validate", str(missing)]) == 2
    assert "missing.toml: file not found" in capsys.readouterr().err
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00bad")
    assert main(["validate", str(binary)]) == 2
    assert "binary.toml: not UTF-8 text (byte 0xff at position 0)" in capsys.readouterr().err
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    assert main(["validate", str(folder)]) == 2
    assert "folder.toml: is a folder, expected a TOML file" in capsys.readouterr().err


def test_bad_run_writes_nothing_and_keeps_existing_files(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "summary.json").write_text("precious", encoding="utf-8")
    bad = write(tmp_path, "bad.toml", "[levers]\nfine_level = -1\n")
    assert main(["run", str(bad), "--out", str(out)]) == 2
    assert (out / "summary.json").read_text(encoding="utf-8") == "precious"
    assert sorted(p.name for p in out.iterdir()) == ["summary.json"]


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["run", "--seed", "abc"], "--seed"),
        (["run", "--months", "0"], "--months"),
        (["run", "--months", "x"], "--months"),
        (["levers", "--kind", "nope"], "--kind"),
        (["nope"], "invalid choice"),
    ],
)
def test_bad_flags_give_one_line_and_exit_2(capsys, argv, needle):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and needle in err


def test_no_traceback_from_the_real_command(tmp_path):
    bad = write(tmp_path, "bad.toml", '[levers]\nrisk_targeting = "x"\n')
    proc = subprocess.run(
        [sys.executable, "-m", "safegov.cli", "run", str(bad)], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().count("\n") == 0 and "bad.toml: [levers] risk_targeting" in proc.stderr


def test_every_shipped_scenario_validates():
    for path in sorted((ROOT / "scenarios").glob("*.toml")):
        sc = load_scenario(path)
        assert sc.name == path.stem


def test_extends_and_schedule_by_year(tmp_path):
    write(
        tmp_path,
        "base.toml",
        "[setup]\nstart_year = 2015\n[levers]\nfine_level = 1.5\n[[schedule]]\nyear = 2017\nlevers = { fine_level = 2.0 }\n",
    )
    child = write(
        tmp_path,
        "child.toml",
        'extends = "base.toml"\n[levers]\nrisk_targeting = 0.9\n[[schedule]]\nmonth = 40\nlevers = { risk_targeting = 0.1 }\n',
    )
    sc = load_scenario(child)
    assert sc.levers["fine_level"] == 1.5 and sc.levers["risk_targeting"] == 0.9
    assert sc.levers_at(24)["fine_level"] == 1.5 and sc.levers_at(25)["fine_level"] == 2.0
    assert sc.levers_at(39)["risk_targeting"] == 0.9 and sc.levers_at(40)["risk_targeting"] == 0.1
    assert [e.month for e in sc.schedule] == [25, 40]
