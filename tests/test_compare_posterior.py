"""safegov compare --posterior: one posterior draw per replicate, shared by every scenario
(common random numbers and common parameters), the variance split, and bad posteriors."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.compare import posterior as P
from safegov.cli import main
from sim import params

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "scenarios" / "tiny.toml"
TOY = f"{__name__}:posterior_toy"


def write_posterior(folder: Path, n: int = 40, name: str = "posterior_abc-smc.parquet", seed: int = 3,
                    **columns) -> Path:
    """A hand-made posterior: two behavioural parameters, normalised weights, ABC distances."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    data = {"base_incident_rate": rng.uniform(0.003, 0.012, n), "severity_scale": rng.uniform(0.5, 2.5, n),
            "weight": np.full(n, 1.0 / n), "distance": rng.random(n)}
    data.update(columns)
    path = folder / name
    pd.DataFrame(data).to_parquet(path)
    return path


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def posterior_toy(params: dict, seed: int, replicate: int) -> dict[str, float]:
    """y = 10 + 3 · rescue_capacity · severity_scale + noise common to a replicate + own noise.

    The paired effect of rescue_capacity 0 -> 1 is 3 · severity_scale: with severity_scale drawn
    from a wide posterior the effect's variance is mostly parameter uncertainty; with a constant
    severity_scale it is the own noise alone (sd 0.5 · sqrt 2). ``theta`` echoes the value the
    model received."""
    x, theta = float(params.get("rescue_capacity", 0.0)), float(params.get("severity_scale", 1.0))
    common = np.random.default_rng([seed, replicate, 0]).normal(0.0, 5.0)
    own = np.random.default_rng([seed, replicate, round(x * 1000), 1]).normal(0.0, 0.5)
    return {"y": 10.0 + 3.0 * x * theta + common + own, "theta": theta}


@pytest.fixture(scope="module")
def sim_compare(tmp_path_factory):
    """One small posterior comparison on the tiny world: 3 replicates, 12 months, 200 agents; the
    second scenario sets a drawn parameter itself."""
    tmp = tmp_path_factory.mktemp("post")
    write_posterior(tmp / "results")
    other = tmp / "strict.toml"
    other.write_text(f'extends = "{TINY}"\nname = "strict"\n[levers]\nfine_level = 2.5\nrule_of_law = 0.9\n'
                     "[behaviour]\nseverity_scale = 1.2\n")
    out = tmp / "cmp"
    argv = ["compare", str(TINY), str(other), "--posterior", str(tmp / "results"), "--replicates", "3",
            "--seed", "4", "--months", "12", "--agents", "200", "--out", str(out), "--quiet", "--workers", "0",
            "--no-figures"]
    code, stdout, stderr = run_cli(argv)
    return {"code": code, "out": out, "stdout": stdout, "stderr": stderr, "argv": argv, "tmp": tmp}


def test_every_scenario_of_a_replicate_runs_with_the_same_draw(sim_compare):
    from experiments.store import Store

    assert sim_compare["code"] == 0, sim_compare["stderr"]
    out = sim_compare["out"]
    draws = pd.read_csv(out / "posterior_draws.csv")
    post = P.load_posterior(sim_compare["tmp"] / "results")
    assert list(draws["replicate"]) == [0, 1, 2]
    assert list(draws["posterior_row"]) == post.draw_rows(4, 3)
    specs = Store(out).specs()
    assert len(specs) == 6
    by_replicate: dict[int, set] = {}
    for s in specs:
        got = dict(s.overrides)
        assert set(got) == {"base_incident_rate", "severity_scale"}
        by_replicate.setdefault(s.replicate, set()).add(tuple(sorted(got.items())))
        row = draws[draws["replicate"] == s.replicate].iloc[0]
        for name, value in got.items():
            assert value == pytest.approx(row[name], rel=1e-9)
    assert all(len(v) == 1 for v in by_replicate.values())  # one parameter set per replicate, every scenario
    assert len({next(iter(v)) for v in by_replicate.values()}) == 3  # and a new draw for each replicate
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["posterior"]["file"].endswith("posterior_abc-smc.parquet")
    assert manifest["posterior"]["parameters"] == ["base_incident_rate", "severity_scale"]


def test_a_scenario_setting_a_drawn_parameter_is_warned_about(sim_compare):
    lines = [ln for ln in sim_compare["stderr"].splitlines() if "itself" in ln]
    assert len(lines) == 1 and "strict.toml" in lines[0] and "behaviour.severity_scale" in lines[0]
    assert "tiny.toml" not in lines[0]  # tiny sets no behaviour itself
    md = (sim_compare["out"] / "report.md").read_text(encoding="utf-8")
    assert "strict.toml sets behaviour.severity_scale itself, and the posterior draw replaces it" in md


