"""safegov run end to end on the tiny scenario, and safegov levers."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from safegov.cli import main
from sim import params

ROOT = Path(__file__).resolve().parent.parent


def test_run_writes_tables_summary_manifest_and_figures(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["run", str(ROOT / "scenarios" / "tiny.toml"), "--seed", "3", "--months", "14", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "deaths" in printed and "accidents" in printed and "wrote" in printed
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    for key in (
        "scenario",
        "seed",
        "months",
        "deaths_total",
        "accidents_total",
        "accidents_by_grade",
        "accidents_by_cause",
        "deaths_by_year",
    ):
        assert key in summary
    assert summary["seed"] == 3 and summary["months"] == 14 and summary["scenario"] == "tiny"
    assert set(summary["accidents_by_grade"]) == {"general", "larger", "major", "especially_major"}
    assert set(summary["accidents_by_cause"]) == {"human", "combined", "unavoidable"}
    assert set(summary["deaths_by_year"]) == {"2020", "2021"}
    monthly = pd.read_parquet(out / "monthly.parquet")
    assert list(monthly.columns) == ["month", "year", "region", "city", "metric", "value"]
    assert monthly.month.max() == 14
    annual = pd.read_csv(out / "annual.csv")
    assert "zero_penalty_counties" in set(annual.metric)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["seed"] == 3 and "tiny.toml" in manifest["scenario_text"]
    assert "extends" in manifest["scenario_text"] and "baseline.toml" in manifest["scenario_text"]
    assert manifest["versions"]["mesa"].startswith("3.5")
    assert "commit" in manifest["git"]
    for png in ("deaths_accidents.png", "grades_causes.png", "hazards_compliance.png", "enforcement.png"):
        data = (out / png).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    assert not list(out.glob(".*tmp*"))


def test_default_output_folder_and_scenario_by_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["run", str(ROOT / "scenarios" / "tiny.toml"), "--months", "2", "--no-figures"]) == 0
    assert (tmp_path / "outputs" / "run-tiny-0" / "summary.json").exists()
    assert main(["run", "tiny", "--months", "2", "--no-figures", "--seed", "5"]) == 0
    assert (tmp_path / "outputs" / "run-tiny-5" / "summary.json").exists()


def test_levers_lists_the_whole_declaration(capsys):
    assert main(["levers", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [p["name"] for p in listed] == [p.name for p in params.PARAMETERS]
    assert main(["levers", "--kind", "lever"]) == 0
    text = capsys.readouterr().out
    for p in params.LEVERS:
        assert p.name in text and p.zh in text
