"""safegov compare / sweep / results from the command line."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from safegov.cli import main

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "scenarios" / "tiny.toml"
pytestmark = pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")

GOOD = f"""
base = "{TINY}"
replicates = 2
seed = 3
months = 6
[scale]
agents = 100
[design]
kind = "lhs"
samples = 3
[factors]
rescue_capacity = [0.1, 0.9]
fine_level = {{ low = 0.5, high = 2.0 }}
"""

BAD = {
    "unknown factor": (GOOD.replace("rescue_capacity = [", "rescue_capacty = ["), "factors.rescue_capacty",
                       "did you mean 'rescue_capacity'"),
    "out of range": (GOOD.replace("[0.1, 0.9]", "[0.1, 1.9]"), "factors.rescue_capacity.high", "declared bounds"),
    "low >= high": (GOOD.replace("[0.1, 0.9]", "[0.9, 0.1]"), "factors.rescue_capacity", "low < high"),
    "unknown key": (GOOD.replace("replicates = 2", "replicate = 2"), "replicate", "did you mean 'replicates'"),
    "bad design": (GOOD.replace('kind = "lhs"', 'kind = "sobol"'), "design.kind", "factorial"),
    "no samples": (GOOD.replace("samples = 3", ""), "design.samples", "samples"),
    "negative replicates": (GOOD.replace("replicates = 2", "replicates = -1"), "replicates", "between 1 and"),
    "bad scale": (GOOD.replace("agents = 100", "agentz = 100"), "scale.agentz", "did you mean 'agents'"),
    "scale out of range": (GOOD.replace("agents = 100", "agents = 1"), "agents", "10"),
    "missing base": (GOOD.replace(f'base = "{TINY}"', 'base = "nowhere.toml"'), "base", "not found"),
    "bad toml": (GOOD + "\n[[[", None, "not valid TOML"),
    "bad model": ('model = "nosuch.mod:fn"\n' + GOOD, "model", "cannot import"),
    "half a range": (GOOD.replace("fine_level = { low = 0.5, high = 2.0 }", "fine_level = { low = 0.5 }"),
                     "factors.fine_level", "both low and high"),
    "bad factor type": (GOOD + 'inspector_skill = "high"\n', "factors.inspector_skill", "expected [low, high]"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_malformed_sweep_spec_is_one_line_exit_2(tmp_path, capsys, case):
    text, key, words = BAD[case]
    spec = tmp_path / "spec.toml"
    spec.write_text(text)
    out = tmp_path / "out"
    assert main(["sweep", str(spec), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert str(spec) in lines[0] and words in lines[0]
    if key:
        assert key in lines[0]
    assert not out.exists()


def test_bad_flags_are_one_line(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["sweep", "x.toml", "--scheduler", "somewhere"])
    assert exc.value.code == 2 and len(capsys.readouterr().err.strip().splitlines()) == 1


def test_sweep_runs_resumes_and_results_lists(tmp_path, capsys):
    spec = tmp_path / "spec.toml"
    spec.write_text(GOOD)
    out = tmp_path / "sw"
    assert main(["sweep", str(spec), "--out", str(out), "--quiet", "--workers", "2"]) == 0
    printed = capsys.readouterr().out
    assert "6 runs done, 0 failed" in printed
    design = pd.read_csv(out / "design.csv")
    assert len(design) == 3 and design["rescue_capacity"].between(0.1, 0.9).all()
    assert main(["sweep", str(spec), "--out", str(out), "--quiet", "--workers", "0"]) == 0
    assert "0 runs done, 0 failed, 6 already done" in capsys.readouterr().out
    assert main(["results", str(out)]) == 0
    text = capsys.readouterr().out
    assert "6 done, 0 failed, 0 missing of 6 planned" in text and "p0002" in text


def test_sweep_with_a_failing_run_exits_nonzero_and_lists_it(tmp_path, capsys):
    spec = tmp_path / "flaky.toml"
    spec.write_text(f"""
