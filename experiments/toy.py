"""Small callable models with known answers, for tests, benchmarks and examples.

A callable model is named in a RunSpec as ``"experiments.toy:known_effect"`` and called as
``fn(params: dict, seed: int, replicate: int) -> dict[str, float]``. Draw randomness from
``SeedSequence(seed, spawn_key=(replicate,))`` so that replicate r shares its draws across
design points (common random numbers), as the agent-based model does.
"""

from __future__ import annotations

import time

import numpy as np

from experiments.spec import replicate_seed_sequence


def _rng(seed: int, replicate: int, stream: int) -> np.random.Generator:
    ss = replicate_seed_sequence(seed, replicate)
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(ss.entropy, spawn_key=(*ss.spawn_key, stream))))


def known_effect(params: dict, seed: int, replicate: int) -> dict[str, float]:
    """y = 10 + EFFECT * x + common noise (shared by every design point of a replicate)
    + own noise (independent between design points).

    ``x`` is ``params["rescue_capacity"]`` (0 if absent); the paired effect of moving x from
    a to b is exactly EFFECT * (b - a) in expectation, with paired-difference standard deviation
    OWN_SD * sqrt(2). Region outputs ``y__south`` etc. have effects 1x, 2x and 0x EFFECT.
    """
    x = float(params.get("rescue_capacity", 0.0))
    common = _rng(seed, replicate, 0).normal(0.0, COMMON_SD, size=4)
    key = round(x * 1_000_000)
    own = np.random.default_rng([seed, replicate, key, 1]).normal(0.0, OWN_SD, size=4)
    y = 10.0 + EFFECT * x + common + own
    return {"y": float(y[0]), "y__south": float(y[1]), "y__central": float(y[2] + EFFECT * x),
            "y__north": float(y[3] - EFFECT * x)}


EFFECT = 3.0
COMMON_SD = 5.0
OWN_SD = 0.5


def sleeper(params: dict, seed: int, replicate: int) -> dict[str, float]:
    """Sleeps ``params['duration']`` seconds (0 by default) or burns CPU for
    ``params['cpu_seconds']``; returns a reproducible value. For overhead benchmarks."""
    if params.get("duration"):
        time.sleep(float(params["duration"]))
    if params.get("cpu_seconds"):
        end = time.perf_counter() + float(params["cpu_seconds"])
        x = 0.0
        while time.perf_counter() < end:
            x += sum(i * i for i in range(1000))
    return {"y": float(_rng(seed, replicate, 0).normal())}


def flaky(params: dict, seed: int, replicate: int) -> dict[str, float]:
    """Raises for replicate ``params['fail_replicate']`` (default 1); otherwise a known value."""
    if replicate == int(params.get("fail_replicate", 1)):
        raise RuntimeError(f"injected failure in replicate {replicate}")
    return {"y": float(replicate) + float(params.get("rescue_capacity", 0.0))}


def crash(params: dict, seed: int, replicate: int) -> dict[str, float]:
    """Kills its own worker process (as the out-of-memory killer would) for replicate
    ``params['crash_replicate']`` (default 1); otherwise a known value."""
    if replicate == int(params.get("crash_replicate", 1)):
        import os

        os._exit(3)
    return {"y": float(replicate)}
