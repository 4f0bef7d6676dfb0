"""Many-objective robust policy search (``safegov robust SPEC.toml``): EMA Workbench's robust
optimisation (epsilon-NSGA-II from platypus) over the policy levers, robustness measured over
sampled states of the world of the uncertain parameters.

States of the world come from the calibration posterior when one exists (a table of parameter
draws, ``calibration/results/jiangsu/posterior*.parquet|csv``, optional ``weight`` column),
else from the declared ranges (Latin hypercube). Objectives come from the outcome declaration
(``sim.outcomes``: lower- or higher-is-better); each policy is scored by the mean (or the 90th
percentile on the bad side) of each objective over the states and replicates. A budget is a
constraint on the mean enforcement cost per year, the model's ``enforcement_cost_10k_cny``
(its formula is ``sim/costs.py``). Every run goes through the experiments runner into
``OUT/store``: rerunning the same spec resumes (the search is seeded and replays, done runs are
read back). Spec format: ``experiments/robust_*.toml`` and docs/ema.md.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, ValidationError

from experiments.ema import build_model, evaluate_robust, kind_of, require_ema  # noqa: F401
from experiments.reporting.numbers import num
from sim import params as P
from sim.errors import InputError, read_toml

REPO = Path(__file__).resolve().parent.parent
DEFAULT_POSTERIOR = REPO / "calibration" / "results" / "jiangsu"
WEIGHT_COLUMNS = ("weight", "weights", "w")
Number = StrictInt | StrictFloat


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    title: str = ""
    scenario: str | None = None
    model: str = "sim"
    levers: list[str] | dict[str, list[Number]] = Field(default_factory=list)
    uncertain: list[str] | dict[str, list[Number]] | None = None
    objectives: list[str] | dict[str, Literal["min", "max"]] = Field(default_factory=lambda: ["deaths"])
    statistic: Literal["mean", "p90"] = "mean"
    scenarios: StrictInt = Field(20, ge=2, le=10_000)
    replicates: StrictInt = Field(1, ge=1, le=1000)
    nfe: StrictInt = Field(1000, ge=10, le=10_000_000)
    population: StrictInt = Field(20, ge=4, le=10_000)
    epsilons: list[Number] | None = None
    seed: StrictInt = Field(0, ge=0, le=2**31 - 1)
    budget: Number | None = Field(None, gt=0)
    cost_outcome: str = "enforcement_cost_10k_cny"
    posterior: str | None = "auto"
    setup: dict[str, Number | list[str]] = Field(default_factory=dict)


class RobustSpec:
    """A validated robust-search spec (paths resolved, parameters and objectives checked)."""

    def __init__(self, raw: _Spec, path: Path):
        self.raw, self.path, self.source = raw, path, str(path)
        self.scenario = self._scenario()
        self.levers = self._ranges(raw.levers, "lever", "levers")
        if not self.levers:
            raise InputError(self.source, "levers", "name at least one policy lever to search over")
        self.posterior_file = self._posterior_file()
        self.posterior = load_posterior(self.posterior_file, self._model_params("uncertain")) \
            if self.posterior_file else None
        if raw.uncertain is None and self.posterior is not None:
            uncertain = [c for c in self.posterior.columns if c != "_weight"]
        elif raw.uncertain is None:
            uncertain = [p.name for p in P.UNCERTAIN] if raw.model == "sim" else []
        else:
            uncertain = raw.uncertain
        self.uncertain = self._ranges(uncertain, "uncertain", "uncertain")
        self.objectives = self._objectives()
        if raw.epsilons is not None and len(raw.epsilons) != len(self.objectives):
            raise InputError(self.source, "epsilons", f"expected {len(self.objectives)} values (one per objective), "
                             f"got {len(raw.epsilons)}")
        if raw.budget is not None and raw.model == "sim":
            kind_of(raw.cost_outcome)

    # ----------------------------------------------------------------- checks
    def _scenario(self) -> str:
        raw = self.raw
        if raw.model != "sim":
            from experiments.runner import resolve_callable

            try:
                resolve_callable(raw.model)
            except InputError as exc:
                raise InputError(self.source, "model", exc.problem) from None
            return ""
        from sim.evaluate import prepare, scenario_file

        name = raw.scenario or "baseline"
        local = self.path.parent / name
        target = local if local.exists() else name
        try:
            path = scenario_file(target)
            prepare({}, scenario=path, **_setup_kwargs(raw.setup))
        except InputError as exc:
            raise InputError(self.source, f"scenario/setup: {exc.key or ''}".rstrip(": "), exc.problem) from None
        return str(path.resolve())

    def _model_params(self, kind: str) -> set[str]:
        return {p.name for p in P.PARAMETERS if p.kind == kind} if self.raw.model == "sim" else set()

    def _ranges(self, selection, kind: str, key: str) -> dict[str, tuple[float, float]]:
        items = selection.items() if isinstance(selection, dict) else ((n, None) for n in selection)
        out = {}
        for name, bounds in items:
            p = P.BY_NAME.get(name) if self.raw.model == "sim" else None
            if self.raw.model == "sim" and (p is None or p.kind != kind):
                word = "policy lever" if kind == "lever" else "uncertain parameter"
                raise InputError(self.source, f"{key}.{name}" if isinstance(selection, dict) else key,
                                 f"{name!r} is not a declared {word} (see 'safegov levers --kind {kind}')")
            if bounds is None:
                if p is None:
                    raise InputError(self.source, key, f"give bounds for {name!r}: {key}.{name} = [low, high]")
                out[name] = (p.low, p.high)
                continue
            if len(bounds) != 2 or not bounds[0] < bounds[1]:
                raise InputError(self.source, f"{key}.{name}", f"expected [low, high] with low < high, got {bounds}")
            lo, hi = float(bounds[0]), float(bounds[1])
            if p is not None and (lo < p.low or hi > p.high):
                raise InputError(self.source, f"{key}.{name}", f"expected bounds within the declared [{p.low:g}, "
                                 f"{p.high:g}] ({p.unit}), got [{lo:g}, {hi:g}]")
            out[name] = (lo, hi)
        return out

    def _objectives(self) -> dict[str, int]:
        raw = self.raw.objectives
        out = {}
        if isinstance(raw, dict):
            for name, way in raw.items():
                out[name] = -1 if way == "min" else 1
        else:
            for name in raw:
                try:
                    k = kind_of(name)
                except InputError:
                    raise InputError(self.source, "objectives", f"unknown outcome {name!r}; give objectives as "
                                     "names of sim/outcomes.py outcomes or as {name = \"min\" | \"max\"}") from None
                if k == 0:
                    raise InputError(self.source, "objectives", f"{name!r} has no better direction; write it as "
                                     f"{{{name} = \"min\"}} or {{{name} = \"max\"}}")
                out[name] = k
        if not out:
            raise InputError(self.source, "objectives", "name at least one objective")
        return out

    def _posterior_file(self) -> Path | None:
        raw = self.raw.posterior
        if raw is None or raw == "none":
            return None
        path = DEFAULT_POSTERIOR if raw == "auto" else (self.path.parent / raw)
        if path.is_dir():
            found = sorted(path.glob("posterior*.parquet")) + sorted(path.glob("posterior*.csv"))
            found.sort(key=lambda p: (0 if "abc" in p.name else 1, p.name))
            if found:
                return found[0]
            if raw == "auto":
                return None
            raise InputError(self.source, "posterior", f"no posterior*.parquet or posterior*.csv in {path}")
        if path.exists():
            return path
        if raw == "auto":
            return None
        raise InputError(self.source, "posterior", f"file not found: {path}")

    # ----------------------------------------------------------------- derived
    @property
    def years(self) -> float:
        """Simulated years (the budget is per year of the sim model's horizon; 1 for callables)."""
        if self.raw.model != "sim":
            return 1.0
        from sim.evaluate import prepare

        return prepare({}, scenario=self.scenario, **_setup_kwargs(self.raw.setup)).setup.months / 12.0

    def uncertainty_source(self) -> str:
        if self.posterior is not None:
            rest = [n for n in self.uncertain if n not in self.posterior.columns]
            text = f"calibration posterior {self.posterior_file} ({len(self.posterior)} draws)"
            return text + (f"; declared ranges for {', '.join(rest)}" if rest else "")
        return "declared ranges (Latin hypercube; no calibration posterior found)"


def _setup_kwargs(setup: dict) -> dict:
    return {k: v for k, v in setup.items() if k in ("agents", "months", "cities")}


def load_spec(path) -> RobustSpec:
    path = Path(path)
    raw, _ = read_toml(path)
    try:
        spec = _Spec(**raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(x) for x in err["loc"])
        raise InputError(str(path), key, err["msg"]) from None
    unknown = set(spec.setup) - {"agents", "months", "cities"}
    if unknown:
        raise InputError(str(path), f"setup.{sorted(unknown)[0]}", "expected agents, months or cities")
    return RobustSpec(spec, path)


# --------------------------------------------------------------------------- states of the world


def load_posterior(path: Path, declared: set[str]) -> pd.DataFrame:
    """Parameter draws from a CSV or Parquet table: columns of declared uncertain parameters (others
    are ignored), an optional weight column (``weight``); returned with a ``_weight`` column."""
    path = Path(path)
    try:
        table = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
    except Exception as exc:  # unreadable file: one line naming it
        raise InputError(str(path), None, f"cannot read the posterior table ({exc.__class__.__name__}: {exc})") from None
    cols = [c for c in table.columns if c in declared] if declared else \
        [c for c in table.columns if c not in WEIGHT_COLUMNS and pd.api.types.is_numeric_dtype(table[c])]
    if not cols:
        raise InputError(str(path), None, "no column names a declared uncertain parameter (see 'safegov levers "
                         "--kind uncertain')")
    out = table[cols].astype(float)
    for c in cols:
        p = P.BY_NAME.get(c)
        bad = out[c].isna() | ((out[c] < p.low) | (out[c] > p.high) if p is not None else False)
        if bad.any():
            raise InputError(str(path), c, f"{int(bad.sum())} draws missing or outside the declared range "
                             f"[{p.low:g}, {p.high:g}]" if p else f"{int(bad.sum())} missing draws")
    wcol = next((c for c in WEIGHT_COLUMNS if c in table.columns), None)
    w = table[wcol].astype(float).to_numpy() if wcol else np.ones(len(out))
    if not (np.isfinite(w).all() and (w >= 0).all() and w.sum() > 0):
        raise InputError(str(path), wcol, "expected non-negative weights with a positive sum")
    out["_weight"] = w / w.sum()
    return out.reset_index(drop=True)


def states_of_the_world(spec: RobustSpec) -> list:
    """The sampled uncertain states (EMA Samples): posterior draws (weighted, seeded) for the
    posterior's parameters, a seeded Latin hypercube over the declared ranges for the rest."""
    ema = require_ema()
    from scipy.stats import qmc

    n = spec.raw.scenarios
    rng = np.random.default_rng(spec.raw.seed)
    values: dict[str, np.ndarray] = {}
    post = spec.posterior
    if post is not None:
        rows = rng.choice(len(post), size=n, replace=n > len(post) or not np.allclose(post["_weight"], 1 / len(post)),
                          p=post["_weight"].to_numpy())
        for c in post.columns:
            if c != "_weight" and c in spec.uncertain:
                values[c] = post[c].to_numpy()[rows]
    rest = [name for name in spec.uncertain if name not in values]
    if rest:
        unit = qmc.LatinHypercube(d=len(rest), rng=rng).random(n)
        for j, name in enumerate(rest):
            lo, hi = spec.uncertain[name]
            v = lo + unit[:, j] * (hi - lo)
            p = P.BY_NAME.get(name)
            values[name] = np.round(v) if p is not None and p.integer else v
    return [ema.Sample(f"sow{i}", **{k: float(v[i]) for k, v in values.items()}) for i in range(n)]


# --------------------------------------------------------------------------- search


class Statistic:
    """Robustness of one objective over the states: mean, or the 90th percentile on the bad side
    (the 90th for lower-is-better, the 10th for higher-is-better). Picklable."""

    def __init__(self, name: str, kind: int):
        self.name, self.kind = name, kind

    def __call__(self, values) -> float:
        v = np.asarray(values, dtype=float)
        if self.name == "mean":
            return float(np.mean(v))
        return float(np.percentile(v, 90 if self.kind < 0 else 10))


class Budget:
    """Constraint distance: 0 when the mean cost per year is within the budget, else the excess."""

    def __init__(self, budget: float, years: float):
        self.budget, self.years = float(budget), float(years)

    def __call__(self, mean_cost: float) -> float:
        return max(0.0, float(mean_cost) / self.years - self.budget)


def _ema_params(ranges: dict, kind_defaults: dict):
    ema = require_ema()
    out = []
    for name, (lo, hi) in ranges.items():
        p = P.BY_NAME.get(name)
        # the reference policy: the scenario's value (inside the searched range); for a callable, the low end
        default = min(max(float(kind_defaults.get(name, lo)), lo), hi)
        if p is not None and p.integer:
            out.append(ema.IntegerParameter(name, int(round(lo)), int(round(hi)), default=int(round(default))))
        else:
            out.append(ema.RealParameter(name, lo, hi, default=default))
    return out


def build(spec: RobustSpec):
    """The EMA model, robustness functions, constraints and states of the world of a spec."""
    ema = require_ema()
    raw = spec.raw
    defaults = {}
    if raw.model == "sim":
        from sim.evaluate import resolve_scenario

        defaults = resolve_scenario(spec.scenario).values()
    watched = list(spec.objectives)
    if raw.budget is not None and raw.cost_outcome not in watched:
        watched.append(raw.cost_outcome)
    outcomes = [ema.ScalarOutcome(n, kind=spec.objectives.get(n, 0), function=np.mean) for n in watched]
    model = build_model(spec.scenario or "", model=raw.model, replicates=raw.replicates, seed=raw.seed,
                        uncertainties=_ema_params(spec.uncertain, defaults) or [],
                        levers=_ema_params(spec.levers, defaults), outcome_names=outcomes, name="robust",
                        **_setup_kwargs(raw.setup)) if raw.model == "sim" else \
        build_model(model=raw.model, replicates=raw.replicates, seed=raw.seed,
                    uncertainties=_ema_params(spec.uncertain, defaults) or [],
                    levers=_ema_params(spec.levers, defaults), outcome_names=outcomes, name="robust")
    rfs = [ema.ScalarOutcome(f"{n}_{raw.statistic}", kind=k, variable_name=n, function=Statistic(raw.statistic, k))
           for n, k in spec.objectives.items()]
    constraints = []
    if raw.budget is not None:
        constraints.append(ema.Constraint("budget", outcome_names=[raw.cost_outcome],
                                          function=Budget(raw.budget, spec.years)))
    return model, rfs, constraints, states_of_the_world(spec)


def _policy_table(model, experiments: pd.DataFrame, outcomes: dict, spec: RobustSpec) -> pd.DataFrame:
    """Robustness figures of each evaluated policy: mean, 10th and 90th percentile of each
    objective over the states x replicates, mean cost per year, within budget."""
    rows = []
    for policy, frame in experiments.groupby("policy", sort=False, observed=True):
        mask = (experiments["policy"] == policy).to_numpy()
        row = {"policy": str(policy)}
        for p in model.levers:
            row[p.name] = float(frame[p.name].iloc[0])
        for name, kind in spec.objectives.items():
            v = np.asarray(outcomes[name], dtype=float)[mask]
            row[f"{name}_{spec.raw.statistic}"] = Statistic(spec.raw.statistic, kind)(v)
            row[f"{name}_mean"], row[f"{name}_p10"], row[f"{name}_p90"] = (float(v.mean()), float(np.percentile(v, 10)),
                                                                           float(np.percentile(v, 90)))
        if spec.raw.budget is not None:
            cost = float(np.mean(np.asarray(outcomes[spec.raw.cost_outcome], dtype=float)[mask])) / spec.years
            row["cost_per_year"] = cost
            row["within_budget"] = cost <= spec.raw.budget + 1e-9
        rows.append(row)
    return pd.DataFrame(rows)


def run_robust(spec: RobustSpec, out: Path, *, workers=None, scheduler=None, chunk_size=None, quiet=False) -> dict:
    """Run the search; returns the tables. Everything is written under ``out`` by ``write``."""
    require_ema()
    from ema_workbench import Sample
    from platypus import EpsNSGAII

    from experiments.ema import SafegovEvaluator

    model, rfs, constraints, sows = build(spec)
    out.mkdir(parents=True, exist_ok=True)
    state = random.getstate()  # platypus draws from the global random module: restore it afterwards
    try:
        with SafegovEvaluator(model, out / "store", workers=workers, scheduler=scheduler, chunk_size=chunk_size,
                              quiet=quiet) as ev:
            reference = Sample("reference", **{p.name: p.default for p in model.levers if p.default is not None})
            exp, res = ev.perform_experiments(sows, [reference], log_progress=True)
            ref = _policy_table(model, exp, res, spec)
            eps = spec.raw.epsilons or [max(1e-9, 0.02 * abs(float(ref[f"{n}_{spec.raw.statistic}"].iloc[0])))
                                        for n in spec.objectives]
            archive = out / "archives.tar.gz"
            archive.unlink(missing_ok=True)  # rewritten on every (resumed) search
            front, convergence = ev.robust_optimize(
                rfs, sows, algorithm=EpsNSGAII, nfe=spec.raw.nfe, epsilons=[float(e) for e in eps],
                population_size=spec.raw.population, rng=spec.raw.seed, constraints=constraints,
                convergence_freq=max(spec.raw.population, spec.raw.nfe // 10), logging_freq=1,
                filename=archive.name, directory=str(out))
            policies = [Sample(f"pareto{i}", **{p.name: float(r[p.name]) for p in model.levers})
                        for i, r in front.reset_index(drop=True).iterrows()]
            if policies:
                exp2, res2 = ev.perform_experiments(sows, policies, log_progress=True)
                table = _policy_table(model, exp2, res2, spec)
            else:
                table = pd.DataFrame()
            runs = sum(len(r.done) for r in ev.reports)
            skipped = sum(len(r.skipped) for r in ev.reports)
    finally:
        random.setstate(state)
    if constraints and len(table):
        table = table[table["within_budget"]].reset_index(drop=True)
    if len(table):  # along the front: by the first objective, best first
        first, kind = next(iter(spec.objectives.items()))
        table = table.sort_values(f"{first}_{spec.raw.statistic}", ascending=kind < 0, kind="stable")
        table = table.reset_index(drop=True)
    return {"pareto": table, "reference": ref, "convergence": convergence, "epsilons": eps, "runs_done": runs,
            "runs_reused": skipped, "states": pd.DataFrame([dict(s) for s in sows]), "model": model}


# --------------------------------------------------------------------------- output


def _label_of(name: str) -> tuple[str, str]:
    p = P.BY_NAME.get(name)
    if p is not None:
        return p.label, p.zh
    from experiments.outcomes import LABELS

    en, zh, _ = LABELS.get(name, (name, "", ""))
    return en, zh


def parallel_figure(result: dict, spec: RobustSpec, path: Path) -> Path:
    """Parallel coordinates of the non-dominated policies: objectives then levers, each axis
    scaled to its range (printed at both ends). Objective axes are turned so that down is
    always better (a higher-is-better objective is drawn upside down); the reference policy dashed."""
    import matplotlib.pyplot as plt

    from sim.figures import cjk_font, label, save_figure, setup_fonts

    setup_fonts()
    table, ref = result["pareto"], result["reference"]
    stat = spec.raw.statistic
    axes = [f"{n}_{stat}" for n in spec.objectives] + list(spec.levers)
    names = list(spec.objectives) + list(spec.levers)
    both = pd.concat([table[axes], ref[axes]], ignore_index=True) if len(table) else ref[axes]
    lo, hi = both.min(), both.max()
    for a in axes:  # lever axes span the searched range
        if a in spec.levers:
            lo[a], hi[a] = spec.levers[a]
    span = (hi - lo).replace(0, 1.0)
    flipped = {f"{n}_{stat}" for n, k in spec.objectives.items() if k > 0}  # down = better on every objective

    def y(a: str, v: float) -> float:
        z = float((v - lo[a]) / span[a])
        return 1.0 - z if a in flipped else z

    fig, ax = plt.subplots(figsize=(max(7, 1.5 * len(axes)), 5))
    cmap = plt.get_cmap("viridis")
    first = axes[0]
    for _, r in table.iterrows():
        ax.plot(range(len(axes)), [y(a, r[a]) for a in axes], color=cmap(0.85 * y(first, r[first])), alpha=0.85,
                lw=1.4)
    ax.plot(range(len(axes)), [y(a, ref[a].iloc[0]) for a in axes], color="black", ls="--", lw=2,
            label=label("reference (the scenario's levers)", "参照(情景现有政策)"))
    ticks = []
    for n in names:
        en, zh = _label_of(n)
        if n in spec.objectives:
            en = f"{en} ({stat}), better ↓"
            zh = f"{zh}(越往下越好)" if zh else ""
        ticks.append(f"{en}\n{zh}" if zh and cjk_font() else en)
    ax.set_xticks(range(len(axes)), ticks, rotation=25, ha="right", fontsize=8)
    for i, a in enumerate(axes):
        ax.axvline(i, color="#aaaaaa", lw=0.8)
        top, bottom = (lo[a], hi[a]) if a in flipped else (hi[a], lo[a])
        ax.text(i, 1.03, num(top), ha="center", fontsize=7)
        ax.text(i, -0.04, num(bottom), ha="center", fontsize=7, va="top")
    ax.set_ylim(-0.1, 1.1)
    ax.set_yticks([])
    n_obj = len(spec.objectives)
    ax.axvspan(-0.3, n_obj - 0.5, color="#f3f3f3", zorder=0)
    n = len(table)
    title = f"{n} non-dominated {'policy' if n == 1 else 'policies'}: objectives (shaded), then levers; " \
            "colour follows the first objective"
    if cjk_font():
        title += f"\n{n} 个非支配政策：阴影为目标，其后为政策杠杆；颜色随第一个目标"
    ax.set_title(title, fontsize=10, pad=26)
    # above the axes, under the title: never over an axis or a tick label
    ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), fontsize=8, frameon=False, borderaxespad=0.2)
    return save_figure(fig, path)


