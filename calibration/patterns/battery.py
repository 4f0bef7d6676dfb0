"""The pattern battery (pattern-oriented modelling, Grimm et al. 2005): documented patterns, each
with its reference value, source and confidence (calibration/data/), the band the model must
reach, the model's value with a 95% interval over replicates, and pass or fail.

Patterns that depend on the levels of calibrated parameters (the history of Jiangsu 2015-2024,
Nantong's 2018 counts) are marked ``needs_calibration``: they are the calibration's targets
(issue 10), and the battery shows whether the parameters it runs with reach them. The others
(cause shares, grade mix, the inspection experiment, the size gradient, lever liveness,
resolution invariance, capture) must pass at the declared defaults.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from calibration import data as refdata
from calibration.patterns.levers import CAPTURE, LEVER_OUTCOMES
from calibration.patterns.scales import Scale
from calibration.patterns.simulate import Job, Summary
from sim import params
from sim import sectors as S

BASELINE = "scenarios/baseline.toml"
HISTORY = "scenarios/historical.toml"
HISTORY_YEARS = (2015, 2020)


@dataclass
class Pattern:
    """One pattern: what is known, the band the model must reach, and what the model gives."""

    name: str
    group: str
    title: str
    title_zh: str
    reference: float
    low: float
    high: float
    unit: str
    source: str
    confidence: str
    band: str
    needs_calibration: bool = False
    model: float = math.nan
    model_low: float = math.nan
    model_high: float = math.nan
    note: str = ""
    #: a condition the band cannot express (e.g. a gradient falling at every step)
    condition: bool = True

    @property
    def passed(self) -> bool:
        return bool(self.condition and np.isfinite(self.model) and self.low <= self.model <= self.high)

    def row(self) -> dict:
        return {
            "pattern": self.name,
            "group": self.group,
            "title": self.title,
            "title_zh": self.title_zh,
            "reference": self.reference,
            "band_low": self.low,
            "band_high": self.high,
            "band": self.band,
            "unit": self.unit,
            "source": self.source,
            "confidence": self.confidence,
            "model": self.model,
            "model_low": self.model_low,
            "model_high": self.model_high,
            "pass": self.passed,
            "needs_calibration": self.needs_calibration,
            "note": self.note,
        }


@dataclass
class Result:
    """Every pattern, plus the tables behind them."""

    patterns: list[Pattern]
    levers: pd.DataFrame = field(default_factory=pd.DataFrame)
    rct: pd.DataFrame = field(default_factory=pd.DataFrame)
    resolution: pd.DataFrame = field(default_factory=pd.DataFrame)
    history: pd.DataFrame = field(default_factory=pd.DataFrame)
    sizes: pd.DataFrame = field(default_factory=pd.DataFrame)


# ----------------------------------------------------------------------------------- plan
def _setup(scale: Scale, **changes) -> tuple:
    return tuple(sorted({**scale.setup, **changes}.items(), key=lambda kv: kv[0]))


def _bounds(p: params.Param) -> tuple[float, float]:
    return (int(p.low), int(p.high)) if p.integer else (p.low, p.high)


def capture_overrides() -> dict[str, float]:
    """The capture parameters at their bounds (levers.CAPTURE)."""
    out = {}
    for name, end in CAPTURE.items():
        low, high = _bounds(params.get(name))
        out[name] = high if end == "high" else low
    return out


def plan(scale: Scale, baseline: str = BASELINE, history: str = HISTORY, seed: int = 0) -> list[Job]:
    """Every run the battery needs at ``scale``."""
    jobs: list[Job] = []
    setup = _setup(scale)
    history_setup = _setup(scale, months=scale.history_months)
    for r in range(scale.replicates):
        jobs.append(Job("baseline", baseline, (), setup, seed, r))
        jobs.append(Job("history", history, (), history_setup, seed, r))
        jobs.append(Job("capture", baseline, tuple(sorted(capture_overrides().items())), setup, seed, r))
    for r in range(scale.lever_replicates):
        if r >= scale.replicates:
            jobs.append(Job("baseline", baseline, (), setup, seed, r))
        for name, (_, _, extra) in LEVER_OUTCOMES.items():
            low, high = _bounds(params.get(name))
            for end, value in (("low", low), ("high", high)):
                overrides = tuple(sorted({**extra, name: value}.items()))
                jobs.append(Job(f"lever:{name}:{end}", baseline, overrides, setup, seed, r))
            if extra:
                jobs.append(Job(f"lever:{name}:base", baseline, tuple(sorted(extra.items())), setup, seed, r))
    design = (("share", scale.rct_share), ("month", 13), ("follow", scale.rct_follow))
    for r in range(scale.rct_replicates):
        jobs.append(Job("rct", baseline, (), _setup(scale, months=12 + scale.rct_follow), seed, r, kind="rct", design=design))
    for m in scale.resolution:
        agents = int(round(scale.firms / m))
        res_setup = _setup(scale, agents=agents, enterprises_per_agent=m, months=72)
        for r in range(scale.resolution_replicates):
            jobs.append(Job(f"res:{m}", history, (), res_setup, seed, r))
    return jobs


# ------------------------------------------------------------------------------ statistics
def mean_ci(values, level: float = 0.95) -> tuple[float, float, float]:
    """Mean of replicate values with a t interval (the mean alone for one replicate)."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if len(v) == 0:
        return math.nan, math.nan, math.nan
    m = float(v.mean())
    if len(v) < 2:
        return m, math.nan, math.nan
    h = float(stats.t.ppf(0.5 + level / 2, len(v) - 1) * v.std(ddof=1) / math.sqrt(len(v)))
    return m, m - h, m + h


