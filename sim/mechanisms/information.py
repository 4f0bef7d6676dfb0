"""Information sharing and informatisation (信息共建共享, 执法信息化, 危化品全流程平台; paper 1.2,
1.5, 2.3): how good risk scores are, how fast reports arrive, how visible blacklists are.

The information level is the mean of informatisation and data sharing (equal weights: the
paper names both as halves of 智能化, 2.3).
"""

from __future__ import annotations

import numpy as np

from sim import sectors as S
from sim.context import Month
from sim.state import FLOAT, Enterprises


def information_level(lv: dict[str, float]) -> float:
    """Index 0-1 of enforcement information systems and data sharing."""
    return 0.5 * (lv["informatisation"] + lv["data_sharing"])


def score_quality(ent: Enterprises, month: Month) -> np.ndarray:
    """Weight (0-1) of the true risk in each firm's risk score.

    score_quality_base without information systems, rising to 1 with full informatisation and
    data sharing; hazardous-chemicals firms on the full-process platform are scored exactly.
    """
    base = month.bh["score_quality_base"]
    q = base + (1.0 - base) * information_level(month.lv)
    return np.where(on_platform(ent, month.lv), FLOAT(1.0), FLOAT(q))


def on_platform(ent: Enterprises, lv: dict[str, float]) -> np.ndarray:
    """Chemical firms covered by the full-process platform (Northern Jiangsu lags)."""
    return (ent.sector == S.CHEMICALS) & (ent.platform_draw < lv["chem_platform"]) & ent.active


def platform_monitoring(ent: Enterprises, month: Month) -> np.ndarray:
    """Closed-loop monitoring of chemical firms on the platform (闭环监管, paper 2.5).

    Sensors flag hazards every month: platform_fix_share of them are fixed and the firm's risk
    is reported to targeting at once. Returns the slots covered.
    """
    covered = np.flatnonzero(on_platform(ent, month.lv))
    ent.hazards[covered] *= 1.0 - month.bh["platform_fix_share"]
    ent.report_hazards[covered] = ent.hazards[covered]
    ent.report_month[covered] = month.number
    return covered


def report_delay(month: Month) -> int:
    """Months a grid report takes to reach targeting [months]: report_delay without information
    systems, none with full informatisation and data sharing."""
    return int(round(month.bh["report_delay"] * (1.0 - information_level(month.lv))))


def blacklist_visibility(month: Month) -> float:
    """Share of departments that see the blacklist and apply joint punishment (联合惩戒)."""
    base = month.bh["blacklist_base_visibility"]
    return base + (1.0 - base) * month.lv["data_sharing"]
