"""Running a comparison: scenarios on the same replicate seeds, then statistics, figures and report."""

from __future__ import annotations

import math
import sys
from pathlib import Path

from experiments.compare import headline as H
from experiments.compare.report import COMPARE_METRICS, HEADLINE, write_outputs
from experiments.compare.stats import drift, paired_differences, yearly_differences
from experiments.outcomes import REGION_SUFFIXES

DEFAULT_REPLICATES = 10
MIN_REPLICATES = 5


def replicate_warning(replicates: int) -> str | None:
    if replicates < 2:
        return (f"warning: {replicates} replicate gives no confidence interval; use --replicates "
                f"{DEFAULT_REPLICATES} or more")
    if replicates < MIN_REPLICATES:
        return (f"warning: {replicates} replicates are too few for reliable 95% intervals "
                f"(t with {replicates - 1} df); use {DEFAULT_REPLICATES} or more")
    return None


def compare_outcome_names(metrics=COMPARE_METRICS) -> list[str]:
    return [*metrics, *(m + s for s in REGION_SUFFIXES for m in metrics)]


def default_out(paths: list[Path], names: list[str], seed: int) -> Path:
    from sim.inputs import safe_file_name

    stem = safe_file_name("-".join(names), limit=80)  # names come from scenario files: never a path
    return Path("outputs") / f"compare-{stem}-s{seed}"


def context(labels: list[str], scenarios: list, file_scenarios: list, replicates: int, model: str) -> H.Context:
    titles = tuple(f"{sc.title} {sc.title_zh}".strip() if sc is not None else "" for sc in scenarios)
    if model != "sim" or scenarios[0] is None:
        return H.Context(tuple(labels), titles, None, None, replicates)
    s = scenarios[0].setup
    years = max(math.ceil(s.months / 12), 1)
    return H.Context(tuple(labels), titles, s.start_year, s.start_year + years - 1, replicates, agents=s.agents,
                     enterprises_per_agent=float(s.enterprises_per_agent),
                     file_enterprises_per_agent=float(file_scenarios[0].setup.enterprises_per_agent))


def run_compare(scenario_paths, *, replicates: int = DEFAULT_REPLICATES, seed: int = 0, setup: dict | None = None,
                out: Path | None = None, workers=None, scheduler=None, quiet=False, chunk_size=None,
                model: str = "sim", figures: bool = True, warning: str | None = None) -> dict:
    """Run the comparison (resuming a store in ``out``) and write its outputs.

    Returns a dict: report (BatchReport), table (effects), yearly, drift, context, files, out,
    headline_text, warnings (English, Chinese) and table_text (the printed table).
    """
    from experiments.runner import run_batch
    from experiments.spec import RunSpec
    from experiments.store import Store
    from sim.scenario import load_scenario

    paths = [Path(p) for p in scenario_paths]
    file_scenarios = [load_scenario(p) for p in paths]  # one-line ScenarioError before anything is written
    scenarios = file_scenarios
    labels: list[str] = []
    for sc in scenarios:
        name = sc.name
        while name in labels:
            name = f"{name}_{len(labels)}"
        labels.append(name)
    if setup:  # validate, and describe the scenarios as they are run
        scenarios = [sc.with_overrides({}, source=str(path), **setup) for path, sc in zip(paths, scenarios, strict=True)]
    base_setup = scenarios[0].setup.model_dump()
    for path, sc in zip(paths[1:], scenarios[1:], strict=True):
        differ = [k for k, v in sc.setup.model_dump().items() if v != base_setup[k]]
        if differ:
            note = (f"warning: {path} differs from the base in its setup ({', '.join(differ)}): "
                    "effects mix policy with scale or world")
            warning = f"{warning}; {note}" if warning else note
            if not quiet:
                sys.stderr.write(note + "\n")
    from sim.inputs import check_output_dir

    out = (check_output_dir(out, "--out") if out else
           check_output_dir(default_out(paths, labels, seed), "--out", inside="outputs"))
    specs = []
    for k, (path, sc) in enumerate(zip(paths, scenarios, strict=True)):
        overrides = sc.values() if model != "sim" else {}
        for r in range(replicates):
            specs.append(RunSpec.make(str(path.resolve()) if model == "sim" else "", overrides, setup, seed=seed,
                                      replicate=r, model=model, design_point=k, label=labels[k]))
    extra = {"kind": "compare", "labels": labels, "seed": seed, "replicates_requested": replicates,
             "setup_overrides": setup or {}, "scenario_files": [str(p) for p in paths]}
    report = run_batch(specs, out, workers=workers, scheduler=scheduler, quiet=quiet, chunk_size=chunk_size,
                       manifest_extra=extra, desc="compare")
    store = Store(out)
    wanted = {s.run_id for s in specs}
    outcomes = store.outcomes()
    outcomes = outcomes[outcomes["run_id"].isin(wanted)].reset_index(drop=True)
    table = paired_differences(outcomes, compare_outcome_names() if model == "sim" else None)
    ctx = context(labels, scenarios, file_scenarios, replicates, model)
    series = yearly = drift_table = None
    run_point = dict(zip(outcomes["run_id"], outcomes["design_point"], strict=True))
    if model == "sim" and len(outcomes):
        from experiments.compare.figures import SERIES_METRICS

        wanted_series = sorted(set(SERIES_METRICS) | set(H.DRIFT_METRICS))
        series = store.series(metrics=wanted_series)
        series = series[series["run_id"].isin(wanted)]
        run_replicate = dict(zip(outcomes["run_id"], outcomes["replicate"], strict=True))
        yearly = yearly_differences(series, run_point, run_replicate, list(SERIES_METRICS))
        base_runs = list(outcomes.loc[outcomes["design_point"] == 0, "run_id"])
        drift_table = drift(series, base_runs, list(H.DRIFT_METRICS))
    meta = {"labels": labels, "replicates": replicates, "seed": seed, "setup": setup or {}, "model": model,
            "done": len(report.done) + len(report.skipped), "failed": len(report.failed), "store": str(out),
            "warning": warning}
    files = write_outputs(out, scenarios, table, ctx, meta, yearly=yearly, drift=drift_table, series=series,
                          run_point=run_point, figures=figures)
    from experiments.compare.report import warnings_for

    metrics = list(HEADLINE) if model == "sim" else sorted(set(table.get("metric", [])))
    return {"report": report, "table": table, "yearly": yearly, "drift": drift_table, "context": ctx,
            "files": files, "out": out, "headline_text": H.headline_text(table, ctx),
            "warnings": [w for w in warnings_for(table, ctx, {**meta, "warning": None}, drift_table)],
            "table_text": H.short_table(table, metrics)}