def report_text(result: dict, spec: RobustSpec, files: list[Path]) -> str:
    raw, stat = spec.raw, spec.raw.statistic
    table, ref = result["pareto"], result["reference"]
    lines = [f"# Robust policy search 稳健政策搜索{': ' + raw.title if raw.title else ''}", "",
             f"Spec 配置: `{spec.source}`; model 模型: `{raw.model}`" + (f", scenario `{Path(spec.scenario).name}`"
                                                                        if spec.scenario else "") + ".", "",
             f"- Levers searched 搜索的政策杠杆: {', '.join(f'{n} [{a:g}, {b:g}]' for n, (a, b) in spec.levers.items())}",
             f"- Uncertainty 不确定性: {raw.scenarios} states of the world from the {spec.uncertainty_source()}; "
             f"{raw.replicates} replicate(s) each (common random numbers).",
             "- Objectives 目标: " + ", ".join(f"{n} ({'minimise 越低越好' if k < 0 else 'maximise 越高越好'})"
                                              for n, k in spec.objectives.items()) +
             f"; robustness = {'mean' if stat == 'mean' else '90th percentile on the bad side'} over the states.",
             (f"- Budget 预算: mean `{raw.cost_outcome}` per year ≤ {raw.budget:g} (10k CNY; cost formula "
              "sim/costs.py)." if raw.budget is not None else "- Budget 预算: none."),
             f"- Search 搜索: epsilon-NSGA-II (EMA Workbench / platypus), {raw.nfe} evaluations, population "
             f"{raw.population}, seed {raw.seed}, epsilons {', '.join(f'{e:.3g}' for e in result['epsilons'])}; "
             f"{result['runs_done']} runs this time, {result['runs_reused']} read back from the store.", "",
             f"## Non-dominated policies 非支配政策 ({len(table)})", ""]
    cols = list(spec.levers) + [f"{n}_{stat}" for n in spec.objectives] + (["cost_per_year"] if raw.budget else [])
    lines.append("| | " + " | ".join(cols) + " |")
    lines.append("|---|" + "---:|" * len(cols))
    for name, frame in (("reference 参照", ref), *((f"policy {i}", table.iloc[[i]]) for i in range(len(table)))):
        lines.append(f"| {name} | " + " | ".join(num(frame[c].iloc[0]) for c in cols) + " |")
    lines += ["", "Each objective's 10th–90th percentile over the states is in `pareto.csv` (`*_p10`, `*_p90`). "
              "各目标在不同情景下的10%–90%分位数见 pareto.csv。", "", "## Figures 图", ""]
    lines += [f"![{f.stem}]({f.name})" for f in files]
    lines += ["", "EMA Workbench 3.0 scores every policy of a generation on all of the generation's outcomes in "
              "robust optimisation; safegov's evaluator scores each policy on its own states "
              "(experiments/ema.py).", ""]
    return "\n".join(lines)


