"""Accident grades of State Council Decree No. 493 (2007), 生产安全事故报告和调查处理条例.

An accident takes the highest grade reached by any criterion; "以上" includes the bound:
    特别重大 especially major: >= 30 deaths, or >= 100 serious injuries, or >= 100m CNY loss
    重大 major:               10-29 deaths, 50-99 injuries, 50m-100m CNY
    较大 larger:              3-9 deaths, 10-49 injuries, 10m-50m CNY
    一般 general:             below all of these
"""

from __future__ import annotations

import numpy as np

GRADES = ("general", "larger", "major", "especially_major")
GRADES_ZH = ("一般", "较大", "重大", "特别重大")
DEATH_BOUNDS = (3, 10, 30)  # persons
INJURY_BOUNDS = (10, 50, 100)  # persons seriously injured
LOSS_BOUNDS = (1_000, 5_000, 10_000)  # direct economic loss, 10k CNY


def grade(deaths: np.ndarray, injuries: np.ndarray, loss_10k_cny: np.ndarray) -> np.ndarray:
    """Grade index (0 general .. 3 especially major) per accident."""

    def steps(x, bounds):
        x = np.asarray(x)
        return sum((x >= b).astype(np.int8) for b in bounds)

    return np.maximum(
        np.maximum(steps(deaths, DEATH_BOUNDS), steps(injuries, INJURY_BOUNDS)), steps(loss_10k_cny, LOSS_BOUNDS)
    ).astype(np.int8)
