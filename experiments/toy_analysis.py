"""Stand-in models with known answers for scenario discovery and robust search (tests, docs).

Called as ``fn(params: dict, seed: int, replicate: int) -> dict[str, float]`` through the runner
(``RunSpec(model="experiments.toy_analysis:boxed")``).
"""

from __future__ import annotations

import numpy as np

from experiments.spec import replicate_seed_sequence

#: The box of ``boxed``: x1 <= BOX_X1_MAX and x2 >= BOX_X2_MIN (x3, x4 do nothing).
BOX_X1_MAX = 0.3
BOX_X2_MIN = 0.6


def boxed(params: dict, seed: int, replicate: int) -> dict[str, float]:
    """``harm`` is 10 inside the box x1 <= 0.3 and x2 >= 0.6 and 1 outside, plus small noise;
    x3 and x4 are inert. Scenario discovery must find exactly that box."""
    x1, x2 = float(params.get("x1", 0.5)), float(params.get("x2", 0.5))
    noise = np.random.Generator(np.random.PCG64(replicate_seed_sequence(seed, replicate))).normal(0, 0.1)
    inside = x1 <= BOX_X1_MAX and x2 >= BOX_X2_MIN
    return {"harm": (10.0 if inside else 1.0) + float(noise)}


#: Cost per unit of ``effort`` in ``pareto`` [10k CNY per year].
PARETO_COST = 100.0


def pareto(params: dict, seed: int, replicate: int) -> dict[str, float]:
    """Two objectives to minimise with a known Pareto front, under an uncertain ``shock``.

    Levers: ``effort`` in [0, 1], ``waste`` in [0, 1]; uncertainty: ``shock`` in [0, 1].
    ``loss = (1 - effort)**2 + shock + noise``, ``cost = effort + waste + shock / 2``,
    ``cost_10k_cny = PARETO_COST * (effort + waste)`` per year. The noise is common to every policy
    of a replicate (common random numbers). Averaged over shocks the front is every
    ``effort`` in [0, 1] with ``waste = 0``: mean loss = (1 - effort)**2 + c1, mean cost = effort + c2.
    """
    effort, waste = float(params.get("effort", 0.0)), float(params.get("waste", 0.0))
    shock = float(params.get("shock", 0.0))
    noise = np.random.Generator(np.random.PCG64(replicate_seed_sequence(seed, replicate))).normal(0, 0.05)
    return {"loss": (1 - effort) ** 2 + shock + float(noise), "cost": effort + waste + shock / 2,
            "cost_10k_cny": PARETO_COST * (effort + waste)}