def binomial_ci(k: float, n: float, level: float = 0.95) -> tuple[float, float, float]:
    """Share k / n with an exact (Clopper-Pearson) interval."""
    if n <= 0:
        return math.nan, math.nan, math.nan
    k, n = round(k), round(n)
    a = (1 - level) / 2
    low = stats.beta.ppf(a, k, n - k + 1) if k > 0 else 0.0
    high = stats.beta.ppf(1 - a, k + 1, n - k) if k < n else 1.0
    return k / n, float(low), float(high)


def poisson_rate_ci(count: float, exposure: float, level: float = 0.95) -> tuple[float, float, float]:
    """Rate count / exposure with an exact Poisson interval."""
    if exposure <= 0:
        return math.nan, math.nan, math.nan
    a = (1 - level) / 2
    k = round(count)
    low = stats.chi2.ppf(a, 2 * k) / 2 if k > 0 else 0.0
    high = stats.chi2.ppf(1 - a, 2 * k + 2) / 2
    return count / exposure, float(low / exposure), float(high / exposure)


def _by_tag(summaries: list[Summary]) -> dict[str, list[Summary]]:
    out: dict[str, list[Summary]] = {}
    for s in summaries:
        out.setdefault(s.tag, []).append(s)
    for v in out.values():
        v.sort(key=lambda s: s.replicate)
    return out


def _total(s: Summary, metric: str) -> float:
    return float(s.annual[metric].sum())


def _fact(scope: str, period: str, metric: str) -> dict:
    return refdata.lookup(
        {"file": "jiangsu_facts.csv", "scope": scope, "period": period, "metric": metric},
        allow_recalled=False,
        source="patterns",
        key=metric,
    )


def _literature(key: str) -> dict:
    return refdata.lookup({"file": "literature_effects.csv", "key": key}, allow_recalled=False, source="patterns", key=key)


def _literature_pattern(name: str, group: str, key: str, title: str, title_zh: str, unit: str) -> Pattern:
    """A pattern whose reference, band, source and confidence are one row of literature_effects.csv."""
    lit = _literature(key)
    return Pattern(name, group, title, title_zh, float(lit["value"]), float(lit["low"]), float(lit["high"]), unit,
                   lit["source"], lit["confidence"], lit["note"])


