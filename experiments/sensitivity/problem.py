"""Factors of a sensitivity analysis and SALib's problem definition.

Factors of the model come from the one declaration of the parameter space (``sim.params``):
name, bounds, Chinese term, label and whether the value is a whole number. A spec may narrow
the bounds (never widen them). A callable model declares its own factors in its spec.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim import params


@dataclass(frozen=True)
class Factor:
    """One factor varied by the analysis."""

    name: str
    low: float
    high: float
    label: str = ""
    zh: str = ""
    kind: str = "factor"       # "lever", "uncertain" or "factor" (callable models)
    integer: bool = False

    @property
    def title(self) -> str:
        """'English label (中文)' for tables and reports."""
        en = self.label or self.name
        return f"{en} ({self.zh})" if self.zh else en


def declared_factor(name: str, low: float | None = None, high: float | None = None) -> Factor:
    """A factor from ``sim.params``; bounds default to the declared ones."""
    p = params.BY_NAME[name]
    return Factor(name, p.low if low is None else float(low), p.high if high is None else float(high),
                  p.label, p.zh, p.kind, p.integer)


def salib_problem(factors: list[Factor] | tuple[Factor, ...]) -> dict:
    """SALib's problem dict (uniform distributions on [low, high])."""
    return {"num_vars": len(factors), "names": [f.name for f in factors],
            "bounds": [[f.low, f.high] for f in factors]}


def model_values(factors, x: np.ndarray) -> dict[str, float]:
    """Values sent to the model for one design row: integers rounded, clipped to the bounds.

    The analysis keeps SALib's unrounded design (its elementary-effect steps and Sobol'
    blocks assume it); only the model sees the rounded value of an integer factor.
    """
    out = {}
    for f, v in zip(factors, x, strict=True):
        v = float(min(max(v, f.low), f.high))
        out[f.name] = float(round(v)) if f.integer else v
    return out
