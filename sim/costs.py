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
