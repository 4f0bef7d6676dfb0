"""Generated malformed inputs (tests/fuzzgen.py): every one is refused with exit 2, one line naming the
file and key, no traceback and nothing written; valid edge inputs (a 1,200-file extends chain) work.

About 700 cases in about 20 s; ``.venv/bin/python tests/fuzzgen.py`` prints the table per category.
"""

from __future__ import annotations

import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

import fuzzgen
import pytest

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@lru_cache(maxsize=1)
def _outcomes() -> tuple:
    probe = Path(tempfile.mkdtemp(prefix="safegov-fuzz-probe-"))
    readonly = fuzzgen._readonly_works(probe)
    shutil.rmtree(probe, ignore_errors=True)
    return tuple(fuzzgen.run_all(fuzzgen.all_cases(readonly=readonly)))


def test_the_generator_covers_every_category():
    cases = fuzzgen.all_cases()
    counts = {c: sum(case.category == c for case in cases) for c in fuzzgen.CATEGORIES}
    assert sum(counts.values()) >= 500 and min(counts.values()) >= 25, counts
    kinds = " ".join(case.name for case in cases)
    for needle in ("schedule", "extends", "typo", "nan", "fifo", "/dev/zero", "10^6", "UTF-8", "--scheduler", "--out"):
        assert needle in kinds, needle


@pytest.mark.parametrize("category", fuzzgen.CATEGORIES)
def test_malformed_inputs_are_refused_cleanly(category):
    mine = [o for o in _outcomes() if o.case.category == category]
    bad = [f"{o.case.name}: {o.verdict}: {o.detail}" for o in mine if not o.clean]
    assert mine and not bad, f"{len(bad)} of {len(mine)} not clean:\n" + "\n".join(bad[:30])