# ----------------------------------------------------------------------------- the patterns
def _baseline_patterns(runs: list[Summary]) -> list[Pattern]:
    out = []
    causes = np.array([[_total(s, f"accidents_{c}") for c in ("human", "combined", "unavoidable")] for s in runs])
    shares = 100 * causes / causes.sum(axis=1, keepdims=True)
    # one definition: the calibration's cause-share targets (the unavoidable share is what is left)
    targets = history_targets()
    human, combined = targets[CAUSE_TARGETS["human"]], targets[CAUSE_TARGETS["combined"]]
    refs = {
        "human": (100 * human.value, 100 * human.tolerance),
        "combined": (100 * combined.value, 100 * combined.tolerance),
        "unavoidable": (round(100 * (1 - human.value - combined.value), 9), 100 * human.tolerance),
    }
    for i, (cause, zh) in enumerate((("human", "纯人因"), ("combined", "人物综合"), ("unavoidable", "不可避免"))):
        ref, tol = refs[cause]
        p = Pattern(
            f"causes_{cause}",
            "causes",
            f"Share of {cause}-cause accidents",
            f"{zh}事故占比",
            ref,
            ref - tol,
            ref + tol,
            "%",
            f"paper 一(三): the 88:10:2 rule (Heinrich 1931); calibration targets {human.name}, {combined.name}",
            "paper",
            f"±{tol:g} percentage points, the calibration targets' tolerance",
        )
        p.model, p.model_low, p.model_high = mean_ci(shares[:, i])
        out.append(p)

    larger = sum(_total(s, "accidents_larger_or_worse") for s in runs)
    major = sum(_total(s, "accidents_major_or_worse") for s in runs)
    k, n = float(_fact("Jiangsu", "2011", "major_accidents_10to29_deaths")["value"]), 0.0
    n = k + float(_fact("Jiangsu", "2011", "larger_accidents_3to9_deaths")["value"])
    ref, lo, hi = binomial_ci(k, n)
    p = Pattern(
        "major_share_of_serious",
        "grades",
        "Major-or-worse among larger-or-worse accidents",
        "较大及以上事故中重大及以上占比",
        100 * ref,
        100 * lo,
        100 * hi,
        "%",
        "Jiangsu 2011: 3 major of 48 larger-or-worse accidents (jiangsu_facts.csv)",
        "verified-secondary",
        "exact 95% interval of 3 in 48",
    )
    share, slo, shi = binomial_ci(major, larger)
    p.model, p.model_low, p.model_high = 100 * share, 100 * slo, 100 * shi
    out.append(p)

    reported = sum(_total(s, "accidents_reported") for s in runs)
    k = float(_fact("Nantong", "2018", "larger_and_above_accidents_3plus")["value"])
    n = float(_fact("Nantong", "2018", "accidents_all")["value"])
    ref, lo, hi = binomial_ci(k, n)
    p = Pattern(
        "serious_share_of_accidents",
        "grades",
        "Larger-or-worse accidents per accident in the statistics",
        "较大及以上事故占统计事故比例",
        100 * ref,
        100 * lo,
        100 * hi,
        "%",
        "Nantong 2018: 2 larger-or-worse among 485 accidents (jiangsu_facts.csv)",
        "verified-secondary",
        "exact 95% interval of 2 in 485",
    )
    share, slo, shi = binomial_ci(larger, reported)
    p.model, p.model_low, p.model_high = 100 * share, 100 * slo, 100 * shi
    out.append(p)

    deaths = float(_fact("Nantong", "2018", "deaths_all")["value"])
    ref = deaths / n
    p = Pattern(
        "deaths_per_accident",
        "grades",
        "Deaths per accident in the statistics",
        "统计事故平均死亡人数",
        ref,
        ref - 0.15,
        ref + 0.15,
        "persons",
        "Nantong 2018: 336 deaths in 485 accidents (jiangsu_facts.csv)",
        "verified-secondary",
        "±0.15 (a city against the province's sector mix; assumption)",
    )
    p.model, p.model_low, p.model_high = mean_ci(
        [_total(s, "deaths_reported") / max(_total(s, "accidents_reported"), 1) for s in runs]
    )
    out.append(p)

    penalty = targets[PENALTY_TARGET]
    ref, tol = 100 * penalty.value, 100 * penalty.tolerance
    p = Pattern(
        "penalty_cases_per_inspection",
        "enforcement",
        "Penalty cases per inspection",
        "立案处罚占检查比例",
        ref,
        ref - 2 * tol,
        ref + 2 * tol,
        "%",
        penalty.source,
        "verified-secondary",
        f"±{2 * tol:g} points, two tolerances of the calibration target: one strict county; the paper notes "
        "counties with none",
    )
    p.model, p.model_low, p.model_high = mean_ci(
        [100 * _total(s, "penalty_cases") / max(_total(s, "inspections"), 1) for s in runs]
    )
    out.append(p)
    return out


