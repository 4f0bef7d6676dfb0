"""The public figures calibration uses (calibration/data/*.csv), with their confidence flags.

Every row carries a ``source`` and a ``confidence``:

- ``verified``            seen in the primary source;
- ``verified-secondary``  seen in a reprint of the primary source;
- ``derived``             computed from a verified figure and a stated change;
- ``recalled``            not found in any source (a remembered figure).

Only the first three are used by default; a ``recalled`` row is used only when the caller opts
in (``allow_recalled=True``; ``safegov calibrate --allow-recalled``; ``allow_recalled = true``
in a calibration spec). See calibration/data/PROVENANCE.md.

The national death count changed scope in 2016 (about 66k deaths in 2015 under the old scope,
41k in 2016 under the new one). The national table therefore has a ``scope_regime`` column
(``pre2016`` / ``post2016``); :func:`crosses_scope_break` tells a target whose period spans the
change, and such a target must state how it bridges it (``scope_break_adjust``).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from sim.errors import InputError

DATA_DIR = Path(__file__).resolve().parent / "data"
FILES = ("china_national_safety.csv", "jiangsu_facts.csv", "jiangsu_major_accidents.csv", "literature_effects.csv")
CONFIDENCE = ("verified", "verified-secondary", "derived", "published", "recalled")
DEFAULT_CONFIDENCE = ("verified", "verified-secondary", "derived", "published")
#: First year counted under the new scope of the national death count.
SCOPE_BREAK_YEAR = 2016
#: Default bridge across the 2016 scope change: new-scope deaths / old-scope deaths for the same
#: year. 41,000 (2016, verified-secondary) / (66,182 (2015, recalled) x (1 - 0.073)), where
#: -7.3% is the verified-secondary 2016->2017 national change taken as the underlying 2015->2016
#: trend. An assumption informed by one recalled figure; see PROVENANCE.md.
SCOPE_BREAK_FACTOR = 0.67


@lru_cache(maxsize=8)
def _read(name: str) -> pd.DataFrame:
    path = DATA_DIR / name
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return frame


def table(name: str, *, allow_recalled: bool = False) -> pd.DataFrame:
    """One reference table; ``recalled`` rows only when ``allow_recalled``."""
    if name not in FILES:
        raise KeyError(name)
    frame = _read(name).copy()
    if not allow_recalled:
        frame = frame[frame["confidence"] != "recalled"]
    return frame.reset_index(drop=True)


def lookup(ref: dict[str, str], *, allow_recalled: bool, source: str, key: str) -> dict[str, str]:
    """The one row of a reference table that matches every column given in ``ref``.

    ``ref`` holds ``file`` plus column = value pairs (e.g. year, metric, or scope, period,
    metric). Where a figure exists both as a default-confidence row and a recalled row, the
    default-confidence row is used unless ``confidence = "recalled"`` is asked for (which
    itself needs ``allow_recalled``). Errors name ``source`` and ``key``.
    """
    ref = dict(ref)
    name = ref.pop("file", None)
    if name not in FILES:
        raise InputError(source, f"{key}.file", f"expected one of {', '.join(FILES)}, got {name!r}")
    frame = _read(name)
    for column, wanted in ref.items():
        if column not in frame.columns:
            raise InputError(source, f"{key}.{column}",
                             f"{name} has no column {column!r}; columns: {', '.join(frame.columns)}")
        frame = frame[frame[column] == str(wanted)]
    if "confidence" not in ref and len(frame) > 1:
        frame = frame[frame["confidence"] != "recalled"]
    if frame.empty:
        raise InputError(source, key, f"no row of {name} matches {ref}")
    if len(frame) > 1:
        raise InputError(source, key, f"{len(frame)} rows of {name} match {ref}; add a column to tell them apart")
    row = frame.iloc[0].to_dict()
    if row["confidence"] == "recalled" and not allow_recalled:
        raise InputError(source, key, f"uses a recalled figure ({name} {ref}); recalled values need an explicit "
                         "opt-in (allow_recalled = true in the spec, or --allow-recalled)")
    row["file"] = name
    return row


def crosses_scope_break(start: int, end: int) -> bool:
    """Whether a period from ``start`` to ``end`` spans the 2016 change of scope."""
    return start < SCOPE_BREAK_YEAR <= end


def national_series(metric: str = "deaths_all", *, allow_recalled: bool = False) -> pd.DataFrame:
    """Year, value, confidence and scope regime of one national metric."""
    frame = table("china_national_safety.csv", allow_recalled=allow_recalled)
    frame = frame[frame["metric"] == metric].copy()
    frame["year"] = frame["year"].astype(int)
    frame["value"] = frame["value"].astype(float)
    return frame[["year", "value", "confidence", "scope_regime", "source"]].reset_index(drop=True)
