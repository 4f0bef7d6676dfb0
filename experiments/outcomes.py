"""Scalar outcomes of one model run: names, labels and directions for comparisons, sweeps and
sensitivity (the computation itself is ``sim.scalars``, so ``sim.evaluate`` can use it).

Province values have plain names (``deaths``); region values carry a suffix
(``deaths__south``, ``deaths__central``, ``deaths__north``; 苏南/苏中/苏北).
"""

from __future__ import annotations

from sim import outcomes as O
from sim.jurisdiction import REGION_ZH
from sim.scalars import (  # noqa: F401  (re-exported: the experiments' outcome names)
    FLOW_OUTCOMES,
    MEAN_OUTCOMES,
    OUTCOMES,
    REGION_SUFFIXES,
    outcome_columns,
    scalar_outcomes,
)


def _label(name: str) -> tuple[str, str, str]:
    o = O.run_outcome(name)
    if o.kind == "ratio":
        return f"{o.label} (mean over months)", f"{o.zh}(月均)", o.unit
    if o.kind == "annual":
        return f"{o.label} per year", f"{o.zh}(年均)", o.unit
    return o.label, o.zh, o.unit


#: English label, Chinese label and unit of each outcome (reports and tables).
LABELS = {name: _label(name) for name in OUTCOMES}
#: +1 when more is better, -1 when less is better, 0 when neither (sim/outcomes.py).
DIRECTIONS = {name: O.run_outcome(name).direction for name in OUTCOMES}


def split_name(name: str) -> tuple[str, str]:
    """'deaths__south' -> ('deaths', 'south'); 'deaths' -> ('deaths', 'province')."""
    base, sep, region = name.partition("__")
    return (base, region) if sep else (name, "province")


def region_label(region: str) -> str:
    return "Jiangsu 江苏全省" if region == "province" else f"{region.capitalize()} {REGION_ZH[region]}"
