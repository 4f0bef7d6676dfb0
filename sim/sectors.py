"""Structural tables: sectors (行业), sizes (规模) and their regional mix.

These are structural assumptions, not calibrated parameters; each number's basis is given in
docs/ODD.md section 5 (input data). Rates are relative (manufacturing, medium = 1).
"""

from __future__ import annotations

import numpy as np

SECTORS = ("chemicals", "mining", "construction", "road_transport", "fire_risk", "manufacturing", "emerging_service")
SECTOR_ZH = ("危险化学品", "矿山", "建筑施工", "道路运输", "消防重点场所(高层/综合体)", "工贸制造", "新兴行业/服务业")
CHEMICALS, MINING, CONSTRUCTION, ROAD, FIRE, MANUFACTURING, EMERGING = range(7)

SIZES = ("large", "medium", "small", "micro")
SIZE_ZH = ("大型", "中型", "小型", "微型")
LARGE, MEDIUM, SMALL, MICRO = range(4)

# Share of enterprises by sector in each region (south 苏南, central 苏中, north 苏北).
# North: more chemical SMEs and mining (paper 1.4); an assumption in the absence of a census.
SECTOR_MIX = np.array(
    [
        # chem   mining constr road   fire   manuf  emerging
        [0.040, 0.004, 0.120, 0.080, 0.100, 0.400, 0.256],  # south
        [0.050, 0.006, 0.140, 0.090, 0.080, 0.380, 0.254],  # central
        [0.070, 0.020, 0.140, 0.100, 0.060, 0.330, 0.280],  # north
    ]
)
SIZE_MIX = np.array(
    [
        [0.012, 0.070, 0.280, 0.638],
        [0.010, 0.060, 0.260, 0.670],
        [0.008, 0.050, 0.250, 0.692],
    ]
)
#: Workers per firm by size (large, medium, small, micro): mid-points of China's size classes
#: for industry (NBS 2017 统计上大中小微型企业划分办法: large >= 1000, medium 300-999 in industry,
#: small 20-299, micro < 20), shrunk toward the services classes. Used for rates per worker.
SIZE_WORKERS = np.array([400.0, 80.0, 20.0, 5.0])
#: Party branches are likelier in larger firms: coverage(size) = party_building / this factor
#: (large firms twice the lever, micro firms half of it; an assumption).
BRANCH_DRAW_SCALE = np.array([0.5, 0.8, 1.2, 2.0])

# Accident exposure per firm by sector (relative) and by size. Per worker, the smallest firms
# are the most dangerous (Mendeloff et al. 2006): workers ~400/80/20/5, exposure 4/1/0.45/0.18.
SECTOR_RATE = np.array([1.0, 3.0, 1.2, 5.0, 0.6, 0.4, 0.25])
SIZE_EXPOSURE = np.array([4.0, 1.0, 0.45, 0.18])
SIZE_HAZARD = np.array([1.5, 1.2, 1.0, 0.8])
MAJOR_HAZARD_RATE = 1.3  # accident rate multiplier for major hazard sources (重大危险源)

# Probability of being a major hazard source, by sector and size; chemicals by region below.
MAJOR_HAZARD_P = np.array(
    [
        [0.80, 0.50, 0.20, 0.03],  # chemicals (south/central; north in MAJOR_HAZARD_CHEM_NORTH)
        [0.30, 0.30, 0.30, 0.10],
        [0.05, 0.02, 0.01, 0.00],
        [0.10, 0.05, 0.02, 0.01],
        [0.20, 0.20, 0.05, 0.01],
        [0.05, 0.02, 0.01, 0.00],
        [0.01, 0.01, 0.00, 0.00],
    ]
)
MAJOR_HAZARD_CHEM_NORTH = np.array([0.85, 0.60, 0.40, 0.10])

# Monthly cost of full safety compliance per firm (10k CNY), by size, times a sector factor.
SIZE_SAFETY_COST = np.array([30.0, 6.0, 1.2, 0.3])
SECTOR_COST = np.array([2.0, 2.0, 1.2, 1.0, 1.0, 1.0, 0.8])

# Who can fall outside every regulator (监管悬空, paper 1.2): new industries and services, and
# micro firms in buildings and manufacturing.
UNREGULATED_ELIGIBLE = np.array(
    [
        [False, False, False, False],
        [False, False, False, False],
        [False, False, False, True],
        [False, False, False, True],
        [False, False, True, True],
        [False, False, False, True],
        [True, True, True, True],
    ]
)

# Severity. Recordable accidents: severity X >= 1, Pareto with exponent ALPHA (which also sets
# the incident pyramid). Fatal if X >= x_f with P(fatal) = FATAL_SHARE. Deaths given fatal follow
# a two-part power law with its knee at DEATH_KNEE deaths (the Decree 493 larger-accident bound):
#   P(D >= k) = k^-DEATH_BODY                                   for k <= DEATH_KNEE
#   P(D >= k) = DEATH_KNEE^-DEATH_BODY (k / DEATH_KNEE)^-DEATH_TAIL  beyond,
# because most fatal accidents kill one person (a steep body) while explosions and fires have
# fat tails (paper 1.4: chemicals, fire-risk venues). Sized to Nantong 2018 (2 accidents with
# 3+ deaths among 485, 336 deaths) and Jiangsu's 10+-death accidents (about 0.3-0.5 a year in
# 2014-2024, two of them with 30+): inputs, not calibrated parameters.
ALPHA = np.array([0.9, 1.0, 1.0, 1.1, 0.95, 1.0, 1.0])
FATAL_SHARE = np.array([0.55, 0.60, 0.60, 0.70, 0.50, 0.50, 0.40])
DEATH_KNEE = 3.0
DEATH_BODY = np.array([3.6, 3.8, 4.4, 4.6, 3.8, 4.4, 4.6])
DEATH_TAIL = np.array([2.3, 3.0, 3.8, 4.0, 2.4, 3.4, 3.8])
INJURY_SCALE = np.array([0.55, 0.45, 0.35, 0.4, 0.55, 0.35, 0.3])  # serious injuries at severity 1
LOSS_SCALE = np.array([20.0, 16.0, 11.0, 7.0, 16.0, 11.0, 8.0])  # direct loss at severity 1 [10k CNY]
INJURY_EXPONENT = 0.5  # injuries ~ X^0.5: injury-graded accidents stay rarer than death-graded
LOSS_EXPONENT = 0.5  # loss ~ X^0.5 (plus compensation per death): a thinner tail than deaths
#: How much rescue capacity matters by sector: high-rise, metro, petrochemical (paper 1.2).
RESCUE_RELEVANCE = np.array([1.0, 0.8, 0.5, 0.6, 1.0, 0.5, 0.5])
#: Incident pyramid (Heinrich 1931: 1 serious : 29 minor : 300 no-injury at exponent 1).
MINOR_PER_ACCIDENT_AT_ALPHA1 = 29.0
NEAR_MISS_PER_ACCIDENT_AT_ALPHA1 = 300.0
SEVERITY_THRESHOLD_RATIO_MINOR = 30.0  # s2 / s1
SEVERITY_THRESHOLD_RATIO_NEARMISS = 330.0  # s2 / s0


def pyramid_ratios() -> tuple[np.ndarray, np.ndarray]:
    """Minor injuries and near misses per recordable accident, by sector, from ALPHA."""
    minor = SEVERITY_THRESHOLD_RATIO_MINOR**ALPHA - 1.0
    near = SEVERITY_THRESHOLD_RATIO_NEARMISS**ALPHA - SEVERITY_THRESHOLD_RATIO_MINOR**ALPHA
    return minor, near
