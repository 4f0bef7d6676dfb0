"""Sanctions and the enforcement pyramid (paper 1.2 联合惩戒/黑名单; Ayres & Braithwaite 1992,
Harrington 1988, Gray & Mendeloff 2005, Haviland et al. 2012).

Pyramid levels: 0 advice, 1 rectification order (责令整改), 2 fine (立案处罚, a penalty case),
3 suspension (停产整顿, suspension_months without production), 4 licence revocation (closure).
A punished violation climbs one level, two if wilful (non-compliant with more than
wilful_hazards hidden hazards); a breach of the law (a non-compliant firm) is at least a fine
(立案处罚), while hidden hazards at a compliant firm get a rectification order (责令整改).
Every punishment orders rectification (rectification_effect of the hidden hazards removed): a
rectification order without a fine removes current hazards only.
A penalty case (level >= 2) also moves the firm to the targeted group (Harrington 1988) for
deterrence_months: it is inspected targeted_weight times as often (inspection.py), which it
learns (compliance.py), so the lasting effect of an inspection needs a penalty and fades over
about two years (Haviland et al. 2012). A clean, non-formal inspection steps the firm down one
level, returns a targeted firm to the normal group with probability targeted_release
(Harrington's gamma) and lifts a blacklisting after 12 months (LITERATURE: early removal after
12 months); deterrence_months without punishment also step a firm down one level.
Blacklisting (a level >= 3, repeat or wilful offence) happens with probability
blacklist_strength, for blacklist_months. Fines: fine_level x 12 months of the avoided safety
cost (Yitzhaki 1974) x (1 + sanction_escalation per step above a fine) x joint punishment.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim import fused
from sim.context import Month
from sim.mechanisms import information
from sim.state import FLOAT, Enterprises

FINE, SUSPENSION, REVOCATION = 2, 3, 4
#: A listing may end early after 12 months (LITERATURE: Chinese blacklists, 1-3 years).
EARLY_REMOVAL_MONTHS = 12


@dataclass
class Sanctions:
    rectification: np.ndarray  # slots ordered to rectify
    penalty_cases: np.ndarray  # slots with a penalty case (level >= 2)
    suspended: np.ndarray
    revoked: np.ndarray
    fines_10k_cny: np.ndarray  # aligned with penalty_cases [10k CNY per real firm]
    listed: np.ndarray  # slots newly blacklisted

    def merged(self, other: Sanctions) -> Sanctions:
        """Both sets of sanctions of one month (e.g. inspections and a forced penalty)."""
        return Sanctions(*(np.concatenate([getattr(self, f), getattr(other, f)]) for f in self.__dataclass_fields__))


def joint_punishment(ent: Enterprises, slots: np.ndarray | slice, month: Month) -> np.ndarray:
    """Multiplier of joint punishment (联合惩戒) on a sanction [x]: a listing costs
    joint_punishment_weight per year listed, applied by the departments that see the list;
    a firm already listed faces twice that (a repeat listing)."""
    lv = month.lv
    vis = information.blacklist_visibility(month)
    listed = (ent.blacklist_months[slots] > 0).astype(FLOAT)
    weight = FLOAT(month.bh["joint_punishment_weight"] * lv["blacklist_strength"] * vis * lv["blacklist_months"] / 12.0)
    return FLOAT(1.0) + weight * (FLOAT(1.0) + listed)


def fine_months(level: np.ndarray, month: Month) -> np.ndarray:
    """Fine at pyramid ``level`` before joint punishment [months of full compliance cost]."""
    bh = month.bh
    avoided = 1.0 - bh["violator_spending"]
    steps = np.maximum(level - FINE, 0).astype(FLOAT)
    return FLOAT(month.lv["fine_level"] * 12.0 * avoided) * (FLOAT(1.0) + FLOAT(bh["sanction_escalation"]) * steps)


def punish(ent: Enterprises, slots: np.ndarray, draws: np.ndarray, month: Month, penalty: bool = False) -> Sanctions:
    """Punish violations at ``slots`` (one keyed uniform per slot in ``draws``); ``penalty``:
    at least a fine whatever the firm's compliance (a penalty imposed from outside)."""
    lv, bh = month.lv, month.bh
    prior = ent.level[slots].astype(np.int16)
    wilful = ~ent.compliant[slots] & (ent.hazards[slots] > bh["wilful_hazards"])
    breach = ~ent.compliant[slots] | penalty
    level = np.minimum(np.maximum(prior + 1 + wilful, np.where(breach, FINE, 1)), REVOCATION).astype(np.int8)
    ent.level[slots] = level
    ent.clean_months[slots] = 0
    ent.hazards[slots] *= 1.0 - bh["rectification_effect"]
    case = level >= FINE
    fines = fine_months(level, month) * ent.safety_cost[slots] * joint_punishment(ent, slots, month)
    ent.targeted_months[slots[case]] = int(bh["deterrence_months"])
    suspended = slots[level == SUSPENSION]
    ent.suspended_months[suspended] = int(bh["suspension_months"])
    revoked = slots[level == REVOCATION]
    ent.closing[revoked] = True
    to_list = ((level >= SUSPENSION) | (prior >= 1) | wilful) & (draws < lv["blacklist_strength"])
    listed = slots[to_list]
    ent.blacklist_months[listed] = int(lv["blacklist_months"])
    return Sanctions(slots, slots[case], suspended, revoked, fines[case], listed)


def apply(ent: Enterprises, insp, month: Month) -> Sanctions:
    """Sanctions after this month's inspections (``insp``: inspection.Inspections)."""
    out = punish(ent, insp.slots[insp.punished], insp.draws[insp.punished, 0], month)
    # Clean, non-formal inspections de-escalate, may release a targeted firm, may end a listing.
    clean_mask = ~insp.formal & ~insp.violating
    clean = insp.slots[clean_mask]
    ent.level[clean] = np.maximum(ent.level[clean] - 1, 0)
    released = clean[insp.draws[clean_mask, 1] < month.bh["targeted_release"]]
    ent.targeted_months[released] = 0
    early = clean[ent.blacklist_months[clean] <= max(int(month.lv["blacklist_months"]) - EARLY_REMOVAL_MONTHS, 0)]
    ent.blacklist_months[early] = 0
    return out


def fade(ent: Enterprises, month: Month) -> None:
    """Monthly de-escalation and the countdown of targeting, listings and suspensions: a firm
    clean for deterrence_months steps one level down the pyramid (one fused pass, sim/fused.py)."""
    fused.fade(ent.clean_months, ent.level, ent.targeted_months, ent.blacklist_months, ent.suspended_months,
               month.bh["deterrence_months"])
