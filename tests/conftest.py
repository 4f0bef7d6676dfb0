"""Shared fixtures: the tiny scenario and cached runs (runs are deterministic, so caching is safe)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from sim.run import run_scenario
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"


@pytest.fixture(scope="session")
def tiny():
    return load_scenario(SCENARIOS / "tiny.toml")


@lru_cache(maxsize=32)
def cached_run(path: str, seed: int = 0, replicate: int = 0, months: int | None = None, **overrides):
    sc = load_scenario(path)
    setup = {k: v for k, v in overrides.items() if k in sc.setup.model_fields}
    values = {k: v for k, v in overrides.items() if k not in setup}
    return run_scenario(sc.with_overrides(values, **setup), seed=seed, replicate=replicate, months=months)
