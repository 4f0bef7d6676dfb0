"""Functions with known sensitivity indices, callable as models (``module:function``).

Signature of a callable model: ``f(params: dict, seed: int, replicate: int) -> dict[str, float]``.
"""

from __future__ import annotations

import math

import numpy as np

#: Analytical Ishigami indices for a = 7, b = 0.1 (Ishigami & Homma 1990; SALib's test values).
ISHIGAMI_S1 = (0.3139, 0.4424, 0.0)
ISHIGAMI_ST = (0.5576, 0.4424, 0.2437)


def ishigami(params: dict, seed: int = 0, replicate: int = 0, a: float = 7.0, b: float = 0.1) -> dict[str, float]:
    """y = sin x1 + a sin^2 x2 + b x3^4 sin x1, x_i ~ U(-pi, pi). Deterministic."""
    x1, x2, x3 = params["x1"], params["x2"], params["x3"]
    return {"y": math.sin(x1) + a * math.sin(x2) ** 2 + b * x3 ** 4 * math.sin(x1)}


def noisy_ishigami(params: dict, seed: int = 0, replicate: int = 0) -> dict[str, float]:
    """Ishigami plus N(0, 1) noise: a stochastic model with known signal (variance 13.84) and
    noise (variance 1) for checking the noise decomposition.

    The noise is drawn from (seed, replicate) and the point, so it differs between design
    points (noise that only depended on (seed, replicate) would cancel out under CRN).
    """
    y = ishigami(params)["y"]
    point = int.from_bytes(np.asarray([params[k] for k in ("x1", "x2", "x3")], float).tobytes()[:16:2], "little")
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(replicate, point)))
    return {"y": y + float(rng.standard_normal()), "signal": y}
