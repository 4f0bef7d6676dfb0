"""Severity of each accident and the incident pyramid (paper 1.2 应急救援, 1.4 重点行业).

Each accident has a severity X >= 1 drawn from a sector's Pareto law (exponent ALPHA), raised
x1.5 for combined causes and for major hazard sources. It is fatal when X >= x_f (a sector's
fatal share), and then deaths D = floor(severity_scale (X / x_f)^(ALPHA / DEATH_TAIL)), so that
P(D >= k | fatal) = k^-DEATH_TAIL: chemicals and fire-risk venues have fat tails. Serious
injuries and direct loss grow with X. Rescue capacity saves a share
0.1 * rescue_capacity * relevance(sector) of the deaths (stochastic rounding), at most 10%: the
effect on deaths given an accident is kept small (trauma-care evidence, LITERATURE.md).
Saved lives count as serious injuries. Grades follow Decree 493 (grading.py).

Minor injuries and near misses are not simulated one by one: for a Pareto severity, the
thinned Poisson processes below the recordable threshold have rates proportional to the
recordable rate, with sector ratios from ALPHA (1:29:300 at ALPHA = 1, Heinrich). Combined-cause
incidents are more severe, so they give half the minor events per accident. County totals are
drawn as Poisson: the pyramid emerges from causes, sectors and severity laws.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim import sectors as S
from sim.mechanisms.accidents import Events, Rates
from sim.mechanisms.grading import grade
from sim.state import Enterprises

AMPLIFIER = 1.5  # severity multiplier for combined causes and major hazard sources
RESCUE_MAX_SHARE = 0.10  # deaths saved at full rescue capacity in the most relevant sectors
LOSS_PER_DEATH = 150.0  # 10k CNY of direct loss per death (compensation)
_FATAL_X = S.FATAL_SHARE ** (-1.0 / S.ALPHA)


@dataclass
class Assessed:
    """Consequences of this month's accidents (aligned with Events)."""

    deaths: np.ndarray
    injuries: np.ndarray
    loss: np.ndarray  # 10k CNY
    grade: np.ndarray  # int8, see grading.GRADES
    deaths_saved: np.ndarray


def assess(ent: Enterprises, events: Events, lv: dict[str, float], bh: dict[str, float], rng: np.random.Generator) -> Assessed:
    n = len(events)
    u = rng.random((n, 4))
    sector = ent.sector[events.slot]
    alpha = S.ALPHA[sector]
    x = (1.0 - u[:, 0]) ** (-1.0 / alpha)
    amplified = (events.cause == 1) | ent.major_hazard[events.slot]
    x = np.where(amplified, x * AMPLIFIER, x)
    xf = _FATAL_X[sector]
    fatal = x >= xf
    scale = bh["severity_scale"]
    raw = np.where(fatal, np.floor(scale * np.maximum(x / xf, 1.0) ** (alpha / S.DEATH_TAIL[sector])), 0.0)
    deaths_raw = np.where(fatal, np.maximum(raw, 1.0), 0.0)
    rescue = RESCUE_MAX_SHARE * lv["rescue_capacity"] * S.RESCUE_RELEVANCE[sector]
    saved = np.floor(deaths_raw * rescue + u[:, 3])
    deaths = deaths_raw - saved
    injuries = np.floor(scale * S.INJURY_SCALE[sector] * x**S.INJURY_EXPONENT * -np.log1p(-u[:, 1]))
    injuries = np.where(deaths_raw == 0, np.maximum(injuries, 1.0), injuries) + saved
    loss = scale * S.LOSS_SCALE[sector] * x**S.LOSS_EXPONENT * np.exp(2.0 * (u[:, 2] - 0.5)) + LOSS_PER_DEATH * deaths
    return Assessed(
        deaths.astype(np.int64), injuries.astype(np.int64), loss, grade(deaths, injuries, loss), saved.astype(np.int64)
    )


def pyramid_expectations(ent: Enterprises, r: Rates, firms_per_agent: float) -> tuple[np.ndarray, np.ndarray]:
    """Expected minor injuries and near misses per agent this month [real events]."""
    plain = firms_per_agent * (r.human + r.unavoidable + 0.5 * r.combined)
    return plain * ent.minor_ratio, plain * ent.near_ratio