def test_the_report_says_what_the_interval_includes(sim_compare):
    out, stdout = sim_compare["out"], sim_compare["stdout"]
    for text in (stdout, (out / "report.md").read_text(encoding="utf-8")):
        assert "include both seed noise and parameter uncertainty" in text
        assert "同时包含随机种子噪声与参数不确定性" in text
        assert "not estimated (add --posterior-split" in text and "未作估计" in text
    assert "one draw from posterior_abc-smc.parquet per replicate" in stdout.splitlines()[0]
    assert not (out / "posterior_split.csv").exists()


def test_draws_stay_when_replicates_grow(sim_compare, tmp_path):
    post = P.load_posterior(sim_compare["tmp"] / "results")
    assert post.draw_rows(4, 12)[:3] == post.draw_rows(4, 3)
    assert post.draw_rows(4, 12) != post.draw_rows(5, 12)  # keyed on the seed
    # the same store, two more replicates: the first three are resumed, not rerun, with the same draws
    argv = [("4" if a == "3" and sim_compare["argv"][i - 1] == "--replicates" else a)
            for i, a in enumerate(sim_compare["argv"])]
    before = pd.read_csv(sim_compare["out"] / "posterior_draws.csv")
    code, stdout, stderr = run_cli(argv)
    assert code == 0, stderr
    assert "2 runs done, 0 failed, 6 already done" in stdout
    after = pd.read_csv(sim_compare["out"] / "posterior_draws.csv")
    pd.testing.assert_frame_equal(after.iloc[:3], before)
    assert len(after) == 4


def test_toy_model_receives_the_shared_draw_and_the_split_finds_the_parameter_part(tmp_path):
    """On a model whose effect is 3 · severity_scale, a wide posterior makes parameter uncertainty
    dominate; a one-valued posterior leaves seed noise alone."""
    from experiments.compare import run_compare
    from experiments.store import Store

    other = tmp_path / "rescue.toml"
    other.write_text(f'extends = "{TINY}"\nname = "rescue"\n[levers]\nrescue_capacity = 1.0\n')
    base = tmp_path / "base.toml"
    base.write_text(f'extends = "{TINY}"\nname = "base"\n[levers]\nrescue_capacity = 0.0\n')
    wide = write_posterior(tmp_path / "wide")
    res = run_compare([base, other], replicates=20, seed=2, model=TOY, posterior=wide, posterior_split=True,
                      out=tmp_path / "o1", workers=0, quiet=True, figures=False)
    outcomes = Store(tmp_path / "o1").outcomes()
    main_runs = outcomes[outcomes["design_point"] < 2]
    theta = main_runs.pivot_table(index="replicate", columns="design_point", values="theta")
    assert (theta[0] == theta[1]).all() and theta[0].nunique() > 5  # the model got the shared draw
    median_runs = outcomes[outcomes["design_point"] >= 2]
    assert median_runs["theta"].nunique() == 1
    assert median_runs["theta"].iloc[0] == pytest.approx(P.load_posterior(wide).median()["severity_scale"])
    row = res["split"].set_index("outcome").loc["y"]
    # parameter variance 9 · Var U(0.5, 2.5) = 3, seed noise 2 · 0.5² = 0.5: share 3 / 3.5 = 0.86
    assert row["dominates"] == "parameter" and 0.7 < row["parameter_share"] < 0.97
    en, zh = res["posterior_sentence"]
    assert "parameter uncertainty dominates for rescue" in en and "以参数不确定性为主" in zh
    md = (tmp_path / "o1" / "report.md").read_text(encoding="utf-8")
    assert en in md and "Pitman–Morgan" in md
    assert (tmp_path / "o1" / "posterior_split.csv").exists()

    narrow = write_posterior(tmp_path / "narrow", severity_scale=np.full(40, 1.0))
    res = run_compare([base, other], replicates=20, seed=2, model=TOY, posterior=narrow, posterior_split=True,
                      out=tmp_path / "o2", workers=0, quiet=True, figures=False)
    row = res["split"].set_index("outcome").loc["y"]
    assert row["dominates"] == "seed" and row["parameter_share"] < 0.05
    assert "seed noise dominates for rescue" in res["posterior_sentence"][0]


def test_variance_split_on_known_parts():
    rng = np.random.default_rng(0)
    n = 30
    seed_noise = rng.normal(0, 1.0, n)
    param_part = rng.normal(0, 3.0, n)
    split = P.variance_split(param_part + seed_noise, seed_noise + rng.normal(0, 0.3, n))
    assert split["dominates"] == "parameter" and 0.8 < split["parameter_share"] < 0.97
    split = P.variance_split(0.2 * param_part + seed_noise, seed_noise)
    assert split["dominates"] == "seed" and split["parameter_share"] < 0.2
    assert P.variance_split(seed_noise[:3], seed_noise[:3])["dominates"] == "unclear"  # too few pairs to test


