"""safegov robust: EMA Workbench's robust search on a stand-in model with a known Pareto front."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("ema_workbench")

from experiments.robust import load_posterior, load_spec
from safegov.cli import main
from sim import params as P
from sim.errors import InputError

SPEC = """
title = "stand-in with a known front"
model = "experiments.toy_analysis:pareto"
objectives = {{ loss = "min", cost = "min" }}
scenarios = 4
replicates = 2
nfe = 240
population = 12
seed = 3
budget = 60.0
cost_outcome = "cost_10k_cny"
posterior = "{posterior}"
[levers]
effort = [0.0, 1.0]
waste = [0.0, 1.0]
[uncertain]
shock = [0.0, 1.0]
"""


def _write(tmp_path, posterior="none"):
    path = tmp_path / "spec.toml"
    path.write_text(SPEC.format(posterior=posterior), encoding="utf-8")
    return path


def test_known_front_budget_and_resume(tmp_path, capsys):
    spec_path, out = _write(tmp_path), tmp_path / "out"
    state = random.getstate()
    assert main(["robust", str(spec_path), "--out", str(out), "--workers", "0", "--quiet"]) == 0
    assert random.getstate() == state  # platypus' global random state is restored
    front = pd.read_csv(out / "pareto.csv")
    assert len(front) >= 4
    assert (front["waste"] < 0.05).all()                      # waste only costs: never on the front
    assert (front["cost_per_year"] <= 60.0 + 1e-9).all()       # budget: effort + waste <= 0.6
    assert front["effort"].max() <= 0.6 + 1e-9
    assert front["effort"].max() - front["effort"].min() > 0.3  # the front is spread along effort
    # every policy is scored on its own states (EMA 3.0 scored them on the whole generation's):
    # mean loss - (1 - effort)^2 and mean cost - effort - waste are the same constants for all
    loss_c = front["loss_mean"] - (1 - front["effort"]) ** 2
    cost_c = front["cost_mean"] - front["effort"] - front["waste"]
    assert loss_c.std() < 1e-9 and cost_c.std() < 1e-9
    states = pd.read_csv(out / "states.csv")
    assert cost_c.iloc[0] == pytest.approx(states["shock"].mean() / 2)
    assert (front["loss_p10"] <= front["loss_mean"]).all() and (front["loss_mean"] <= front["loss_p90"]).all()
    for name in ("parallel_coordinates.png", "report.md", "robust.json", "convergence.csv", "reference.csv"):
        assert (out / name).stat().st_size > 0
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "稳健政策搜索" in report and "declared ranges" in report
    capsys.readouterr()
    # rerun: the search replays and every run is read back from the store
    assert main(["robust", str(spec_path), "--out", str(out), "--workers", "0", "--quiet"]) == 0
    assert "(0 runs," in capsys.readouterr().out
    again = pd.read_csv(out / "pareto.csv")
    pd.testing.assert_frame_equal(front, again)


def test_posterior_table_is_used_for_the_states(tmp_path):
    post = tmp_path / "posterior_abc.csv"
    pd.DataFrame({"shock": [0.9, 0.95, 1.0], "weight": [1, 1, 2], "other": [1, 2, 3]}).to_csv(post, index=False)
    spec = load_spec(_write(tmp_path, posterior=str(tmp_path)))
    assert spec.posterior_file == post and list(spec.uncertain) == ["shock"]
    from experiments.robust import states_of_the_world

    shocks = [s["shock"] for s in states_of_the_world(spec)]
    assert set(shocks) <= {0.9, 0.95, 1.0} and len(shocks) == 4
    assert "calibration posterior" in spec.uncertainty_source()


def test_posterior_loader_checks_declared_bounds(tmp_path):
    path = tmp_path / "posterior.parquet"
    pd.DataFrame({"optimism": [0.5, 0.99], "weight": [1.0, 1.0]}).to_parquet(path)
    with pytest.raises(InputError, match=r"optimism: 1 draws missing or outside the declared range \[0, 0.95\]"):
        load_posterior(path, {p.name for p in P.UNCERTAIN})
    pd.DataFrame({"optimism": [0.5, 0.7], "moral_weight": [0.2, 0.4], "weight": [1.0, 3.0]}).to_parquet(path)
    post = load_posterior(path, {p.name for p in P.UNCERTAIN})
    assert list(post.columns) == ["optimism", "moral_weight", "_weight"]
    assert np.allclose(post["_weight"], [0.25, 0.75])


@pytest.mark.parametrize(("text", "words"), [
    ("model = 'sim'\nlevers = ['optimism']\n", "'optimism' is not a declared policy lever"),
    ("model = 'sim'\nlevers = ['training_rate']\nobjectives = ['inspections']\n", "has no better direction"),
    ("model = 'sim'\n[levers]\nfine_level = [0.0, 9.0]\n", "expected bounds within the declared [0.2, 4]"),
    ("model = 'sim'\nlevers = ['training_rate']\nnfe = 'many'\n", "nfe"),
])
def test_bad_specs_are_one_line_errors(tmp_path, capsys, text, words):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "never"
    assert main(["robust", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert words in err and len(err.strip().splitlines()) == 1
    assert not out.exists()
