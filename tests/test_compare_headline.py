"""The comparison's headline: one sentence per asked outcome and region, in English and Chinese,
and the warnings on resolution and on the base scenario's drift."""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.compare import headline as H
from experiments.compare.stats import drift, paired_differences

REGIONS = ("", "__south", "__central", "__north")


def _outcomes(seed: int = 2, replicates: int = 10) -> pd.DataFrame:
    """Scenario 1 avoids about 200 deaths (a clear effect); accidents do not change."""
    rng = np.random.default_rng(seed)
    rows = []
    for r in range(replicates):
        common = rng.normal(0, 60)  # shared by both scenarios of replicate r (CRN)
        for point in (0, 1):
            row = {"design_point": point, "label": ("baseline", "cross_region_enforcement")[point], "replicate": r}
            for suffix in REGIONS:
                share = 1.0 if suffix == "" else 1 / 3
                row["deaths" + suffix] = round(share * (20000 + common - 200 * point) + rng.normal(0, 10))
                row["larger_or_worse" + suffix] = float(rng.poisson(300 * share))
                row["major_or_worse" + suffix] = float(rng.poisson(3 * share))
                row["zero_penalty_counties" + suffix] = 30 * share + rng.normal(0, 1)
            rows.append(row)
    return pd.DataFrame(rows)


CTX = H.Context(("baseline", "cross_region_enforcement"), ("Baseline 基准", "Cross-region 异地执法"), 2020, 2029, 10,
                agents=20000, enterprises_per_agent=60.0, file_enterprises_per_agent=12.0)


def _table():
    names = [m + s for s in REGIONS for m in ("deaths", "larger_or_worse", "major_or_worse", "zero_penalty_counties")]
    return paired_differences(_outcomes(), names)


def test_one_sentence_per_outcome_and_region_in_both_languages():
    blocks = H.headline(_table(), CTX)
    assert len(blocks) == 1
    point, title, en, zh = blocks[0]
    assert point == 1 and "cross_region_enforcement" in title and "baseline" in title and "2020–2029" in title
    assert len(en) == len(zh) == 3 * 4
    # order: deaths, larger-or-worse, major-or-worse; each for Jiangsu then south, central, north
    for i, (outcome_en, outcome_zh) in enumerate((("deaths", "死亡人数"), ("larger-or-worse", "较大及以上事故"),
                                                  ("major-or-worse", "重大及以上事故"))):
        for j, (region_en, region_zh) in enumerate((("Jiangsu", "江苏全省"), ("South", "苏南"), ("Central", "苏中"),
                                                    ("North", "苏北"))):
            e, z = en[4 * i + j], zh[4 * i + j]
            assert e.startswith(region_en) and outcome_en in e and "95% CI" in e, e
            assert z.startswith(region_zh) and outcome_zh in z and "95%置信区间" in z, z
    deaths_en, deaths_zh = en[0], zh[0]
    assert "fewer, distinguishable from zero" in deaths_en and "显著减少" in deaths_zh
    assert "persons" in deaths_en and "人" in deaths_zh
    # the change is about −200 persons and its interval is printed around it
    table = _table().set_index("outcome")
    assert -260 < table.loc["deaths", "diff"] < -140 and table.loc["deaths", "ci_high"] < 0
    # rare counts: exact intervals, said so
    assert "exact Poisson" in en[8] and "精确泊松" in zh[8]


def test_no_effect_reads_as_not_distinguishable():
    en = H.headline(_table(), CTX)[0][2]
    larger = [s for s in en if "larger-or-worse" in s]
    assert any("not distinguishable from zero" in s for s in larger)


def test_headline_text_comes_first_and_names_the_scenarios_in_full():
    text = H.headline_text(_table(), CTX)
    first = text.splitlines()[0]
    assert first.startswith("cross_region_enforcement (Cross-region 异地执法) against baseline")
    assert "江苏全省" in text and "Jiangsu, deaths" in text
    table = H.short_table(_table(), ["deaths", "major_or_worse"])
    assert "cross_region_enforcement" in table and "persons 人" in table and "accidents 起" in table


def test_resolution_warning_names_the_scale():
    warnings = H.resolution_warnings(["deaths", "zero_penalty_counties"], CTX)
    assert len(warnings) == 1
    en, zh = warnings[0]
    assert "60 enterprises" in en and "12" in en and "分辨率" in zh


def _series(trend_per_year: float) -> tuple[pd.DataFrame, list[str]]:
    rng = np.random.default_rng(1)
    rows, runs = [], []
    for r in range(8):
        run = f"run{r}"
        runs.append(run)
        for k, year in enumerate(range(2020, 2030)):
            rows.append({"run_id": run, "year": year, "region": "all", "city": "all", "metric": "compliance_rate",
                         "value": 0.29 * (1 + trend_per_year * k) + rng.normal(0, 0.001)})
    return pd.DataFrame(rows), runs


def test_drift_of_the_base_scenario_is_stated_when_material():
    series, runs = _series(0.005)  # +4.5% over nine years
    d = drift(series, runs, ["compliance_rate"])
    assert d.iloc[0]["first_year"] == 2020 and d.iloc[0]["last_year"] == 2029
    warnings = H.drift_warnings(d, CTX)
    assert len(warnings) == 1 and "drifts" in warnings[0][0] and "2020" in warnings[0][0] and "漂移" in warnings[0][1]
    flat, runs = _series(0.0)
    assert H.drift_warnings(drift(flat, runs, ["compliance_rate"]), CTX) == []
