"""The runs the pattern battery needs, as small picklable jobs, and what each run keeps.

A job is one model run (a scenario with overrides and set-up changes, a seed and a replicate) or
one replicate of the in-silico inspection experiment. A run keeps only annual totals (province
and Nantong), the accident counts by cause and grade, deaths by firm size and firm-years by
size: a few kilobytes, so hundreds of runs fit in memory and travel cheaply between processes.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from sim import sectors as S
from sim.metrics import INDEX, STOCK
from sim.model import SafetyModel
from sim.scenario import Scenario, load_scenario

#: Metrics kept per year (province, and Nantong when the world has it).
ANNUAL = (
    "deaths",
    "deaths_reported",
    "accidents",
    "accidents_reported",
    "accident_risk",
    "chemical_accident_risk",
    "accidents_larger_or_worse",
    "accidents_major_or_worse",
    "accidents_human",
    "accidents_combined",
    "accidents_unavoidable",
    "accidents_major",
    "accidents_especially_major",
    "deaths_saved",
    "inspections",
    "penalty_cases",
    "violations_let_off",
    "compliant_enterprises",
    "enterprises",
    "chemical_enterprises",
)


@dataclass(frozen=True)
class Job:
    """One run. ``tag`` groups runs (e.g. "baseline", "lever:fine_level:high")."""

    tag: str
    scenario: str
    overrides: tuple[tuple[str, float], ...] = ()
    setup: tuple[tuple[str, object], ...] = ()
    seed: int = 0
    replicate: int = 0
    kind: str = "run"  # "run" or "rct"
    design: tuple[tuple[str, float], ...] = ()  # the experiment's design (kind "rct")


@dataclass
class Summary:
    """What a run keeps (counts at real scale)."""

    tag: str
    replicate: int
    start_year: int
    annual: dict[str, np.ndarray] = field(default_factory=dict)
    nantong: dict[str, np.ndarray] = field(default_factory=dict)
    size_deaths: np.ndarray | None = None
    size_firm_years: np.ndarray | None = None
    rct: object = None  # a DataFrame of experiment rows (kind "rct")


def scenario_of(job: Job) -> Scenario:
    setup = {k: (list(v) if isinstance(v, tuple) else v) for k, v in job.setup}
    return load_scenario(job.scenario).with_overrides(dict(job.overrides), source=job.tag, **setup)


def _yearly(data: np.ndarray, years: int) -> dict[str, np.ndarray]:
    """(months, metrics) -> per-year totals of flows and means of stocks."""
    out = {}
    for name in ANNUAL:
        col = data[: years * 12, INDEX[name]].reshape(years, 12)
        out[name] = col.mean(axis=1) if name in STOCK else col.sum(axis=1)
    return out


def run_job(job: Job) -> Summary:
    sc = scenario_of(job)
    if job.kind == "rct":
        from experiments import rct

        design = rct.Design(**{k: (int(v) if k != "share" else float(v)) for k, v in job.design})
        rows = rct.run_replicate(sc, design, job.seed, job.replicate)
        return Summary(job.tag, job.replicate, sc.setup.start_year, rct=rows)
    model = SafetyModel(sc, seed=job.seed, replicate=job.replicate, handles=False)
    model.run()
    data = model.tally.data
    years = data.shape[0] // 12
    summary = Summary(job.tag, job.replicate, sc.setup.start_year, annual=_yearly(data.sum(axis=1), years))
    jur = model.jurisdiction
    if "Nantong" in jur.cities:
        counties = jur.county_city == jur.cities.index("Nantong")
        summary.nantong = _yearly(data[:, counties, :].sum(axis=1), years)
    events = model.recorder.events
    deaths_by_size = np.zeros(len(S.SIZES))
    if events:
        size = np.concatenate([e["size"] for e in events]).astype(np.int64)
        deaths = np.concatenate([e["deaths"] for e in events]).astype(float)
        deaths_by_size = np.bincount(size, deaths, minlength=len(S.SIZES))
    f = model.firms
    firms_by_size = np.bincount(f.size[f.active].astype(np.int64), minlength=len(S.SIZES)) * model.firms_per_agent
    summary.size_deaths = deaths_by_size
    summary.size_firm_years = firms_by_size * data.shape[0] / 12.0
    return summary


def run_jobs(jobs: list[Job], workers: int = 0, progress=None) -> list[Summary]:
    """Every job, in this process (``workers`` 0) or on a process pool; ``progress(done, total)``."""
    out: list[Summary] = []
    if workers and len(jobs) > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for i, s in enumerate(pool.map(run_job, jobs, chunksize=1), start=1):
                out.append(s)
                if progress:
                    progress(i, len(jobs))
    else:
        for i, job in enumerate(jobs, start=1):
            out.append(run_job(job))
            if progress:
                progress(i, len(jobs))
    return out