def write(result: dict, spec: RobustSpec, out: Path) -> list[Path]:
    from experiments.store import _atomic, write_json
    from sim.provenance import git_commit, package_versions

    files = [parallel_figure(result, spec, out / "parallel_coordinates.png")]
    tables = {"pareto.csv": result["pareto"], "reference.csv": result["reference"],
              "convergence.csv": result["convergence"], "states.csv": result["states"]}
    for name, t in tables.items():
        _atomic(out / name, lambda p, t=t: t.to_csv(p, index=False))
    text = report_text(result, spec, files)
    _atomic(out / "report.md", lambda p: p.write_text(text, encoding="utf-8"))
    from importlib import metadata

    versions = package_versions()
    for name in ("ema_workbench", "platypus-opt"):
        versions[name] = metadata.version(name)
    write_json(out / "robust.json", {
        "kind": "robust", "spec": spec.source, "spec_values": spec.raw.model_dump(), "scenario": spec.scenario,
        "uncertainty": spec.uncertainty_source(), "posterior_file": str(spec.posterior_file or ""),
        "epsilons": result["epsilons"], "pareto_policies": len(result["pareto"]), "runs_done": result["runs_done"],
        "runs_reused": result["runs_reused"], "versions": versions, "git": git_commit()})
    return [*files, *(out / n for n in tables), out / "report.md", out / "robust.json"]
