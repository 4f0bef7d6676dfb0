"""Accident statistics (统计上报): what the official count shows (paper 2.1 党政同责, 2.6 考核评价).

Officials assessed on accident-reduction targets (事故控制指标, 一票否决) hide some small
accidents: a general (一般) accident enters the statistics with probability 1 - concealment,

    concealment = underreporting x accident_targets x D

with D the share of formality and leniency left after city oversight, rule of law and
enforcement records (leniency.discipline): the same checks catch concealed accidents. Larger
(较大) and worse accidents are always reported: each has a city- or province-level investigation
(Decree 493 art. 19) and they are the hardest to hide (Fisman & Wang 2017: reported deaths
bunch below the ceilings; LITERATURE: reporting). The model's ``deaths`` and ``accidents`` are
what happened; ``deaths_reported`` and ``accidents_reported`` are what the statistics show, and
are what official figures are compared with. Draws are keyed to the accident (CRN).
"""

from __future__ import annotations

import numpy as np

from sim.context import Month
from sim.mechanisms.accidents import Events
from sim.mechanisms.leniency import discipline
from sim.state import Enterprises


def concealment(month: Month) -> float:
    """Probability that a general accident is left out of the statistics [0-1]."""
    return month.bh["underreporting"] * month.lv["accident_targets"] * discipline(month)


def reported(ent: Enterprises, events: Events, grade: np.ndarray, month: Month) -> np.ndarray:
    """Whether each accident enters the official statistics."""
    hide = concealment(month)
    if hide <= 0 or len(events) == 0:
        return np.ones(len(events), dtype=bool)
    u = month.keyed("reporting").uniforms(ent.uid[events.slot], 1, events.order)[:, 0]
    return (grade >= 1) | (u >= hide)
