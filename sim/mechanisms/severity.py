"""Severity of each accident and the incident pyramid (paper 1.2 应急救援, 1.4 重点行业).

Each accident has a severity X >= 1 drawn from a sector's Pareto law (exponent ALPHA), raised
by severity_amplifier for combined causes and for major hazard sources. It is fatal when X >= x_f (a sector's
fatal share). Given fatal, v = (X / x_f)^-ALPHA is uniform and deaths are the inverse of the
two-part survival law of sectors.py, D = floor(severity_scale D(v)) >= 1 with
P(D >= k) = k^-DEATH_BODY up to DEATH_KNEE and a fatter DEATH_TAIL beyond: most fatal accidents
kill one person, explosions and fires in chemicals and fire-risk venues many. Serious
injuries and direct loss grow with X. Rescue capacity saves a share
RESCUE_MAX_SHARE x rescue_capacity x relevance(sector) of the deaths (stochastic rounding):
at most 10%, because trauma-care studies find little effect of response time on mortality
(LITERATURE.md, rescue). Saved lives count as serious injuries. Grades follow Decree 493
(grading.py). Every draw is keyed to the accident's identity (firm, month, rank at the firm):
an accident keeps its consequences when other accidents appear or disappear (common random
numbers for deaths, not only for counts).

The severity laws (ALPHA, FATAL_SHARE, DEATH_TAIL, INJURY_SCALE, LOSS_SCALE in sectors.py) are
inputs, not emergent: they fix deaths per accident and the grade mix given the causes.
Minor injuries and near misses are not simulated one by one: for a Pareto severity, the
thinned Poisson processes below the recordable threshold have rates proportional to the
recordable rate, with sector ratios from ALPHA (1:29:300 at ALPHA = 1, Heinrich). Combined-cause
incidents are more severe, so they give fewer minor events per accident. County totals are
drawn as Poisson. The pyramid's ratios are therefore inputs too; what responds to governance
is the number of events beneath them (how many accidents of each cause and sector occur).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim import fused
from sim import sectors as S
from sim.context import Month
from sim.mechanisms.accidents import Events, Rates
from sim.mechanisms.grading import grade
from sim.state import FLOAT, Enterprises

#: Deaths saved at full rescue capacity in the most relevant sectors: LITERATURE.md (rescue
#: lowers deaths given an accident by at most about 10%).
RESCUE_MAX_SHARE = 0.10
#: Direct loss per death [10k CNY]: the one-off work-death benefit of the Work Injury Insurance
#: Regulations art. 39 (20x the national urban per-capita disposable income, about 90-100 in
#: 2020-2023) plus funeral and survivors' costs.
LOSS_PER_DEATH = 150.0
_FATAL_X = S.FATAL_SHARE ** (-1.0 / S.ALPHA)


@dataclass
class Assessed:
    """Consequences of this month's accidents (aligned with Events)."""

    deaths: np.ndarray
    injuries: np.ndarray
    loss: np.ndarray  # 10k CNY
    grade: np.ndarray  # int8, see grading.GRADES
    deaths_saved: np.ndarray


def assess(ent: Enterprises, events: Events, month: Month) -> Assessed:
    lv, bh = month.lv, month.bh
    u = month.keyed("severity").uniforms(ent.uid[events.slot], 4, events.order)
    sector = ent.sector[events.slot]
    alpha = S.ALPHA[sector]
    x = (1.0 - u[:, 0]) ** (-1.0 / alpha)
    amplified = (events.cause == 1) | ent.major_hazard[events.slot]
    x = np.where(amplified, x * bh["severity_amplifier"], x)
    xf = _FATAL_X[sector]
    fatal = x >= xf
    scale = bh["severity_scale"]
    v = np.minimum(np.maximum(x / xf, 1.0) ** -alpha, 1.0)  # P(a fatal accident is at least this severe)
    raw = np.where(fatal, np.floor(scale * deaths_given_fatal(v, sector)), 0.0)
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


def deaths_given_fatal(v: np.ndarray, sector: np.ndarray) -> np.ndarray:
    """Deaths (before rounding) of a fatal accident at survival level v in (0, 1]."""
    body, tail = S.DEATH_BODY[sector], S.DEATH_TAIL[sector]
    at_knee = S.DEATH_KNEE ** -body
    below = v ** (-1.0 / body)
    beyond = S.DEATH_KNEE * (np.minimum(v, at_knee) / at_knee) ** (-1.0 / tail)
    return np.where(v >= at_knee, below, beyond)


def pyramid_expectations(ent: Enterprises, r: Rates, month: Month) -> tuple[np.ndarray, np.ndarray]:
    """Expected minor injuries and near misses per agent this month [real events].

    A combined-cause incident's severity is amplified (x severity_amplifier), so for a Pareto
    law it has fewer sub-threshold siblings per recordable accident, by severity_amplifier^-ALPHA.
    """
    combined_share = (month.bh["severity_amplifier"] ** -S.ALPHA).astype(FLOAT)[ent.sector]
    plain = FLOAT(month.firms_per_agent) * (r.human + r.unavoidable + combined_share * r.combined)
    return plain * ent.minor_ratio, plain * ent.near_ratio


def pyramid_by_county(ent: Enterprises, r: Rates, month: Month) -> tuple[np.ndarray, np.ndarray]:
    """``pyramid_expectations`` summed by county [real events] (one fused pass, sim/fused.py)."""
    combined_share = np.asarray(month.bh["severity_amplifier"] ** -S.ALPHA, np.float64)
    return fused.pyramid_sums(
        r.human, r.combined, r.unavoidable, ent.sector, combined_share, ent.minor_ratio, ent.near_ratio,
        ent.county, month.world.n_counties, float(month.firms_per_agent),
    )  # fmt: skip
