"""A randomised inspection experiment in silico (the design of Levine, Toffel & Johnson 2012).

In month T a random share of eligible firms (active, with a regulator) is inspected in addition
to the routine inspections, through the model's own inspection, leniency and sanction code
(``SafetyModel.force_inspections``). The same replicate is run a second time without the extra
inspections: the twin shares every random draw (common random numbers), so for every treated
firm the twin gives what would have happened to that same firm uninspected. Effects are
reported by year after the inspection and split by what the inspection did in the treated run:

    penalty           a penalty case (立案处罚)
    rectification     a rectification order without a penalty (责令整改)
    let_off           a violation found and let off (人情)
    nothing_found     nothing found (a clean or a formal-only inspection)
    all               every treated firm (the intention-to-treat effect)

Outcomes per group and year: recordable accidents, deaths and serious injuries (realised), the
accident risk (expected accidents, the sum of the firms' monthly accident rates: the same
comparison without Poisson noise) and survival (the firm still operating in its premises). The
classical two-arm estimate (treated against untreated eligible firms in the treated run) is given
for the ``all`` group too (``itt_*`` metrics), as a field experiment would measure it.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.mechanisms import inspection
from sim.model import SafetyModel
from sim.scenario import Scenario

GROUPS = ("all", "penalty", "rectification", "let_off", "nothing_found")
GROUPS_ZH = {
    "all": "全部受检",
    "penalty": "立案处罚",
    "rectification": "仅责令整改",
    "let_off": "人情放过",
    "nothing_found": "未发现问题",
}
METRICS = ("accident_risk", "accidents", "deaths", "serious_injuries", "survival")
METRICS_ZH = {
    "accident_risk": "事故风险(期望事故)",
    "accidents": "事故起数",
    "deaths": "死亡人数",
    "serious_injuries": "重伤人数",
    "survival": "存续率",
}


@dataclass(frozen=True)
class Design:
    """share: share of eligible firms inspected; month: month of the inspection (1-based);
    follow: months followed after it (the inspection month included)."""

    share: float = 0.05
    month: int = 13
    follow: int = 48

    @property
    def years(self) -> int:
        return -(-self.follow // 12)


def _eligible(model: SafetyModel) -> np.ndarray:
    from sim.context import Month

    f = model.firms
    month = Month(
        0,
        max(model.month, 1),
        model.config.levers_at(max(model.month, 1)),
        model.bh,
        model.firms_per_agent,
        model.world,
        model.streams,
    )
    return np.flatnonzero(f.active & inspection.regulated(f, month))


def _groups(model: SafetyModel, treated: np.ndarray) -> dict[str, np.ndarray]:
    """Masks over ``treated`` by what the forced inspection did (read from the month's outcome)."""
    out = model.last_outcome
    penalty = np.isin(treated, out.sanc.penalty_cases)
    rect = np.isin(treated, out.sanc.rectification) & ~penalty
    let_off = np.isin(treated, out.insp.slots[out.insp.let_off]) & ~penalty & ~rect
    return {
        "all": np.ones(len(treated), bool),
        "penalty": penalty,
        "rectification": rect,
        "let_off": let_off,
        "nothing_found": ~(penalty | rect | let_off),
    }


class _Tracker:
    """Per treated (and control) firm: outcomes by year, while the firm keeps its identity."""

    def __init__(self, model: SafetyModel, slots: np.ndarray, years: int):
        self.model, self.slots, self.uid = model, slots, model.firms.uid[slots].copy()
        self.index = {int(s): i for i, s in enumerate(slots)}
        self.values = {m: np.zeros((len(slots), years)) for m in METRICS}

    def month(self, year: int, last_of_year: bool) -> None:
        f, m = self.model.firms, self.model.firms_per_agent
        alive = (f.uid[self.slots] == self.uid) & f.active[self.slots]
        self.values["accident_risk"][:, year] += m * self.model.accident_rate[self.slots] * alive
        events = self.model.recorder.events[-1] if self.model.recorder.events else None
        if events is not None and events["month"][0] == self.model.month:
            pos = np.fromiter((self.index.get(int(s), -1) for s in events["slot"]), np.int64, len(events["slot"]))
            ok = pos >= 0
            ok[ok] &= events["firm_uid"][ok] == self.uid[pos[ok]]
            for metric, weights in (("accidents", None), ("deaths", "deaths"), ("serious_injuries", "serious_injuries")):
                w = np.ones(ok.sum()) if weights is None else events[weights][ok].astype(float)
                np.add.at(self.values[metric][:, year], pos[ok], w)
        if last_of_year:
            self.values["survival"][:, year] = alive


def run_replicate(scenario: Scenario, design: Design, seed: int, replicate: int) -> pd.DataFrame:
    """One replicate: the treated run and its twin. Returns tidy rows (group, year, metric, ...)."""
    horizon = design.month + design.follow - 1
    treated_run = SafetyModel(scenario, seed=seed, replicate=replicate, months=horizon, handles=False)
    twin = SafetyModel(scenario, seed=seed, replicate=replicate, months=horizon, handles=False)
    for model in (treated_run, twin):
        while model.month < design.month - 1:
            model.step()
    eligible = _eligible(treated_run)
    rng = treated_run.streams.get("experiment", design.month)
    chosen = rng.random(len(eligible)) < design.share
    treated, control = eligible[chosen], eligible[~chosen]
    trackers = {
        "treated": _Tracker(treated_run, treated, design.years),
        "twin": _Tracker(twin, treated, design.years),
        "control": _Tracker(treated_run, control, design.years),
    }
    treated_run.force_inspections(treated)
    groups = None
    for k in range(design.follow):
        treated_run.step()
        twin.step()
        if k == 0:
            groups = _groups(treated_run, treated)
        year, last = k // 12, (k % 12 == 11) or k == design.follow - 1
        for tracker in trackers.values():
            tracker.month(year, last)
    rows = []
    m = treated_run.firms_per_agent
    for g, mask in groups.items():
        n = int(mask.sum())
        for metric in METRICS:
            a = trackers["treated"].values[metric][mask].sum(axis=0)
            b = trackers["twin"].values[metric][mask].sum(axis=0)
            if metric == "survival":
                a, b = a / max(n, 1), b / max(n, 1)
            for y in range(design.years):
                rows.append((replicate, g, y + 1, metric, float(a[y]), float(b[y]), n * m))
    # The field experiment's estimate: treated against untreated eligible firms, same run.
    for metric in ("accident_risk", "accidents", "serious_injuries"):
        t = trackers["treated"].values[metric].sum(axis=0) / max(len(treated), 1)
        c = trackers["control"].values[metric].sum(axis=0) / max(len(control), 1)
        for y in range(design.years):
            rows.append((replicate, "all", y + 1, f"itt_{metric}", float(t[y]), float(c[y]), len(treated) * m))
    return pd.DataFrame(rows, columns=["replicate", "group", "year", "metric", "treated", "counterfactual", "firms"])


def _one(args):
    return run_replicate(*args)


def run(scenario: Scenario, design: Design, replicates: int, seed: int = 0, workers: int = 0) -> pd.DataFrame:
    """Every replicate (in this process when ``workers`` is 0, else on a process pool)."""
    jobs = [(scenario, design, seed, r) for r in range(replicates)]
    if workers and replicates > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            parts = list(pool.map(_one, jobs))
    else:
        parts = [_one(j) for j in jobs]
    return pd.concat(parts, ignore_index=True)


def _share_difference(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return a.mean(axis=-1) - b.mean(axis=-1)


def _relative_change(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    den = b.sum(axis=-1)
    return np.where(den > 0, (a.sum(axis=-1) - den) / np.where(den > 0, den, 1), np.nan)


def effects(rows: pd.DataFrame, level: float = 0.95, boot: int = 2000, seed: int = 0) -> pd.DataFrame:
    """Relative effect per group, year and metric: sum(treated - counterfactual) / sum(counterfactual)
    over replicates, with a percentile bootstrap interval over replicates (valid for rare counts).
    For survival the effect is the difference in the surviving share (percentage points / 100)."""
    rng = np.random.default_rng(seed)
    out = []
    for (g, y, metric), d in rows.groupby(["group", "year", "metric"], sort=False):
        a, b = d["treated"].to_numpy(), d["counterfactual"].to_numpy()
        n = len(a)
        idx = rng.integers(0, n, size=(boot, n))

        stat = _share_difference if metric == "survival" else _relative_change
        est = float(stat(a, b))
        draws = stat(a[idx], b[idx])
        lo, hi = np.nanpercentile(draws, [50 * (1 - level), 50 * (1 + level)]) if np.isfinite(draws).any() else (np.nan, np.nan)
        out.append(
            {
                "group": g,
                "year": int(y),
                "metric": metric,
                "treated": float(a.mean()),
                "counterfactual": float(b.mean()),
                "firms": float(d["firms"].mean()),
                "effect": est,
                "low": float(lo),
                "high": float(hi),
                "replicates": n,
            }
        )
    return pd.DataFrame(out)
