"""Unit costs for enforcement and compliance accounting [10k CNY], and the one cost model.

Rough public-sector magnitudes (assumptions, ODD 5): they let users compare what a scenario
costs, not audit a budget.

One cost model: ``cost_items`` gives the terms of a month's enforcement cost; the model records
their sum (``enforcement_cost``, from the counts it recorded), and the training exercise prices
a lever allocation with the same function (``lever_prices``, from the counts full delivery of
those levers would give). The exercise's budget and the model's enforcement cost therefore
differ only by how much of the planned capacity was really delivered.
"""

from __future__ import annotations

from dataclasses import dataclass

INSPECTOR_MONTH = 1.2  # salary and overhead of one inspector per month
INSPECTION = 0.1  # direct cost of a local inspection
CROSS_REGION_INSPECTION = 0.4  # travel and team cost of a cross-region inspection
GRID_WORKER_MONTH = 0.5  # one grid worker per month
INFORMATISATION_COUNTY_MONTH = 40.0  # full informatisation, per county per month
DATA_SHARING_COUNTY_MONTH = 15.0  # full data sharing, per county per month
CHEM_PLATFORM_FIRM_MONTH = 0.2  # per chemical firm on the platform per month
TRAINING = 0.15  # one firm's owner and workers trained
RESCUE_COUNTY_MONTH = 30.0  # full rescue capacity, per county per month

#: Levers that cost money, in the order the exercise shows them (each has a line in ``lever_prices``).
PRICED_LEVERS = ("inspectors_per_county", "cross_region_share", "grid_workers_per_grid", "informatisation",
                 "data_sharing", "chem_platform", "training_rate", "rescue_capacity")


def cost_items(lv: dict, local_inspections, cross_region_inspections, grids, chemical_enterprises, trained) -> dict:
    """The terms of one month's enforcement cost [10k CNY], per county when the counts are per county.

    Args:
        lv: lever values in force this month.
        local_inspections, cross_region_inspections: real inspections this month.
        grids: grids in the county; chemical_enterprises: real hazardous-chemicals firms;
        trained: real firms trained this month.
    """
    return {
        "inspectors": lv["inspectors_per_county"] * INSPECTOR_MONTH,
        "local_inspections": local_inspections * INSPECTION,
        "cross_region_inspections": cross_region_inspections * CROSS_REGION_INSPECTION,
        "grid_workers": lv["grid_workers_per_grid"] * grids * GRID_WORKER_MONTH,
        "informatisation": lv["informatisation"] * INFORMATISATION_COUNTY_MONTH,
        "data_sharing": lv["data_sharing"] * DATA_SHARING_COUNTY_MONTH,
        "chem_platform": lv["chem_platform"] * chemical_enterprises * CHEM_PLATFORM_FIRM_MONTH,
        "training": trained * TRAINING,
        "rescue": lv["rescue_capacity"] * RESCUE_COUNTY_MONTH,
    }


def enforcement_cost(
    lv: dict,
    local_inspections,
    cross_region_inspections,
    grids,
    chemical_enterprises,
    trained,
):
    """Enforcement cost of one month [10k CNY], per county when the counts are per county.

    The sum of ``cost_items`` (same arguments). One cost model for the model's
    ``enforcement_cost_10k_cny`` and for pricing levers (``lever_prices``, the training
    exercise's budget).
    """
    items = cost_items(lv, local_inspections, cross_region_inspections, grids, chemical_enterprises, trained)
    total = 0.0
    for value in items.values():
        total = total + value
    return total


# ------------------------------------------------------------------------- pricing of levers
@dataclass(frozen=True)
class PriceBase:
    """Quantities of a world that the price of a lever allocation depends on.

    Attributes:
        counties: county-level divisions; grids: grids in all of them.
        enterprises: real enterprises; chemical_enterprises: real hazardous-chemicals firms.
        inspections_per_inspector: inspections one inspector does in a month [per month].
        cross_region_capacity: inspection capacity one cross-region inspection uses, in local
            inspections (the uncertain parameter ``cross_region_cost``, 1.5 by default).
    """

    counties: int
    grids: int
    enterprises: float
    chemical_enterprises: float
    inspections_per_inspector: float
    cross_region_capacity: float = 1.5


MONTHS_PER_YEAR = 12


def planned_counts(lv: dict, base: PriceBase) -> dict[str, float]:
    """Counts per county and month that full delivery of these levers gives (the arguments of
    ``cost_items``): every inspector does ``inspections_per_inspector`` inspections, a share
    ``cross_region_share`` of that capacity goes to cross-region inspections, the training rate
    [share per year] trains that share of the firms over twelve months."""
    capacity = lv["inspectors_per_county"] * base.inspections_per_inspector
    rho = lv["cross_region_share"]
    c = max(base.counties, 1)
    return {
        "local_inspections": (1.0 - rho) * capacity,
        "cross_region_inspections": rho * capacity / base.cross_region_capacity,
        "grids": base.grids / c,
        "chemical_enterprises": base.chemical_enterprises / c,
        "trained": lv["training_rate"] * base.enterprises / c / MONTHS_PER_YEAR,
    }


def annual_items(lv: dict, base: PriceBase) -> dict[str, float]:
    """``cost_items`` of a year of full delivery in the whole world [10k CNY per year]."""
    per_county = cost_items(lv, **planned_counts(lv, base))
    return {k: float(v) * base.counties * MONTHS_PER_YEAR for k, v in per_county.items()}


def annual_price(lv: dict, base: PriceBase) -> float:
    """Enforcement cost of a year of full delivery of these levers [10k CNY per year]:
    ``enforcement_cost`` on the planned counts, times counties and months."""
    per_county = enforcement_cost(lv, **planned_counts(lv, base))
    return float(per_county) * base.counties * MONTHS_PER_YEAR


def lever_prices(lv: dict, base: PriceBase) -> dict[str, float]:
    """Annual price of each priced lever [10k CNY per year]; the lines add up to ``annual_price``.

    Inspectors carry their salaries and the inspections they would do all locally; the
    cross-region line is what sending a share of that capacity to cross-region teams adds
    (fewer but dearer inspections). The other levers map to one cost item each.
    """
    items = annual_items(lv, base)
    local_only = annual_items({**lv, "cross_region_share": 0.0}, base)
    inspection_cost = items["local_inspections"] + items["cross_region_inspections"]
    return {
        "inspectors_per_county": items["inspectors"] + local_only["local_inspections"],
        "cross_region_share": inspection_cost - local_only["local_inspections"],
        "grid_workers_per_grid": items["grid_workers"],
        "informatisation": items["informatisation"],
        "data_sharing": items["data_sharing"],
        "chem_platform": items["chem_platform"],
        "training_rate": items["training"],
        "rescue_capacity": items["rescue"],
    }