def _size_table(runs: list[Summary]) -> tuple[pd.DataFrame, Pattern]:
    deaths = np.sum([s.size_deaths for s in runs], axis=0)
    worker_years = np.sum([s.size_firm_years for s in runs], axis=0) * S.SIZE_WORKERS
    rows = []
    for i, size in enumerate(S.SIZES):
        rate, lo, hi = poisson_rate_ci(deaths[i], worker_years[i] / 1e5)
        rows.append(
            {
                "size": size,
                "size_zh": S.SIZE_ZH[i],
                "deaths": deaths[i],
                "worker_years": worker_years[i],
                "deaths_per_100k_workers": rate,
                "low": lo,
                "high": hi,
            }
        )
    table = pd.DataFrame(rows)
    rate = table["deaths_per_100k_workers"].to_numpy()
    p = Pattern(
        "fatality_gradient_by_size",
        "firms",
        "Deaths per worker: micro over large firms",
        "每万名从业人员死亡率：微型/大型企业",
        1.0,
        1.0,
        math.inf,
        "x",
        "Mendeloff et al. 2006 (smallest establishments, highest fatality rates); Fabiano et al. 2004",
        "published",
        "above 1, and falling with size at every step",
    )
    p.model = float(rate[S.MICRO] / rate[S.LARGE]) if rate[S.LARGE] > 0 else math.nan
    falling = bool(np.all(np.diff(rate[::-1]) < 0))  # micro > small > medium > large
    p.condition = falling
    if not falling:
        p.note = "not falling at every size step: " + ", ".join(f"{s} {r:.2f}" for s, r in zip(S.SIZES, rate, strict=True))
    return table, p


def nantong_scale(runs: list[Summary]) -> float:
    """Real Nantong firms over the simulated ones: a world that keeps only some of Nantong's
    counties, or fewer real firms than Jiangsu's, is scaled to the whole city (population share
    of the 1.2 million firms of baseline.toml; an assumption, as in calibration/targets.py)."""
    from sim.jurisdiction import load_divisions
    from sim.scenario import load_scenario

    rows = {r.city: r.city_population_10k for r in load_divisions()}
    base = load_scenario(Path(__file__).resolve().parents[2] / BASELINE).setup
    real = base.agents * base.enterprises_per_agent * rows["Nantong"] / sum(rows.values())
    simulated = float(np.mean([s.nantong["enterprises"].mean() for s in runs]))
    return real / simulated if simulated > 0 else math.nan


#: The history patterns and the calibration targets that define them (one definition of each
#: figure, its metric, tolerance and scope bridge: calibration/targets/jiangsu.toml).
TARGETS_FILE = "calibration/targets/jiangsu.toml"
HISTORY_TARGETS = {
    "history_deaths": ("jiangsu_deaths_change_2015_2020", "死亡人数"),
    "history_accidents": ("jiangsu_accidents_change_2015_2020", "事故起数"),
    "history_larger": ("jiangsu_larger_change_2015_2020", "较大及以上事故"),
    "history_chemical_producers": ("jiangsu_chemical_producers_change_2015_2020", "化工生产企业数"),
}


#: The cause-share and enforcement patterns' targets (same file).
CAUSE_TARGETS = {"human": "human_cause_share_2020", "combined": "combined_cause_share_2020"}
PENALTY_TARGET = "penalty_cases_per_inspection_2020"


def history_targets() -> dict:
    """The calibration targets the history patterns use, by name."""
    from calibration.targets import load_targets

    return {t.name: t for t in load_targets(Path(__file__).resolve().parents[2] / TARGETS_FILE)}


