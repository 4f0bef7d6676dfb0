"""Information sharing and informatisation (信息共建共享, 执法信息化, 危化品全流程平台; paper 1.2,
1.5, 2.3): how good risk scores are, how fast reports arrive, how visible blacklists are."""

from __future__ import annotations

import numpy as np

from sim import sectors as S
from sim.state import FLOAT, Enterprises


def score_quality(ent: Enterprises, lv: dict[str, float]) -> np.ndarray:
    """Weight (0-1) of the true risk in each firm's risk score.

    Informatisation and data sharing raise it for every firm; hazardous-chemicals firms on the
    full-process platform are scored exactly.
    """
    base = min(1.0, 0.15 + 0.45 * lv["informatisation"] + 0.3 * lv["data_sharing"])
    return np.where(on_platform(ent, lv), FLOAT(1.0), FLOAT(base))


def on_platform(ent: Enterprises, lv: dict[str, float]) -> np.ndarray:
    """Chemical firms covered by the full-process platform (Northern Jiangsu lags: half)."""
    return (ent.sector == S.CHEMICALS) & (ent.platform_draw < lv["chem_platform"])


PLATFORM_FIX = 0.15  # share of a covered firm's hidden hazards flagged and fixed each month


def platform_monitoring(ent: Enterprises, lv: dict[str, float], month: int) -> np.ndarray:
    """Closed-loop monitoring of chemical firms on the platform (闭环监管, paper 2.5).

    Sensors flag hazards every month: PLATFORM_FIX of them are fixed and the firm's risk is
    reported to targeting at once. Returns the slots covered.
    """
    covered = np.flatnonzero(on_platform(ent, lv))
    ent.hazards[covered] *= 1.0 - PLATFORM_FIX
    ent.report_hazards[covered] = ent.hazards[covered]
    ent.report_month[covered] = month
    return covered


def report_delay(lv: dict[str, float], bh: dict[str, float]) -> int:
    """Months a grid report takes to reach targeting [months]."""
    speed_up = 0.6 * lv["informatisation"] + 0.4 * lv["data_sharing"]
    return int(round(bh["report_delay"] * (1.0 - 0.8 * speed_up)))


def blacklist_visibility(lv: dict[str, float]) -> float:
    """Share of departments that see the blacklist and apply joint punishment (联合惩戒)."""
    return 0.3 + 0.7 * lv["data_sharing"]