base = "{TINY}"
model = "experiments.toy:flaky"
replicates = 3
[design]
kind = "table"
points = [{{ rescue_capacity = 0.5 }}]
""")
    out = tmp_path / "fl"
    assert main(["sweep", str(spec), "--out", str(out), "--quiet", "--workers", "0"]) == 1
    captured = capsys.readouterr()
    assert "1 run(s) failed" in captured.err and "injected failure in replicate 1" in captured.err
    assert "2 runs done, 1 failed" in captured.out
    assert main(["results", str(out)]) == 0
    assert "2 done, 1 failed, 0 missing" in capsys.readouterr().out


def test_results_on_a_non_store_is_exit_2(tmp_path, capsys):
    assert main(["results", str(tmp_path)]) == 2
    assert "not an experiment folder" in capsys.readouterr().err


def test_compare_end_to_end(tmp_path, capsys):
    other = tmp_path / "rescue.toml"
    other.write_text(f'extends = "{TINY}"\nname = "rescue"\ntitle = "More rescue"\ntitle_zh = "加强救援"\n'
                     "[levers]\nrescue_capacity = 0.9\nfine_level = 2.0\n")
    out = tmp_path / "cmp"
    argv = ["compare", str(TINY), str(other), "--replicates", "3", "--seed", "5", "--months", "12",
            "--agents", "200", "--out", str(out), "--quiet", "--workers", "2"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert "too few" in captured.err  # R = 3 warns
    assert "Deaths" in captured.out and "rescue" in captured.out
    # the answer comes first: the headline sentences, both languages, province and regions
    first = captured.out.splitlines()[0]
    assert first.startswith("rescue (More rescue 加强救援) against tiny")
    for words in ("Jiangsu, deaths", "North (Subei), major-or-worse accidents", "江苏全省", "苏北", "95%置信区间"):
        assert words in captured.out, words
    assert "report.html" in captured.out.splitlines()[-1]  # says what to open next
    table = pd.read_csv(out / "comparison.csv")
    assert set(table["region"]) == {"province", "south", "central", "north"}
    for metric in ("deaths", "accidents_general", "accidents_larger", "accidents_major",
                   "accidents_especially_major", "larger_or_worse", "major_or_worse", "compliance_rate", "hazards_per_enterprise",
                   "inspections", "penalty_cases", "zero_penalty_counties", "enforcement_cost_10k_cny",
                   "compliance_cost_10k_cny"):
        assert len(table[table.metric == metric]) == 4, metric
    assert (table["n_pairs"] == 3).all()
    for name in ("effects.png", "regional.png", "difference_by_year.png", "envelopes.png", "report.md",
                 "yearly.csv"):
        assert (out / name).stat().st_size > 0
    html = (out / "report.html").read_text(encoding="utf-8")
    assert '<meta charset="utf-8">' in html and html.count("data:image/png;base64,") == 4
    md = (out / "report.md").read_text(encoding="utf-8")
    assert md.index("Headline") < md.index("Scenarios") and "重大及以上事故" in md
    for words in ("rescue_capacity", "应急救援能力", "fine_level", "罚款力度", "苏南", "情景差异"):
        assert words in html, words
    # resume: nothing to run again, same table
    assert main(argv) == 0
    assert "0 runs done, 0 failed, 6 already done" in capsys.readouterr().out
    pd.testing.assert_frame_equal(pd.read_csv(out / "comparison.csv"), table)
    assert main(["results", str(out)]) == 0
    text = capsys.readouterr().out
    assert "6 done, 0 failed, 0 missing" in text and "paired effects against the base" in text


def test_compare_bad_scenario_is_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text(f'extends = "{TINY}"\n[levers]\nrescue_capacity = 3.0\n')
    assert main(["compare", str(TINY), str(bad), "--out", str(tmp_path / "o"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "rescue_capacity" in err[0]
    assert not (tmp_path / "o").exists()


def test_factorial_and_declared_ranges(tmp_path):
    from experiments.sweep import load_sweep
    from sim import params

    spec = tmp_path / "f.toml"
    spec.write_text(f"""
base = "{TINY}"
[design]
kind = "factorial"
levels = 2
[factors]
optimism = {{}}
fine_level = {{ low = 0.5, high = 2.0, levels = 4 }}
rescue_capacity = {{ values = [0.1, 0.9] }}
""")
    sweep = load_sweep(spec)
    assert len(sweep.points) == 2 * 4 * 2 and len(sweep.specs()) == 16
    p = params.BY_NAME["optimism"]
    assert {pt["optimism"] for pt in sweep.points} == {p.low, p.high}
    assert sorted({pt["fine_level"] for pt in sweep.points}) == [0.5, 1.0, 1.5, 2.0]