def _history_patterns(runs: list[Summary], nantong_year: int = 2018) -> tuple[list[Pattern], pd.DataFrame]:
    start = runs[0].start_year
    i0, i1 = HISTORY_YEARS[0] - start, HISTORY_YEARS[1] - start
    out = []
    targets = history_targets()
    for name, (target_name, zh) in HISTORY_TARGETS.items():
        # one definition: the calibration's target (figure, metric, tolerance, scope bridge)
        t = targets[target_name]
        change, tol, bridge, metric = float(t.value), float(t.tolerance), float(t.scope_break_adjust), t.metric
        # the model's own change (one scope throughout): the figure and its tolerance divided
        # by the bridge, as the calibration's observation model compares them
        ref = 100 * ((1 + change / 100) / bridge - 1)
        tol = tol / bridge
        band = f"±{tol:.3g} points" + (f" (±{t.tolerance:g} on the published scale; the 2016 change of scope "
                                       f"bridged with {bridge:g}, calibration/data.py)" if bridge != 1 else "")
        p = Pattern(
            name,
            "history",
            f"Jiangsu 2015->2020: change in {metric.replace('_', ' ')}",
            f"江苏2015→2020年{zh}变化",
            ref,
            ref - tol,
            ref + tol,
            "%",
            f"Jiangsu 14th Five-Year work-safety plan: {change:+g}% (jiangsu_facts.csv; target {t.name} "
            f"in {TARGETS_FILE})",
            t.confidence if t.confidence != "assumption" else "verified-secondary",
            band,
            needs_calibration=name != "history_chemical_producers",
        )
        p.model, p.model_low, p.model_high = mean_ci(
            [100 * (s.annual[metric][i1] / max(s.annual[metric][i0], 1e-9) - 1) for s in runs]
        )
        out.append(p)

    years = len(runs[0].annual["deaths"])
    majors = refdata.table("jiangsu_major_accidents.csv")
    dates = pd.to_datetime(majors["date"])
    deaths = majors["deaths"].astype(int)
    last = min(start + years - 1, 2024)
    count = int(((deaths >= 10) & (dates.dt.year >= start) & (dates.dt.year <= last)).sum())
    span = last - start + 1
    ref, lo, hi = poisson_rate_ci(count, span)
    p = Pattern(
        "history_major_per_year",
        "history",
        f"Accidents with 10+ deaths per year, {start}-{last}",
        f"{start}-{last}年每年重大及以上事故",
        ref,
        lo,
        hi,
        "per year",
        f"jiangsu_major_accidents.csv: {count} verified accidents with 10+ deaths",
        "verified-secondary",
        f"exact 95% Poisson interval of {count} in {span} years",
        needs_calibration=True,
    )
    total = sum(float(s.annual["accidents_major_or_worse"][:span].sum()) for s in runs)
    p.model, p.model_low, p.model_high = poisson_rate_ci(total, span * len(runs))
    out.append(p)

    if runs[0].nantong and 0 <= nantong_year - start < years:
        j = nantong_year - start
        scale = nantong_scale(runs)
        for metric, fact, zh, family in (
            ("accidents_reported", "accidents_all", "事故起数", "negbin"),
            ("deaths_reported", "deaths_all", "死亡人数", "negbin"),
            ("accidents_larger_or_worse", "larger_and_above_accidents_3plus", "较大及以上事故", "poisson"),
        ):
            y = float(_fact("Nantong", str(nantong_year), fact)["value"])
            if family == "poisson":
                _, lo, hi = poisson_rate_ci(y, 1)
                band = "exact 95% Poisson interval"
            else:
                lo, hi, band = 0.7 * y, 1.3 * y, "±30% (scope of the city's communique; assumption)"
            p = Pattern(
                f"nantong_{nantong_year}_{metric}",
                "history",
                f"Nantong {nantong_year}: {metric.replace('_', ' ')}",
                f"南通{nantong_year}年{zh}",
                y,
                lo,
                hi,
                "count",
                f"Nantong {nantong_year} statistical communique",
                "verified-secondary",
                band,
                needs_calibration=True,
            )
            p.model, p.model_low, p.model_high = mean_ci([scale * s.nantong[metric][j] for s in runs])
            if abs(scale - 1) > 0.01:
                p.note = f"model counts scaled x{scale:.2f} to the whole city"
            out.append(p)

    rows = []
    for s in runs:
        for k in range(years):
            rows.append(
                {
                    "replicate": s.replicate,
                    "year": start + k,
                    **{
                        m: float(s.annual[m][k])
                        for m in (
                            "deaths_reported",
                            "deaths",
                            "accidents_reported",
                            "accidents_larger_or_worse",
                            "chemical_enterprises",
                            "compliant_enterprises",
                            "enterprises",
                        )
                    },
                }
            )
    return out, pd.DataFrame(rows)


