"""Sanctions and the enforcement pyramid (paper 1.2 联合惩戒/黑名单; Ayres & Braithwaite 1992,
Harrington 1988, Gray & Mendeloff 2005).

Pyramid levels: 0 advice, 1 rectification order (责令整改), 2 fine (立案处罚, a penalty case),
3 suspension (停产整顿, two months without production), 4 licence revocation (closure).
A punished violation climbs one level, two if wilful (non-compliant with more than 10 hidden
hazards) or the firm had an accident in the last 12 months. Every punishment orders
rectification (rectification_effect of hidden hazards removed). A clean inspection steps the
firm down one level and lifts a blacklisting after 12 months; so does every
FORGIVENESS_MONTHS months without punishment (de-escalation, Ayres & Braithwaite).
Blacklisting (level >= 3, a repeat or a wilful offence) with probability blacklist_strength, for
blacklist_months: listed firms face more inspections (inspection.py), higher fines and a higher
expected sanction (compliance.py), weighted by how many departments see the list.
Deterrence: a penalty case sets the firm's deterrence memory to 1, a rectification order to
at least 0.3; it fades linearly to 0 over deterrence_months (about two years).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.mechanisms import information
from sim.mechanisms.inspection import Inspections
from sim.state import Enterprises

WILFUL_HAZARDS = 10.0
SUSPENSION_MONTHS = 2
FORGIVENESS_MONTHS = 24


@dataclass
class Sanctions:
    rectification: np.ndarray  # slots ordered to rectify
    penalty_cases: np.ndarray  # slots with a penalty case (level >= 2)
    suspended: np.ndarray
    revoked: np.ndarray
    fines_10k_cny: np.ndarray  # aligned with penalty_cases
    listed: np.ndarray  # slots newly blacklisted


def apply(ent: Enterprises, insp: Inspections, lv: dict[str, float], bh: dict[str, float], month: int) -> Sanctions:
    slots = insp.slots[insp.punished]
    draws = insp.draws[insp.punished]
    prior = ent.level[slots].astype(np.int16)
    wilful = (~ent.compliant[slots] & (ent.hazards[slots] > WILFUL_HAZARDS)) | (month - ent.last_accident[slots] <= 12)
    level = np.minimum(prior + 1 + wilful, 4).astype(np.int8)
    ent.level[slots] = level
    ent.clean_months[slots] = 0
    ent.hazards[slots] *= 1.0 - bh["rectification_effect"]
    case = level >= 2
    vis = information.blacklist_visibility(lv)
    joint = 1.0 + 2.0 * lv["blacklist_strength"] * vis * ent.listed[slots]
    fines = lv["fine_level"] * 12.0 * ent.safety_cost[slots] * (1.0 + 0.5 * (level - 2)) * joint
    ent.deterrence[slots] = np.where(case, 1.0, np.maximum(ent.deterrence[slots], 0.3))
    suspended = slots[level == 3]
    ent.suspended_months[suspended] = SUSPENSION_MONTHS
    revoked = slots[level == 4]
    ent.closing[revoked] = True
    to_list = ((level >= 3) | (prior >= 1) | wilful) & (draws[:, 0] < lv["blacklist_strength"])
    listed = slots[to_list]
    ent.blacklist_months[listed] = int(lv["blacklist_months"])
    # Clean, non-formal inspections de-escalate and may end a listing early.
    clean = insp.slots[~insp.formal & ~insp.violating]
    ent.level[clean] = np.maximum(ent.level[clean] - 1, 0)
    early = clean[ent.blacklist_months[clean] <= max(int(lv["blacklist_months"]) - 12, 0)]
    ent.blacklist_months[early] = 0
    return Sanctions(slots, slots[case], suspended, revoked, fines[case], listed)


def fade(ent: Enterprises, bh: dict[str, float]) -> None:
    """Monthly fading of deterrence, de-escalation, and countdown of listings and suspensions."""
    ent.clean_months += 1
    forgiven = np.flatnonzero(ent.clean_months >= FORGIVENESS_MONTHS)
    ent.level[forgiven] = np.maximum(ent.level[forgiven] - 1, 0)
    ent.clean_months[forgiven] = 0
    ent.deterrence -= 1.0 / bh["deterrence_months"]
    np.maximum(ent.deterrence, 0.0, out=ent.deterrence)
    np.subtract(ent.blacklist_months, 1, out=ent.blacklist_months, where=ent.blacklist_months > 0)
    np.subtract(ent.suspended_months, 1, out=ent.suspended_months, where=ent.suspended_months > 0)
