"""What each lever exists for, and which way the paper says it moves it (one table, read by the
battery's lever pattern, the lever-liveness test and the README's lever table).

The outcome is the accident risk (expected accidents: deaths without Poisson noise) unless the
lever exists for something else: rescue capacity for deaths given an accident; the chemicals
platform and the chemical remediation for the accident risk of hazardous-chemicals firms (whose
accidents are the most severe, paper 1.4). HARMFUL levers are the paper's difficulties made worse.
"""

from __future__ import annotations

HARMFUL, HELPFUL = +1, -1

#: lever -> (outcome metric, direction of its change from the low to the high bound, overrides
#: a small test world needs for the lever to act at all)
LEVER_OUTCOMES: dict[str, tuple[str, int, dict]] = {
    "development_first": ("accident_risk", HARMFUL, {}),
    "party_building": ("accident_risk", HELPFUL, {}),
    "rule_of_law": ("accident_risk", HELPFUL, {}),
    "accident_targets": ("accident_risk", HELPFUL, {}),
    "inspectors_per_county": ("accident_risk", HELPFUL, {}),
    "coordination_loss": ("accident_risk", HARMFUL, {}),
    "integration": ("accident_risk", HELPFUL, {}),
    "risk_targeting": ("accident_risk", HELPFUL, {}),
    "inspector_skill": ("accident_risk", HELPFUL, {}),
    "city_oversight": ("accident_risk", HELPFUL, {}),
    "rotation_rate": ("accident_risk", HELPFUL, {}),
    "cross_region_share": ("accident_risk", HELPFUL, {}),
    "unregulated_share": ("accident_risk", HARMFUL, {}),
    "fine_level": ("accident_risk", HELPFUL, {}),
    "blacklist_strength": ("accident_risk", HELPFUL, {}),
    "blacklist_months": ("accident_risk", HELPFUL, {}),
    "grid_workers_per_grid": ("accident_risk", HELPFUL, {}),
    "informatisation": ("accident_risk", HELPFUL, {}),
    "data_sharing": ("accident_risk", HELPFUL, {}),
    "chem_platform": ("chemical_accident_risk", HELPFUL, {}),
    "training_rate": ("accident_risk", HELPFUL, {}),
    "rescue_capacity": ("deaths", HELPFUL, {"severity_scale": 2.0}),
    "chemical_remediation": ("chemical_accident_risk", HELPFUL, {}),
    # Campaigns follow major accidents: a small world needs more severe accidents to see them.
    "campaign_closure": ("accident_risk", HELPFUL, {"severity_scale": 3.0}),
}

#: Personal-relationship capture (人情) at the bounds of its parameters: every tie as strong and
#: as lasting as allowed, every inspector local, leniency as sensitive as allowed.
CAPTURE = {
    "leniency_kappa": "high",
    "tie_growth": "high",
    "native_tie": "high",
    "native_share": "high",
    "tie_decay": "high",  # ties relax fast toward the native resting level, which is now 1
    "leniency_threshold": "low",
}
