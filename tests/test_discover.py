"""Scenario discovery (EMA Workbench's PRIM and CART) on a synthetic store with a known box."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("ema_workbench")

from experiments.discover import design_table, discover, parse_threshold
from experiments.runner import run_batch
from experiments.spec import RunSpec
from experiments.toy_analysis import BOX_X1_MAX, BOX_X2_MIN
from safegov.cli import main
from sim.errors import InputError


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("boxed")
    rng = np.random.default_rng(7)
    pts = rng.random((400, 4))
    specs = [RunSpec.make("", {f"x{j + 1}": float(v) for j, v in enumerate(row)}, None, seed=3, replicate=r,
                          model="experiments.toy_analysis:boxed", design_point=i)
             for i, row in enumerate(pts) for r in range(2)]
    report = run_batch(specs, folder, workers=0, quiet=True)
    assert report.ok
    return folder


def test_prim_finds_the_known_box(store):
    x, y, info = design_table(store, "harm")
    assert len(x) == 400 and info["replicates_min"] == 2 and set(x.columns) == {"x1", "x2", "x3", "x4"}
    d = discover(x, y, "harm", parse_threshold("5", "above"), "prim")
    box = d.box.set_index("parameter")
    assert set(box.index) == {"x1", "x2"}  # the inert inputs are not restricted
    assert box.loc["x1", "restricts_max"] and box.loc["x2", "restricts_min"]
    assert box.loc["x1", "max"] == pytest.approx(BOX_X1_MAX, abs=0.03)
    assert box.loc["x2", "min"] == pytest.approx(BOX_X2_MIN, abs=0.03)
    assert box.loc["x1", "qp_max"] < 1e-3 and box.loc["x2", "qp_min"] < 1e-3  # the real limits: far from chance
    # any other limit PRIM peeled is flagged as chance (quasi-p > 0.05)
    if box.loc["x1", "restricts_min"]:
        assert box.loc["x1", "qp_min"] > 0.05
    if box.loc["x2", "restricts_max"]:
        assert box.loc["x2", "qp_max"] > 0.05
    assert d.box_stats["coverage"] >= 0.9 and d.box_stats["density"] >= 0.9
    assert list(d.scores["parameter"][:2]) in (["x1", "x2"], ["x2", "x1"])
    assert not d.warnings  # 400 points, about 48 cases of interest
    small = discover(x.iloc[:40], y.iloc[:40], "harm", parse_threshold("5", "above"), "prim")
    assert small.warnings and "cases of interest among 40 design points" in small.warnings[0]
    assert d.trajectory["coverage"].iloc[0] == 1.0 and d.trajectory["density"].is_monotonic_increasing


def test_cart_finds_the_same_box(store):
    x, y, _ = design_table(store, "harm")
    d = discover(x, y, "harm", parse_threshold("90%", "above"), "cart")
    assert d.threshold.startswith("above the 90th percentile")
    box = d.box.set_index("parameter")
    assert set(box.index) == {"x1", "x2"}
    assert box.loc["x1", "max"] == pytest.approx(BOX_X1_MAX, abs=0.03)
    assert box.loc["x2", "min"] == pytest.approx(BOX_X2_MIN, abs=0.03)
    assert d.box_stats["density"] >= 0.9


def test_cli_writes_the_report_and_figures(store, tmp_path, capsys):
    out = tmp_path / "disc"
    assert main(["discover", str(store), "--outcome", "harm", "--above", "5", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert re.search(r"PRIM box: x1 ≤ 0\.(29|30)\d* and x2 ≥ 0\.(59|60|61)", text), text
    assert "coverage" in text
    for name in ("report.md", "box.csv", "peeling_trajectory.csv", "feature_scores.csv", "cases.csv", "discover.json",
                 "feature_scores.png", "peeling_trajectory.png", "box_limits.png"):
        assert (out / name).stat().st_size > 0, name
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "情景发现" in report and "Coverage 覆盖率" in report and "quasi-p" in report
    manifest = json.loads((out / "discover.json").read_text(encoding="utf-8"))
    cases = pd.read_csv(out / "cases.csv")
    assert manifest["method"] == "prim" and manifest["cases_of_interest"] == int(cases["of_interest"].sum())


@pytest.mark.parametrize(("argv", "words"), [
    (["--outcome", "nope"], "no outcome 'nope' in this store"),
    (["--outcome", "harm", "--above", "lots"], "expected a number or a percentile"),
    (["--outcome", "harm", "--above", "1000"], "0 of 400 design points"),
    (["--outcome", "harm"], "has no better direction"),
])
def test_bad_input_is_one_line_and_writes_nothing(store, tmp_path, capsys, argv, words):
    out = tmp_path / "never"
    assert main(["discover", str(store), *argv, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert words in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_not_a_store(tmp_path, capsys):
    assert main(["discover", str(tmp_path), "--outcome", "deaths"]) == 2
    assert "not an experiment folder" in capsys.readouterr().err
    with pytest.raises(InputError):
        parse_threshold("p100", "above")


def test_cart_is_seeded_when_splits_tie(store):
    # a copy of x1 splits exactly as well as x1: EMA's unseeded tree picks either at random
    x, y, _ = design_table(store, "harm")
    x = x.assign(x1_copy=x["x1"])
    boxes = {tuple(discover(x, y, "harm", parse_threshold("5", "above"), "cart", seed=4).box["parameter"])
             for _ in range(6)}
    assert len(boxes) == 1, boxes


def test_inputs_follow_the_ema_order_then_the_declaration():
    from experiments.discover import column_order

    manifest = {"ema": {"models": {"m": {"uncertainties": ["optimism", "formality"], "levers": ["training_rate"]}}}}
    cols = ["training_rate", "zeta", "fine_level", "formality", "optimism", "alpha"]
    assert column_order(cols, manifest) == ["optimism", "formality", "training_rate", "fine_level", "alpha", "zeta"]
    from sim import params as P

    declared = [p.name for p in P.PARAMETERS][:4]
    assert column_order(sorted(declared), {}) == declared


def test_figures_draw_doubtful_limits(store, tmp_path):
    from experiments.discover import figures

    x, y, _ = design_table(store, "harm")
    rng = np.random.default_rng(0)
    noise = pd.Series(rng.random(len(y)), index=y.index)  # an outcome no input explains: limits are chance
    d = discover(x, noise, "harm", parse_threshold("80%", "above"), "prim", min_density=0.5)
    doubtful = (d.box["restricts_min"] & (d.box["qp_min"] > 0.05)) | (d.box["restricts_max"] & (d.box["qp_max"] > 0.05))
    assert doubtful.any()
    names = {p.name for p in figures(d, tmp_path)}
    assert {"box_limits.png", "peeling_trajectory.png", "feature_scores.png"} <= names
