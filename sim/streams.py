"""Named random streams for common random numbers (CRN).

One root ``SeedSequence(seed, spawn_key=(replicate,))`` per (seed, replicate). Each mechanism
draws from its own stream, and each month gets a fresh generator for that mechanism, keyed by
(mechanism name, month). So two scenarios with the same seed share every draw their difference
does not touch: changing how many draws one mechanism makes in month t shifts nothing in any
other mechanism, nor in the same mechanism in month t+1 (Starsim's named streams, applied per
month). No global ``random`` or ``np.random`` state is used anywhere.

Draws whose number depends on what happened (the consequences of each accident, the outcome of
each inspection, the profile of each entrant) are *keyed*: ``Streams.keyed(name, month)``
gives uniforms that are a function of (seed, replicate, stream, month, the firm's identity and
a counter), so an accident keeps its deaths when another accident appears or disappears
elsewhere, and an inspection keeps its outcome when the set of inspected firms changes
(common random numbers for consequences, not only for counts).
"""

from __future__ import annotations

import zlib

import numpy as np

#: Every stream the model uses; a name not listed here is a programming error.
STREAM_NAMES = (
    "setup",  # initial population
    "network",  # networkx seeds for the jurisdiction graph
    "compliance",  # who reviews their compliance decision and what they choose
    "accidents",  # whether an accident happens and its cause
    "severity",  # deaths, injuries and loss given an accident
    "pyramid",  # near misses and minor injuries (county totals)
    "inspection",  # who is inspected
    "inspection_outcome",  # formality, detection, leniency, sanctions
    "grid",  # grid patrols and detection
    "committees",  # rotation, investigations
    "awareness",  # training
    "demography",  # exit and closure after accidents
    "entry",  # profiles of entrants
    "campaigns",  # closures by sector campaigns after major accidents
    "remediation",  # closures by the chemical-industry remediation programme
    "rotation",  # inspector rotation
    "sanctions",  # blacklisting draws (keyed)
    "experiment",  # treatment assignment of in-silico experiments
    "reporting",  # whether an accident enters the statistics (keyed)
)


def _key(name: str) -> int:
    if name not in STREAM_NAMES:
        raise KeyError(f"unknown random stream {name!r}")
    return zlib.crc32(name.encode())


class Streams:
    """Factory of named, per-month generators derived from one root seed."""

    def __init__(self, seed: int, replicate: int = 0):
        self.seed = int(seed)
        self.replicate = int(replicate)
        self.root = np.random.SeedSequence(self.seed, spawn_key=(self.replicate,))

    def get(self, name: str, month: int = 0) -> np.random.Generator:
        """Generator for mechanism ``name`` in ``month`` (0 = set-up)."""
        ss = np.random.SeedSequence(self.root.entropy, spawn_key=(*self.root.spawn_key, _key(name), month))
        # SFC64: a well-tested generator about twice as fast as PCG64 for the uniforms that
        # dominate a month's cost (ENGINEERING_NOTES: sampling); seeded by SeedSequence.
        return np.random.Generator(np.random.SFC64(ss))

    def keyed(self, name: str, month: int = 0) -> Keyed:
        """Keyed uniforms for mechanism ``name`` in ``month`` (see the module docstring)."""
        ss = np.random.SeedSequence(self.root.entropy, spawn_key=(*self.root.spawn_key, _key(name), month, 1))
        return Keyed(int(ss.generate_state(1, np.uint64)[0]))

    def python_seed(self, name: str) -> int:
        """An integer seed for libraries that take one (networkx, Mesa's ``random``)."""
        return int(self.get(name).integers(2**31 - 1))


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


def _splitmix(z: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser (Steele, Lea & Flood 2014): a bijective 64-bit mix whose outputs
    for distinct inputs pass BigCrush; used here as a counter-based generator."""
    z = z ^ (z >> np.uint64(30))
    z = z * _MIX1
    z = z ^ (z >> np.uint64(27))
    z = z * _MIX2
    return z ^ (z >> np.uint64(31))


class Keyed:
    """Uniforms in [0, 1) that depend only on a stream key and the identities given."""

    def __init__(self, key: int):
        self.key = np.uint64(key)

    def uniforms(self, ids: np.ndarray, n: int, counter: np.ndarray | int = 0) -> np.ndarray:
        """A (len(ids), n) array of uniforms (float64) for identities ``ids`` (int64, e.g. firm
        uids) and a per-identity ``counter`` (e.g. the k-th accident of that firm this month)."""
        ids = np.asarray(ids).astype(np.uint64)
        counter = np.asarray(counter).astype(np.uint64)
        with np.errstate(over="ignore"):
            base = _splitmix(ids * _GOLDEN + self.key) ^ (counter * _MIX1)
            cols = np.arange(1, n + 1, dtype=np.uint64) * _GOLDEN
            z = _splitmix(_splitmix(base[:, None] + cols[None, :]))
        return (z >> np.uint64(11)).astype(np.float64) * (1.0 / 9007199254740992.0)
