"""Running a comparison: scenarios on the same replicate seeds, then statistics, figures and report."""

from __future__ import annotations

import math
import sys
from dataclasses import replace
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


def default_out(paths: list[Path], names: list[str], seed: int, *, posterior: bool = False) -> Path:
    from sim.inputs import safe_file_name

    stem = safe_file_name("-".join(names), limit=80)  # names come from scenario files: never a path
    return Path("outputs") / f"compare-{stem}-s{seed}{'-posterior' if posterior else ''}"


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
                model: str = "sim", figures: bool = True, warning: str | None = None,
                posterior: str | Path | None = None, posterior_split: bool = False) -> dict:
    """Run the comparison (resuming a store in ``out``) and write its outputs.

    ``posterior``: a calibration results folder or posterior_<method>.parquet; replicate r of
    every scenario then runs with the same posterior draw of the behavioural parameters
    (experiments/compare/posterior.py). ``posterior_split``: also run every scenario at the
    posterior median on the same seeds, to split the effects' variance into seed noise and
    parameter uncertainty.

    Returns a dict: report (BatchReport), table (effects), yearly, drift, context, files, out,
    headline_text, warnings (English, Chinese), table_text (the printed table), and with a
    posterior: posterior (what was used), posterior_sentence (English, Chinese), split (table).
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
    post = draws = median = None
    if posterior is not None:  # checked before anything is written
        from experiments.compare import posterior as P

        post = P.load_posterior(posterior)
        draws = post.draws(seed, replicates)
        median = post.median() if posterior_split else None
        for path in paths:
            own = P.scenario_sets(path, post.parameters)
            if own:
                note = (f"warning: {path} sets {', '.join('behaviour.' + n for n in own)} itself, and the posterior "
                        "draw replaces it in every replicate")
                warning = f"{warning}; {note}" if warning else note
                sys.stderr.write(note + "\n")  # a changed question, not progress: printed even with quiet
    elif posterior_split:
        from sim.errors import InputError

        raise InputError("safegov compare", "--posterior-split", "needs --posterior DIR")
    from sim.inputs import check_output_dir

    out = (check_output_dir(out, "--out") if out else
           check_output_dir(default_out(paths, labels, seed, posterior=post is not None), "--out", inside="outputs"))
    specs, split_specs = [], []
    for k, (path, sc) in enumerate(zip(paths, scenarios, strict=True)):
        overrides = sc.values() if model != "sim" else {}
        scenario = str(path.resolve()) if model == "sim" else ""
        for r in range(replicates):
            drawn = {**overrides, **draws[r]} if draws is not None else overrides
            specs.append(RunSpec.make(scenario, drawn, setup, seed=seed, replicate=r, model=model, design_point=k,
                                      label=labels[k]))
            if median is not None:  # the same seed at the posterior median: seed noise alone
                split_specs.append(RunSpec.make(scenario, {**overrides, **median}, setup, seed=seed, replicate=r,
                                                model=model, design_point=len(paths) + k,
                                                label=f"{labels[k]} @ posterior median"))
    extra = {"kind": "compare", "labels": labels, "seed": seed, "replicates_requested": replicates,
             "setup_overrides": setup or {}, "scenario_files": [str(p) for p in paths]}
    if post is not None:
        extra["posterior"] = {**post.record(), "split": bool(posterior_split), "median": median,
                              "draws": "posterior_draws.csv", "summary": post.summary}
    report = run_batch(specs + split_specs, out, workers=workers, scheduler=scheduler, quiet=quiet,
                       chunk_size=chunk_size, manifest_extra=extra, desc="compare")
    store = Store(out)
    wanted = {s.run_id for s in specs}
    everything = store.outcomes()
    outcomes = everything[everything["run_id"].isin(wanted)].reset_index(drop=True)
    table = paired_differences(outcomes, compare_outcome_names() if model == "sim" else None)
    ctx = context(labels, scenarios, file_scenarios, replicates, model)
    if post is not None:
        ctx = replace(ctx, posterior=post.path.name)
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
    split = None
    extra_files: list[Path] = []
    if post is not None:
        from experiments.compare import posterior as P
        from experiments.compare.report import _atomic_csv

        out.mkdir(parents=True, exist_ok=True)
        _atomic_csv(out / "posterior_draws.csv", P.draws_table(post, seed, replicates))
        extra_files.append(out / "posterior_draws.csv")
        spoken = P.SENTENCE_OUTCOME  # the outcome the sentence speaks about
        if split_specs:
            at_median = everything[everything["run_id"].isin({s.run_id for s in split_specs})].copy()
            at_median["design_point"] -= len(paths)
            metrics = (compare_outcome_names() if model == "sim" else  # a callable model: its outcomes, in its order
                       list(dict.fromkeys(table["outcome"])) if len(table) else [])
            split = P.split_table(outcomes, at_median, metrics)
            if model != "sim" and metrics:
                spoken = metrics[0]
            _atomic_csv(out / "posterior_split.csv", split)
            extra_files.append(out / "posterior_split.csv")
        meta["posterior"] = {**post.record(), "split": bool(posterior_split), "median": median,
                             "sentence": P.sentence(post.record(), split, labels, replicates, outcome=spoken)}
        meta["posterior_split"] = split
    files = extra_files + write_outputs(out, scenarios, table, ctx, meta, yearly=yearly, drift=drift_table,
                                        series=series, run_point=run_point, figures=figures)
    from experiments.compare.report import warnings_for

    metrics = list(HEADLINE) if model == "sim" else sorted(set(table.get("metric", [])))
    return {"report": report, "table": table, "yearly": yearly, "drift": drift_table, "context": ctx,
            "files": files, "out": out, "headline_text": H.headline_text(table, ctx),
            "warnings": [w for w in warnings_for(table, ctx, {**meta, "warning": None}, drift_table)],
            "table_text": H.short_table(table, metrics),
            "posterior": meta.get("posterior"), "split": split,
            "posterior_sentence": meta["posterior"]["sentence"] if post is not None else None}
