"""Unit costs for enforcement and compliance accounting [10k CNY].

Rough public-sector magnitudes (assumptions, ODD 5): they let users compare what a scenario
costs, not audit a budget. The training exercise (dashboard) spends a budget on the same units.
"""

INSPECTOR_MONTH = 1.2  # salary and overhead of one inspector per month
INSPECTION = 0.1  # direct cost of a local inspection
CROSS_REGION_INSPECTION = 0.4  # travel and team cost of a cross-region inspection
GRID_WORKER_MONTH = 0.5  # one grid worker per month
INFORMATISATION_COUNTY_MONTH = 40.0  # full informatisation, per county per month
DATA_SHARING_COUNTY_MONTH = 15.0  # full data sharing, per county per month
CHEM_PLATFORM_FIRM_MONTH = 0.2  # per chemical firm on the platform per month
TRAINING = 0.15  # one firm's owner and workers trained
RESCUE_COUNTY_MONTH = 30.0  # full rescue capacity, per county per month


def enforcement_cost(
    lv: dict,
    local_inspections,
    cross_region_inspections,
    grids,
    chemical_enterprises,
    trained,
):
    """Enforcement cost of one month [10k CNY], per county when the counts are per county.

    Args:
        lv: lever values in force this month.
        local_inspections, cross_region_inspections: real inspections this month.
        grids: grids in the county; chemical_enterprises: real hazardous-chemicals firms;
        trained: real firms trained this month.

    One cost model for the model's ``enforcement_cost_10k_cny`` and for pricing levers
    (the training exercise's budget).
    """
    return (
        lv["inspectors_per_county"] * INSPECTOR_MONTH
        + local_inspections * INSPECTION
        + cross_region_inspections * CROSS_REGION_INSPECTION
        + lv["grid_workers_per_grid"] * grids * GRID_WORKER_MONTH
        + lv["informatisation"] * INFORMATISATION_COUNTY_MONTH
        + lv["data_sharing"] * DATA_SHARING_COUNTY_MONTH
        + lv["chem_platform"] * chemical_enterprises * CHEM_PLATFORM_FIRM_MONTH
        + trained * TRAINING
        + lv["rescue_capacity"] * RESCUE_COUNTY_MONTH
    )
