"""What one run is: a small, picklable description (never a model object).

Workers import the model themselves (``sim`` or a ``"package.module:function"`` callable), so a
spec can be sent to a local process pool or to Dask workers on other machines.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

#: Fields that make up a run id (every field of RunSpec).
FIELDS = ("scenario", "overrides", "setup", "seed", "replicate", "model", "design_point", "label")


def _plain(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True)
class RunSpec:
    """One run: scenario, lever/uncertain overrides, setup changes, seeds and labels.

    Attributes:
        scenario: path of a scenario TOML ("" for a callable model).
        overrides: declared parameters (levers or uncertain), as (name, value) pairs.
        setup: Setup fields (agents, months, cities, ...), as (name, value) pairs.
        seed: experiment root seed.
        replicate: replicate r uses (seed, r), i.e. ``SeedSequence(seed).spawn(R)[r]``, in every
            design point (common random numbers).
        model: "sim" (the agent-based model) or "package.module:function"; the function is
            called as ``function(params: dict, seed: int, replicate: int) -> dict[str, float]``.
            "package.module:Class" names a ``SafetyModel`` subclass: it runs the scenario like
            "sim" (same tidy outputs, outcomes and series).
        design_point: index of the scenario / design point.
        label: scenario label or design-point label.
    """

    scenario: str
    overrides: tuple[tuple[str, float], ...] = ()
    setup: tuple[tuple[str, object], ...] = ()
    seed: int = 0
    replicate: int = 0
    model: str = "sim"
    design_point: int = 0
    label: str = ""

    @classmethod
    def make(cls, scenario: str | Path = "", overrides: dict | None = None, setup: dict | None = None,
             **kwargs) -> RunSpec:
        """Build a spec from dicts (sorted, so the run id does not depend on their order)."""
        ov = tuple(sorted((str(k), _number(str(k), v)) for k, v in (overrides or {}).items()))
        st = tuple(sorted((str(k), _hashable(v)) for k, v in (setup or {}).items()))
        return cls(str(scenario), ov, st, **kwargs)

    @property
    def key(self) -> dict:
        """Canonical, JSON-serialisable form of every field (what the run id hashes)."""
        d = asdict(self)
        d["overrides"] = sorted([str(k), float(v)] for k, v in self.overrides)
        d["setup"] = sorted([str(k), _plain(v)] for k, v in self.setup)
        d["seed"] = int(self.seed)
        d["replicate"] = int(self.replicate)
        d["design_point"] = int(self.design_point)
        return d

    @property
    def run_id(self) -> str:
        """Stable hash of all fields (16 hex digits)."""
        text = json.dumps(self.key, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    @property
    def params(self) -> dict[str, float]:
        """Overrides as a dict; whole-number parameters (``integer=True`` in sim.params) as int."""
        return {k: _number(k, v) for k, v in self.overrides}

    @property
    def setup_dict(self) -> dict[str, object]:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.setup}


def _number(name: str, value) -> float | int:
    """A parameter value: int for a declared whole-number parameter given a whole value, else float.

    The run id hashes every value as a float, so 24 and 24.0 give the same id.
    """
    from sim.errors import InputError
    from sim.inputs import as_number, describe
    from sim.params import BY_NAME

    p = BY_NAME.get(name)
    number = as_number(value)
    if number is None:
        raise InputError("overrides", name, f"expected a number, got {describe(value)}")
    if p is not None and p.integer and float(number) == round(float(number)):
        return int(round(float(number)))
    return float(number)


def _hashable(value):
    value = _plain(value)
    if isinstance(value, list):
        return tuple(value)
    return value


def replicate_seed_sequence(seed: int, replicate: int) -> np.random.SeedSequence:
    """The SeedSequence replicate ``replicate`` of an experiment with root ``seed`` uses
    (identical to ``SeedSequence(seed).spawn(R)[replicate]``; see sim/streams.py)."""
    return np.random.SeedSequence(int(seed), spawn_key=(int(replicate),))


def replicate_specs(scenarios: list[tuple[str, str, dict]], replicates: int, seed: int, *,
                    setup: dict | None = None, model: str = "sim") -> list[RunSpec]:
    """Specs for every (scenario/design point, replicate): the same replicate seeds everywhere.

    ``scenarios``: list of (scenario path, label, overrides).
    """
    specs = []
    for point, (path, label, overrides) in enumerate(scenarios):
        for r in range(replicates):
            specs.append(RunSpec.make(path, overrides, setup, seed=seed, replicate=r, model=model,
                                      design_point=point, label=label))
    return specs
