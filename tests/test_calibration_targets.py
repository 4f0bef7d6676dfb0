"""Target and spec files: parsing, the data's confidence rules, and one-line errors (exit 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from calibration import data as refdata
from calibration.spec import load_spec
from calibration.targets import load_targets, parse_period, parse_targets
from safegov.cli import main
from sim.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
GOOD = """
[[target]]
name = "a"
metric = "deaths"
period = "2016"
observation = "count"
value = 3
assumption = "x"
"""


def _one(**kw):
    item = {"name": "t", "metric": "deaths", "period": "2016", "observation": "count", "value": 3.0,
            "assumption": "x"}
    item.update(kw)
    return parse_targets({"target": [item]}, "t.toml")[0]


def test_project_targets_parse_with_sources_and_confidence():
    targets = load_targets(ROOT / "calibration" / "targets" / "jiangsu.toml")
    by = {t.name: t for t in targets}
    assert by["nantong_deaths_2018"].value == 336 and by["nantong_deaths_2018"].confidence == "verified-secondary"
    assert by["jiangsu_deaths_change_2015_2020"].scope_break_adjust == pytest.approx(0.67)
    assert by["deaths_change_2020_2024_national_trend"].value == pytest.approx(100 * (19600 / 27412 - 1))
    assert all(t.confidence != "recalled" and t.assumption for t in targets)


def test_period_forms():
    assert parse_period("2018") == (2018, 2018, "year")
    assert parse_period("2016-2020") == (2016, 2020, "range")
    assert parse_period("2015->2020") == (2015, 2020, "change")
    t = _one(metric="accidents_major+accidents_especially_major", scope="city:Nantong", period="2015-2021")
    assert t.metrics == ("accidents_major", "accidents_especially_major") and t.years == (2015, 2021)


def test_recalled_needs_opt_in():
    ref = {"file": "china_national_safety.csv", "year": 2015, "metric": "deaths_all"}
    item = {"name": "r", "metric": "deaths", "period": "2015", "observation": "count", "data": ref,
            "assumption": "x"}
    with pytest.raises(InputError, match="recalled"):
        parse_targets({"target": [item]}, "t.toml")
    assert parse_targets({"target": [item]}, "t.toml", allow_recalled=True)[0].value == 66182
    # where a figure exists twice, the default-confidence row wins unless recalled is asked for
    ref16 = {"file": "china_national_safety.csv", "year": 2016, "metric": "deaths_all"}
    assert parse_targets({"target": [{**item, "period": "2016", "data": ref16}]}, "t.toml")[0].value == 41000
    assert len(refdata.table("china_national_safety.csv")) < len(refdata.table("china_national_safety.csv",
                                                                              allow_recalled=True))


def test_scope_break_must_be_bridged():
    item = {"name": "c", "metric": "deaths", "period": "2015->2017", "observation": "relative_change",
            "value": -40.0, "tolerance": 5.0, "assumption": "x"}
    with pytest.raises(InputError, match="2016"):
        parse_targets({"target": [item]}, "t.toml")
    assert parse_targets({"target": [{**item, "scope_break_adjust": 0.67}]}, "t.toml")[0].scope_break_adjust == 0.67
    refs = {"data_from": {"file": "china_national_safety.csv", "year": 2013, "metric": "deaths_all"},
            "data_to": {"file": "china_national_safety.csv", "year": 2017, "metric": "deaths_all"}}
    with pytest.raises(InputError, match="scope"):
        parse_targets({"target": [{**item, "value": None, **refs}]}, "t.toml")


@pytest.mark.parametrize("body,key", [
    ('[[target]]\nname = "a"\nmetric = "deaths"\nperiod = "2016"\nobservation = "count"\nvalue = 3\n', "assumption"),
    (GOOD.replace('"deaths"', '"deths"'), "metric"),
    (GOOD.replace('"count"', '"ratio"'), "observation"),
    (GOOD.replace('"2016"', '"16"'), "period"),
    (GOOD.replace('value = 3', 'value = 3\ncolour = 1'), "colour"),
    (GOOD + 'scope = "city:Atlantis"\n', "scope"),
    (GOOD.replace('"count"', '"relative_change"'), "target"),
    (GOOD.replace("value = 3", 'data = { file = "nope.csv" }'), "data.file"),
    (GOOD.replace("[[target]]", "[[targets]]"), "targets"),
    ("[[target]\n", None),
])
def test_bad_target_files_one_line(tmp_path, body, key):
    path = tmp_path / "bad.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_targets(path)
    msg = str(err.value)
    assert "\n" not in msg and str(path) in msg
    if key:
        assert key in msg


def _spec(tmp_path, extra="", targets=GOOD):
    (tmp_path / "targets.toml").write_text(targets, encoding="utf-8")
    spec = tmp_path / "spec.toml"
    spec.write_text(f'scenario = "{ROOT / "scenarios" / "tiny.toml"}"\ntargets = "targets.toml"\n'
                    '[setup]\nstart_year = 2015\nmonths = 24\n' + extra, encoding="utf-8")
    return spec


def test_spec_parses(tmp_path):
    spec = load_spec(_spec(tmp_path, "[parameters.severity_scale]\nprior = \"uniform\"\nlow = 0.5\n"))
    assert [p.name for p in spec.free] == ["severity_scale"] and spec.free[0].low == 0.5
    jiangsu = load_spec(ROOT / "calibration" / "specs" / "jiangsu.toml")
    assert jiangsu.holdout_after == 2020 and jiangsu.methods == ["history-matching", "abc-smc"]
    held = {t.name for t in jiangsu.heldout_targets}
    assert held == {"jiangsu_major_2021_2024", "deaths_change_2020_2024_national_trend"}
    assert all(t.last_year <= 2020 for t in jiangsu.fit_targets)


@pytest.mark.parametrize("extra,targets,needle", [
    ("[parameters.fine_level]\n", GOOD, "policy lever"),
    ("[parameters.severity_scal]\n", GOOD, "did you mean"),
    ("[parameters.severity_scale]\nlow = 5.0\n", GOOD, "declared bounds"),
    ("[parameters.severity_scale]\n[abc]\npopulation = 1\n", GOOD, "abc.population"),
    ("[parameters.severity_scale]\n", GOOD.replace('"2016"', '"2030"'), "outside the simulated years"),
    ("[parameters.severity_scale]\n", GOOD.replace("assumption", "asumption"), "targets.toml"),
])
def test_bad_specs_exit_2_one_line(tmp_path, capsys, extra, targets, needle):
    spec = _spec(tmp_path, extra, targets)
    out = tmp_path / "out"
    assert main(["calibrate", str(spec), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and needle in err
    assert not out.exists()  # nothing written before validation passed