def _rct_patterns(runs: list[Summary]) -> tuple[list[Pattern], pd.DataFrame]:
    from experiments import rct

    rows = pd.concat([s.rct for s in runs], ignore_index=True)
    table = rct.effects(rows)
    period = rows.assign(year=np.where(rows["year"] <= 2, 12, rows["year"]))  # years 1-2 pooled as "12"
    pooled = rct.effects(
        period.groupby(["replicate", "group", "year", "metric"], as_index=False)[["treated", "counterfactual", "firms"]].sum()
    )

    def effect(group, year, metric="accident_risk"):
        e = pooled[(pooled.group == group) & (pooled.year == year) & (pooled.metric == metric)]
        return (float(e.effect.iloc[0]), float(e.low.iloc[0]), float(e.high.iloc[0])) if len(e) else (math.nan,) * 3

    out = []
    p = _literature_pattern(
        "rct_penalty_effect",
        "inspection experiment",
        "penalty_inspection_effect_2yr",
        "Random inspection ending in a penalty: accident risk, years 1-2",
        "随机检查且立案处罚：检查后两年事故风险变化",
        "%",
    )
    est, lo, hi = effect("penalty", 12)
    p.model, p.model_low, p.model_high = 100 * est, 100 * lo, 100 * hi
    out.append(p)
    p = _literature_pattern(
        "rct_no_penalty_effect",
        "inspection experiment",
        "no_penalty_inspection_effect",
        "Random inspection finding nothing: accident risk, years 1-2",
        "随机检查未发现问题：检查后两年事故风险变化",
        "%",
    )
    est, lo, hi = effect("nothing_found", 12)
    p.model, p.model_low, p.model_high = 100 * est, 100 * lo, 100 * hi
    out.append(p)
    last = int(rows["year"].max())
    p = _literature_pattern(
        "rct_penalty_fade",
        "inspection experiment",
        "inspection_effect_fade_ratio",
        f"Penalty effect in year {last} over years 1-2",
        f"立案处罚效果：第{last}年相对前两年",
        "ratio",
    )
    early, late = effect("penalty", 12)[0], effect("penalty", last)[0]
    p.model = abs(late) / abs(early) if early else math.nan  # faded: little effect left, either way
    out.append(p)
    p = _literature_pattern(
        "rct_intention_to_treat",
        "inspection experiment",
        "random_inspection_itt_4yr",
        f"Every randomly inspected firm: accidents over {last} years",
        f"全部随机受检企业：{last}年内事故变化",
        "%",
    )
    allyears = (
        rows[rows.metric == "accidents"]
        .assign(year=1)
        .groupby(["replicate", "group", "year", "metric"], as_index=False)[["treated", "counterfactual", "firms"]]
        .sum()
    )
    e = rct.effects(allyears)
    e = e[e.group == "all"]
    p.model, p.model_low, p.model_high = 100 * float(e.effect.iloc[0]), 100 * float(e.low.iloc[0]), 100 * float(e.high.iloc[0])
    out.append(p)
    return out, table


def _lever_table(tags: dict[str, list[Summary]]) -> tuple[pd.DataFrame, Pattern]:
    base = {s.replicate: s for s in tags.get("baseline", [])}
    rows = []
    for name, (metric, direction, extra) in LEVER_OUTCOMES.items():
        lo = {s.replicate: s for s in tags.get(f"lever:{name}:low", [])}
        hi = {s.replicate: s for s in tags.get(f"lever:{name}:high", [])}
        ref = {s.replicate: s for s in tags.get(f"lever:{name}:base", [])} if extra else base
        reps = sorted(set(lo) & set(hi) & set(ref))
        if not reps:
            continue
        row = {
            "lever": name,
            "zh": params.get(name).zh,
            "low": params.get(name).low,
            "high": params.get(name).high,
            "outcome": metric,
            "direction": direction,
            "replicates": len(reps),
        }
        for m in dict.fromkeys((metric, "deaths", "accidents_major_or_worse")):
            for end, runs in (("low", lo), ("high", hi)):
                d = np.array([100 * (_total(runs[r], m) / max(_total(ref[r], m), 1e-9) - 1) for r in reps])
                row[f"{m}_at_{end}"], row[f"{m}_at_{end}_ci_low"], row[f"{m}_at_{end}_ci_high"] = mean_ci(d)
            if m == metric:
                d = np.array([_total(hi[r], m) - _total(lo[r], m) for r in reps])
                se = d.std(ddof=1) / math.sqrt(len(d)) if len(d) > 1 else math.nan
                row["t"] = d.mean() / se if se and np.isfinite(se) and se > 0 else math.copysign(math.inf, d.mean())
        row["live"] = bool(direction * row["t"] > 3)
        rows.append(row)
    table = pd.DataFrame(rows)
    p = Pattern(
        "levers_live",
        "levers",
        "Levers that move their outcome the paper's way beyond noise",
        "按论文方向且超出随机噪声发挥作用的政策杠杆",
        len(LEVER_OUTCOMES),
        len(LEVER_OUTCOMES),
        len(LEVER_OUTCOMES),
        "levers",
        "paper 二 (every countermeasure) and 一 (every difficulty); LITERATURE.md",
        "paper",
        "every lever: paired change low -> high bound, t > 3 in the stated direction",
    )
    p.model = float(table["live"].sum()) if len(table) else math.nan
    dead = table.loc[~table["live"], "lever"].tolist() if len(table) else []
    p.note = ("not live: " + ", ".join(dead)) if dead else ""
    return table, p


