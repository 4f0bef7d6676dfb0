"""The sensitivity pipeline on the real model at a tiny scale: every method end to end, resume,
a lever that is dead by construction, and bad specs.

Dead lever: rescue_capacity only changes deaths given an accident (sim/mechanisms/severity.py:
it saves deaths; the draws are fixed-size, so CRN keeps every other draw). Deaths feed back on
accidents and inspections only through the grade of an accident: committee jumps
(campaign_jump), sector closures (campaign_closure), collusion exposure by investigations
(investigation_exposure) and closure after an accident (accident_closure). With all four at 0,
the only channel left is the 12-month inspection boost of a sector after a major (10+ deaths)
accident, which needs an accident near the bound; none occurs at this scale. So with common
random numbers the index of rescue_capacity on accidents and inspections is 0.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.sensitivity.pipeline import run_sensitivity
from experiments.sensitivity.spec import load_spec
from sim.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = {"morris": 4, "sobol": 8, "pawn": 24}

SPEC = f"""
scenario = "{(ROOT / 'scenarios' / 'tiny.toml').as_posix()}"
factors = ["rescue_capacity", "inspectors_per_county", "fine_level"]
replicates = 2
seed = 7
outputs = ["accidents", "inspections", "deaths", "major_accidents"]
slices = 4
scale = "scenario"
[bounds]
fine_level = [0.5, 3.0]
[fixed]
campaign_jump = 0.0
campaign_closure = 0.0
investigation_exposure = 0.0
accident_closure = 0.0
[setup]
agents = 400
months = 18
warmup_months = 6
"""


@pytest.fixture(scope="module")
def spec_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("spec") / "dead_lever.toml"
    path.write_text(SPEC, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def results(spec_file, tmp_path_factory):
    out = {}
    for method, n in SAMPLES.items():
        spec = load_spec(spec_file, method=method, samples=n, regions=(method == "morris"))
        out[method] = run_sensitivity(spec, tmp_path_factory.mktemp(method), workers=2, quiet=True,
                                      num_resamples=50, replicate_resamples=10)
    return out


@pytest.mark.parametrize("method", list(SAMPLES))
def test_pipeline_end_to_end(results, method):
    r = results[method]
    assert r.batch.ok and len(r.batch.done) == len(r.X) * 2
    for name in ("indices.csv", "summary.csv", "design.csv", "report.md", "report.html", "sensitivity.json"):
        assert (r.out / name).stat().st_size > 0, name
    t = pd.read_csv(r.out / "indices.csv")
    outputs = ["accidents", "inspections", "deaths", "major_or_worse"]   # major_accidents -> major_or_worse
    if method == "morris":
        outputs += [f"{o}__{g}" for o in list(outputs) for g in ("south", "central", "north")]
    assert set(t["output"]) == set(outputs)
    assert set(t["factor"]) == {"rescue_capacity", "inspectors_per_county", "fine_level"}
    assert {"value", "conf", "low", "high", "conf_sample", "conf_replicate", "value_first_half",
            "noise_share_runs", "noise_share_means"} <= set(t.columns)
    assert len(list((r.out / "figures").glob(f"{method}_*.png"))) == len(outputs)
    s = pd.read_csv(r.out / "summary.csv").set_index("output")
    assert {"noise_share_runs", "noise_share_means", "crn_share", "converged", "rankable"} <= set(s.columns)
    assert 0 <= s.loc["deaths", "noise_share_runs"] <= 1
    main = {"morris": "mu_star", "sobol": "ST", "pawn": "pawn"}[method]
    top = t[(t.output == "inspections") & (t["index"] == main)].sort_values("value").iloc[-1]
    assert top["factor"] == "inspectors_per_county" and top["rank"] == 1
    design = pd.read_csv(r.out / "design.csv")
    assert design["fine_level"].between(0.5, 3.0).all()
    html = (r.out / "report.html").read_text(encoding="utf-8")
    assert '<meta charset="utf-8">' in html and "死亡人数" in html and "data:image/png;base64," in html
    if method == "morris":
        assert "Across regions" in (r.out / "report.md").read_text(encoding="utf-8")


def test_report_tells_one_story_across_overview_regions_and_findings(results):
    """The overview, the regional table and the findings name the same factors (one rule), and
    μ* intervals stop at 0."""
    from experiments.sensitivity.figures import influential_factors

    r = results["morris"]
    md = (r.out / "report.md").read_text(encoding="utf-8")
    assert md.index("## Overview") < md.index("## Across regions") < md.index("## Findings by output")
    assert (r.out / "figures" / "overview.png").stat().st_size > 1000
    table_rows = {line.split(" | ")[0].lstrip("| "): line.strip("| ").split(" | ")
                  for line in md.splitlines() if line.startswith("| ") and " (" in line.split(" | ")[0]}
    for base in ("accidents", "deaths"):
        cells = next(v for k, v in table_rows.items() if k.startswith(base + " ("))
        for cell, name in zip(cells[1:5], [base, *(f"{base}__{g}" for g in ("south", "central", "north"))],
                              strict=True):
            a = r.analysis(name)
            infl = influential_factors(a)
            labels = a.table.drop_duplicates("factor").set_index("factor")["label"]
            expected = ", ".join(labels[f] for f in infl[:3]) if infl else "none 无"
            assert cell == expected, (name, cell, expected)
            finding = next(line for line in md.splitlines() if line.startswith(f"**{output_title_of(name)}**:"))
            assert ("no lever has an effect distinguishable" in finding) == (not infl), (name, finding)
    t = pd.read_csv(r.out / "indices.csv")
    assert (t.loc[t["index"] == "mu_star", "low"] >= 0).all()


def output_title_of(name: str) -> str:
    from experiments.sensitivity.spec import output_title

    return output_title(name)


def test_dead_lever_has_zero_index(results):
    for output in ("accidents", "inspections"):
        mu = results["morris"].analysis(output).table
        mu = mu[mu["index"] == "mu_star"].set_index("factor")["value"]
        # Exactly 0 with CRN unless a 10-death accident happens to lose a death to rescue (then tiny).
        assert mu["rescue_capacity"] <= 0.01 * mu.max(), (output, mu.to_dict())
        assert mu["inspectors_per_county"] > 0
        st = results["sobol"].index(output, "rescue_capacity", "ST")
        assert abs(st["value"]) <= 0.01 and st["conf"] <= 0.01, (output, st)
        # PAWN has no CRN pairing: a dead factor reaches the level of a dummy factor by chance,
        # so "near 0" means its CI is not above the dummy's (it is not called influential).
        pawn = results["pawn"].index(output, "rescue_capacity", "pawn")
        null = results["pawn"].index(output, "rescue_capacity", "pawn_null")
        assert pawn["low"] <= null["high"], (output, pawn["value"], pawn["conf"], null["value"], null["conf"])
        assert "rescue_capacity" not in results["pawn"].analysis(output).summary["top_factors"]
    # ... while it does move deaths (a positive control: the lever is read at all).
    assert results["morris"].index("deaths", "rescue_capacity", "mu_star")["value"] > 0


def test_store_resumes_and_extends(results, spec_file):
    r = results["morris"]
    spec = load_spec(spec_file, method="morris", samples=SAMPLES["morris"], regions=True)
    before = pd.read_csv(r.out / "indices.csv")
    again = run_sensitivity(spec, r.out, workers=0, quiet=True, num_resamples=50, replicate_resamples=10)
    assert again.batch.done == [] and len(again.batch.skipped) == len(r.X) * 2
    pd.testing.assert_frame_equal(before, pd.read_csv(r.out / "indices.csv"))
    more = load_spec(spec_file, method="morris", samples=SAMPLES["morris"], replicates=3, regions=True)
    extended = run_sensitivity(more, r.out, workers=0, quiet=True, num_resamples=50, replicate_resamples=10)
    assert len(extended.batch.done) == len(r.X) and len(extended.batch.skipped) == len(r.X) * 2
    assert np.isfinite(extended.Y).all() and extended.Y.shape[1] == 3
    np.testing.assert_array_equal(extended.Y[:, :2], r.Y)   # the same (seed, r) runs, read back


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "safegov.cli", "sensitivity", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_bounds_outside_declaration_exit_2(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(SPEC.replace("fine_level = [0.5, 3.0]", "fine_level = [0.1, 3.0]"), encoding="utf-8")
    proc = _cli(str(bad), "--out", str(tmp_path / "out"))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "bad.toml" in lines[0] and "bounds.fine_level" in lines[0]
    assert "[0.2, 4]" in lines[0]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("old", "new", "key"), [
    ('outputs = ["accidents"', 'outputs = ["acidents"', "outputs"),
    ('"fine_level"]', '"fine_levl"]', "factors"),
    ("campaign_jump = 0.0", "campaign_jump = 3.0", "fixed.campaign_jump"),
    ("agents = 400", "agents = 1", "agents"),
    ("replicates = 2", "replicates = 0", "replicates"),
    ("seed = 7", "seed = 7\nwho = 1", "who"),
])
def test_bad_spec_one_line_error(tmp_path, old, new, key):
    bad = tmp_path / "bad.toml"
    bad.write_text(SPEC.replace(old, new), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_spec(bad)
    assert "bad.toml" in str(err.value) and key in str(err.value) and "\n" not in str(err.value)


def test_sobol_samples_must_be_power_of_two(spec_file):
    with pytest.raises(InputError, match="power of two"):
        load_spec(spec_file, method="sobol", samples=12)


def test_cli_runs_callable_spec(tmp_path):
    proc = _cli("experiments/sensitivity/specs/ishigami.toml", "--method", "morris", "--samples", "10",
                "--workers", "0", "--quiet", "--out", str(tmp_path / "m"))
    assert proc.returncode == 0, proc.stderr
    assert "top: x" in proc.stdout and (tmp_path / "m" / "report.html").exists()
