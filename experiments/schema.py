"""``schema.md`` of a store: every file, view and column, with units and aggregation rules.

Written into every experiment folder (``Store.write_schema``), so a folder explains itself to
whoever opens it without the code. Units, labels and kinds come from the one declaration of the
outcomes (``sim/outcomes.py``) and of the parameters (``sim/params.py``); nothing is re-declared.
"""

from __future__ import annotations

from sim import outcomes as O
from sim import params
from sim.jurisdiction import REGION_ZH, REGIONS

META = {
    "run_id": "stable hash of everything that defines the run (16 hex digits); the key of every table",
    "design_point": "index of the scenario or design point (0-based)",
    "label": "scenario or design-point label",
    "replicate": "replicate r: random streams from SeedSequence(seed, spawn_key=(r,)), the same in every "
                 "design point (common random numbers)",
    "seed": "root seed of the experiment",
}
STATE = {
    "state": "done | failed",
    "error": "traceback of a failed run (empty when done)",
    "elapsed_s": "seconds the run took in its worker (s)",
    "code_version": "hash of the model source that ran it (sim/**/*.py and sim/data)",
}
PLAN = {
    "scenario": "scenario file the run started from (empty for a callable model)",
    "model": "'sim' (the agent-based model) or 'package.module:function'",
    "overrides": "JSON object {parameter: value}: the values this run sets over the scenario's",
    "setup": "JSON object {field: value}: the setup fields this run changes (agents, months, ...)",
    "schedule": "JSON array [{month, levers: {name: value}}]: the scenario's lever changes over time",
}
SERIES = {
    "run_id": META["run_id"],
    "label": META["label"],
    "year": "calendar year",
    "region": "south | central | north (苏南/苏中/苏北), or 'all' for the province",
    "city": "city name, or 'all' for a region or the province row",
    "metric": "metric name (table below)",
    "value": "the year's value (unit and aggregation in the table below); counts at the real scale "
             "(agents x enterprises_per_agent)",
}

RUN_AGGREGATION = {
    "flow": "sum over the run's recorded months",
    "ratio": "mean over months of the monthly ratio",
    "annual": "mean over the run's years of the yearly count",
    "stock": "mean over months",
    "mean": "mean over months",
}
YEAR_AGGREGATION = {
    "flow": "sum of the year's months",
    "stock": "mean of the year's end-of-month levels",
    "mean": "mean of the year's months (county mean)",
    "ratio": "recomputed from the year's numerator and denominator",
    "annual": "counted per year from county data",
}


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return [*out, ""]


def _outcome_row(column: str) -> list | None:
    base, sep, region = column.partition("__")
    try:
        o = O.run_outcome(base)
    except KeyError:
        return None
    where = f"; {region} ({REGION_ZH.get(region, '')})" if sep else ""
    how = RUN_AGGREGATION[o.kind]
    if o.kind == "ratio":
        how += f" ({o.numerator} / {o.denominator})"
    return [f"`{column}`", f"{o.label} ({o.zh}){where}", o.unit, how, o.better or ""]


def store_schema(runs_columns: list[str], plan_columns: list[str], metrics: list[str], kind: str = "") -> str:
    """Markdown describing a store whose files hold these columns and series metrics."""
    lines = [f"# What this folder holds{f' ({kind})' if kind else ''} · 数据说明", "",
             "Written by safegov with every batch. Files are Parquet (any Arrow tool reads them);",
             "`results.duckdb` holds views over them with paths relative to this folder, so the folder can be",
             "copied or moved. Open it from anywhere with `experiments.store.connect(DIR)`, or",
             "`cd DIR && duckdb results.duckdb`, or set `SET file_search_path = 'DIR'` first.", "",
             "## Files and views", ""]
    lines += _table(["file / view", "rows"], [
        ["`plan.parquet` / view `plan`", "every planned run (union over the batches started on this folder)"],
        ["`runs/*.parquet` / view `attempts`", "every recorded attempt of a run, duplicates included"],
        ["view `runs`", "one row per run: its first done attempt in file-name order, else its last failed one"],
        ["view `outcomes`", "one row per done run: the run's scalar outcomes (no state columns)"],
        ["`series/*.parquet` / view `series`", "annual tidy rows of the done runs (only the chosen attempt)"],
        ["`manifest.json`", "design, seeds, seeding rule, versions, git commit, scenario texts, batches"],
        ["`quarantine/`", "damaged files moved aside (`log.txt` says when and why); their runs were redone"],
    ])
    lines += ["Read with de-duplication: `Store(DIR).runs()`, `.outcomes()`, `.series()` and the views keep one",
              "row per run; `Store(DIR).attempts()` and the `attempts` view show every attempt.", "",
              "## Run identity and state (plan, runs, outcomes)", ""]
    lines += _table(["column", "meaning"], [[f"`{k}`", v] for k, v in {**META, **STATE}.items()])

    outcome_rows = [row for c in runs_columns if c not in META and c not in STATE and c != "_chunk"
                    for row in [_outcome_row(c)] if row is not None]
    other = [c for c in runs_columns if c not in META and c not in STATE and c != "_chunk" and _outcome_row(c) is None]
    lines += ["## Outcomes (runs, outcomes)", "",
              "Province values have plain names; `name__south`, `name__central`, `name__north` are the regions",
              f"({', '.join(f'{r} {REGION_ZH[r]}' for r in REGIONS)}). `better` says which direction is safer.", ""]
    if outcome_rows:
        lines += _table(["column", "label", "unit", "how a run's value is formed", "better"], outcome_rows)
    else:
        lines += ["(no outcome columns recorded yet)", ""]
    if other:
        lines += ["Outputs of a callable model (units as its author defines them): "
                  + ", ".join(f"`{c}`" for c in other), ""]

    lines += ["## Plan", ""]
    plan_rows = [[f"`{k}`", v] for k, v in PLAN.items() if not plan_columns or k in plan_columns]
    for c in plan_columns:
        if c in META or c in PLAN:
            continue
        p = params.BY_NAME.get(c)
        if p is not None:
            plan_rows.append([f"`{c}`", f"{p.label} ({p.zh}), {p.kind}; value in force at month 1 "
                              f"(declared {p.low:g}..{p.high:g})", ])
            plan_rows[-1][1] += f"; unit: {p.unit}"
        elif c.startswith("setup_"):
            plan_rows.append([f"`{c}`", f"setup field `{c[6:]}` as the run used it"])
        else:
            plan_rows.append([f"`{c}`", "a factor of a callable model"])
    lines += _table(["column", "meaning"], plan_rows)

    lines += ["## Series (annual tidy rows)", ""]
    lines += _table(["column", "meaning"], [[f"`{k}`", v] for k, v in SERIES.items()])
    rows = []
    for m in metrics or []:
        o = O.BY_NAME.get(m)
        if o is None:
            rows.append([f"`{m}`", "", "", "", ""])
            continue
        how = YEAR_AGGREGATION[o.kind] + (f" ({o.numerator} / {o.denominator})" if o.kind == "ratio" else "")
        rows.append([f"`{m}`", f"{o.label} ({o.zh})", o.unit, o.kind, how])
    if rows:
        lines += _table(["metric", "label", "unit", "kind", "how a year's value is formed"], rows)
    else:
        lines += ["(no series stored: sensitivity analyses and callable models store scalar outcomes only)", ""]
    return "\n".join(lines) + "\n"
