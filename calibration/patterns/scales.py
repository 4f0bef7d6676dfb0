"""How big the battery's runs are: ``quick`` (a test of the pipeline, in CI) and ``full``.

``full`` runs the whole province (1.2 million real firms) at 60 firms per agent, a resolution
the resolution-invariance pattern shows to agree with 12 and 1 (the default scenario's 12 costs
five times as much and changes no rate beyond noise), with enough replicates for the intervals
the patterns need. ``quick`` runs three cities (one per region) with six counties and few
replicates: its values are too noisy to judge the model and its pass/fail says little; it checks
that every pattern can be computed and reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Scale:
    name: str
    #: set-up changes for every run (besides a pattern's own)
    setup: dict = field(default_factory=dict)
    replicates: int = 10
    lever_replicates: int = 6
    rct_replicates: int = 8
    rct_share: float = 0.05
    rct_follow: int = 48
    resolution: tuple[int, ...] = (1, 12, 60, 400)
    resolution_replicates: int = 3
    #: real firms in the world (to choose agents for each resolution)
    firms: int = 1_200_000
    history_months: int = 120


QUICK_WORLD = {"cities": ["Nanjing", "Nantong", "Xuzhou"], "counties_per_city": 2, "grids_per_county": 150}

SCALES = {
    "quick": Scale(
        "quick",
        setup={**QUICK_WORLD, "agents": 2400, "enterprises_per_agent": 30, "months": 36, "warmup_months": 24},
        replicates=2,
        lever_replicates=2,
        rct_replicates=2,
        rct_share=0.3,
        rct_follow=36,
        resolution=(12, 60),
        resolution_replicates=2,
        firms=72_000,
        history_months=72,
    ),
    "full": Scale("full", setup={"agents": 20_000, "enterprises_per_agent": 60}),
}