def test_file_choice_order(tmp_path):
    write_posterior(tmp_path, name="posterior_point.parquet")
    assert P.find_posterior(tmp_path).name == "posterior_point.parquet"
    write_posterior(tmp_path, name="posterior_history-matching.parquet")
    assert P.find_posterior(tmp_path).name == "posterior_history-matching.parquet"
    write_posterior(tmp_path, name="posterior_abc-smc.parquet")
    assert P.find_posterior(tmp_path).name == "posterior_abc-smc.parquet"
    named = tmp_path / "posterior_point.parquet"
    assert P.find_posterior(named) == named
    assert P.load_posterior(named).method == "point"


def _bad(tmp_path: Path, case: str) -> tuple[str, list[str]]:
    """Make a bad posterior; returns (the --posterior argument, words the error must contain:
    the file or column (and row), then what is wrong)."""
    d = tmp_path / "res"
    n = 5
    ok = {"base_incident_rate": np.full(n, 0.005), "weight": np.full(n, 0.2)}
    frames = {
        "unknown column": ({**ok, "optimsm": np.full(n, 0.5)}, "optimsm", "did you mean 'optimism'"),
        "lever column": ({**ok, "fine_level": np.full(n, 1.0)}, "fine_level", "policy lever"),
        "outside bounds": ({**ok, "severity_scale": [1.0, 1.0, 9.0, 1.0, 1.0]}, "severity_scale (row 2)",
                           "between 0.3 and 3"),
        "NaN value": ({**ok, "severity_scale": [1.0, np.nan, 1.0, 1.0, 1.0]}, "severity_scale (row 1)", "nan"),
        "zero weight": ({**ok, "weight": [0.25, 0.25, 0.0, 0.25, 0.25]}, "weight (row 2)", "positive"),
        "NaN weight": ({**ok, "weight": [np.nan, 0.25, 0.25, 0.25, 0.25]}, "weight (row 0)", "positive"),
        "no weight": ({"base_incident_rate": np.full(n, 0.005)}, "weight", "missing"),
        "text column": ({**ok, "severity_scale": ["a"] * n}, "severity_scale", "expected numbers"),
        "empty": ({"base_incident_rate": np.zeros(0), "weight": np.zeros(0)}, "posterior_abc-smc.parquet", "no samples"),
        "no parameters": ({"weight": np.full(n, 0.2)}, "posterior_abc-smc.parquet", "no parameter columns"),
    }
    if case == "missing folder":
        return str(tmp_path / "nowhere"), ["nowhere: --posterior: ", "no such folder"]
    d.mkdir()
    if case == "no parquet":
        (d / "summary.json").write_text("{}")
        return str(d), ["res: --posterior: ", "no posterior_<method>.parquet"]
    if case == "not parquet":
        (d / "posterior_abc-smc.parquet").write_text("not parquet")
        return str(d), ["posterior_abc-smc.parquet: ", "cannot read it as Parquet"]
    if case == "bad summary":
        write_posterior(d)
        (d / "summary.json").write_text("{not json")
        return str(d), ["summary.json: ", "not JSON"]
    data, key, words = frames[case]
    pd.DataFrame(data).to_parquet(d / "posterior_abc-smc.parquet")
    return str(d), [f"{key}: ", words]


BAD_CASES = ["missing folder", "no parquet", "not parquet", "bad summary", "unknown column", "lever column",
             "outside bounds", "NaN value", "zero weight", "NaN weight", "no weight", "text column", "empty",
             "no parameters"]


@pytest.mark.parametrize("case", BAD_CASES)
def test_bad_posterior_is_one_line_exit_2_and_nothing_written(tmp_path, case):
    arg, parts = _bad(tmp_path, case)
    out = tmp_path / "o"
    code, _, stderr = run_cli(["compare", str(TINY), str(TINY), "--posterior", arg, "--out", str(out),
                                    "--quiet", "--workers", "0", "--months", "12"])
    lines = stderr.strip().splitlines()
    assert code == 2 and len(lines) == 1, stderr
    for words in parts:  # the file or column (and row), then what is wrong
        assert words in lines[0], (words, lines[0])
    assert "Traceback" not in stderr and not out.exists()


def test_posterior_split_needs_a_posterior(tmp_path):
    code, _, stderr = run_cli(["compare", str(TINY), str(TINY), "--posterior-split", "--out", str(tmp_path / "o")])
    assert code == 2 and "--posterior-split: needs --posterior" in stderr and not (tmp_path / "o").exists()


def test_every_uncertain_column_is_accepted_at_its_bounds(tmp_path):
    """A posterior may hold any declared uncertain parameter, at its declared bounds."""
    cols = {p.name: [p.low, p.high] for p in params.UNCERTAIN}
    path = write_posterior(tmp_path, n=2, **{"base_incident_rate": cols.pop("base_incident_rate"),
                                             "severity_scale": cols.pop("severity_scale")}, **cols)
    post = P.load_posterior(path)
    assert set(post.parameters) == {p.name for p in params.UNCERTAIN}
    assert post.weights.sum() == pytest.approx(1.0)
