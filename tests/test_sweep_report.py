"""safegov sweep writes a report with factors against outcomes and envelopes per design point."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from safegov.cli import main

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")


def test_sweep_report_on_a_known_effect(tmp_path, capsys):
    """experiments.toy:known_effect rises by EFFECT per unit of rescue_capacity: the report finds it."""
    spec = tmp_path / "k.toml"
    spec.write_text('base = "tiny"\nmodel = "experiments.toy:known_effect"\nreplicates = 4\nseed = 5\n'
                    '[design]\nkind = "lhs"\nsamples = 8\n[factors]\nrescue_capacity = [0.0, 1.0]\n'
                    "fine_level = [0.5, 2.0]\n", encoding="utf-8")
    out = tmp_path / "s"
    assert main(["sweep", str(spec), "--out", str(out), "--quiet", "--workers", "0"]) == 0
    printed = capsys.readouterr().out
    assert "report.html" in printed.splitlines()[-1]
    points = pd.read_csv(out / "points.csv")
    assert len(points) == 8 and {"rescue_capacity", "y_mean", "y_ci_low", "y_ci_high", "n"} <= set(points.columns)
    assert (points["y_ci_low"] <= points["y_mean"]).all() and (points["n"] == 4).all()
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "strongest rank correlation with `rescue_capacity`" in md.split("**y**")[1].splitlines()[0]
    assert (out / "factors_outcomes.png").stat().st_size > 1000
    html = (out / "report.html").read_text(encoding="utf-8")
    assert '<meta charset="utf-8">' in html and html.count("data:image/png;base64,") == 1


def test_sweep_report_on_the_model_draws_envelopes(tmp_path):
    spec = tmp_path / "m.toml"
    spec.write_text(f'base = "{ROOT / "scenarios" / "tiny.toml"}"\nreplicates = 2\nseed = 3\nmonths = 24\n'
                    '[scale]\nagents = 120\n[design]\nkind = "table"\n'
                    "points = [{ inspectors_per_county = 10 }, { inspectors_per_county = 60 }]\n", encoding="utf-8")
    out = tmp_path / "s"
    assert main(["sweep", str(spec), "--out", str(out), "--quiet", "--workers", "0"]) == 0
    for name in ("envelopes_deaths.png", "envelopes_compliance_rate.png", "factors_outcomes.png", "report.html"):
        assert (out / name).stat().st_size > 1000, name
    points = pd.read_csv(out / "points.csv")
    # rare counts get an exact interval (never below 0), rates a t interval
    assert (points["major_or_worse_ci_low"] >= 0).all() and (points["major_or_worse_ci_high"] > 0).all()
    assert "Design points" in (out / "report.md").read_text(encoding="utf-8")