def _resolution(tags: dict[str, list[Summary]], scale: Scale) -> tuple[pd.DataFrame, Pattern]:
    rows = []
    for m in scale.resolution:
        for s in tags.get(f"res:{m}", []):
            firms = s.annual["enterprises"]
            risk = s.annual["accident_risk"] / firms
            deaths = s.annual["deaths_reported"] / firms * 1e4
            comp = s.annual["compliant_enterprises"] / firms
            rows.append(
                {
                    "firms_per_agent": m,
                    "replicate": s.replicate,
                    "risk_2015": risk[0],
                    "risk_2020": risk[5],
                    "risk_trend": risk[5] / risk[0],
                    "deaths_per_10k_firms": float(deaths[:6].mean()),
                    "compliance_2015": comp[0],
                    "compliance_2020": comp[5],
                }
            )
    table = pd.DataFrame(rows)
    finest = min(scale.resolution)
    worst, where = 0.0, ""
    for col in ("risk_2015", "risk_2020", "risk_trend", "deaths_per_10k_firms", "compliance_2015", "compliance_2020"):
        ref = table.loc[table.firms_per_agent == finest, col].to_numpy()
        for m in scale.resolution:
            if m == finest:
                continue
            other = table.loc[table.firms_per_agent == m, col].to_numpy()
            if len(ref) < 2 or len(other) < 2:
                continue
            se = math.sqrt(ref.var(ddof=1) / len(ref) + other.var(ddof=1) / len(other))
            slack = 0.02 if col.startswith("compliance") else 0.03 * abs(ref.mean())
            score = abs(other.mean() - ref.mean()) / (3 * se + slack)
            if score > worst:
                worst, where = score, f"{col} at {m} firms per agent: {other.mean():.4g} vs {ref.mean():.4g}"
    p = Pattern(
        "resolution_invariance",
        "resolution",
        f"Rates per firm and trends against {finest} firm(s) per agent",
        "每家企业的比率与趋势不随代理人分辨率变化",
        0.0,
        0.0,
        1.0,
        "x tolerance",
        "issue 9 (results must not depend on enterprises_per_agent)",
        "requirement",
        "largest gap / (3 standard errors + 3%, or 2 points for compliance) <= 1",
    )
    p.model, p.note = worst, where
    return table, p


def _capture(tags: dict[str, list[Summary]]) -> Pattern:
    base = {s.replicate: s for s in tags.get("baseline", [])}
    cap = {s.replicate: s for s in tags.get("capture", [])}
    reps = sorted(set(base) & set(cap))
    p = _literature_pattern(
        "capture_at_bounds",
        "capture",
        "capture_death_rate_increase",
        "Deaths with personal-relationship capture at its bounds",
        "人情关系参数取极值时死亡人数变化",
        "%",
    )
    p.model, p.model_low, p.model_high = mean_ci([100 * (_total(cap[r], "deaths") / _total(base[r], "deaths") - 1) for r in reps])
    return p


def evaluate(scale: Scale, summaries: list[Summary]) -> Result:
    tags = _by_tag(summaries)
    base = tags["baseline"][: scale.replicates]
    patterns = _baseline_patterns(base)
    sizes, gradient = _size_table(base)
    patterns.append(gradient)
    history, history_table = _history_patterns(tags["history"])
    patterns += history
    rct_patterns, rct_table = _rct_patterns(tags["rct"])
    patterns += rct_patterns
    lever_table, live = _lever_table(tags)
    patterns.append(live)
    resolution_table, invariance = _resolution(tags, scale)
    patterns.append(invariance)
    patterns.append(_capture(tags))
    return Result(patterns, lever_table, rct_table, resolution_table, history_table, sizes)
