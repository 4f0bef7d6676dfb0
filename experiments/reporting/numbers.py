"""The one set of number formatters for reports, tables and the command line.

Rules: about three significant figures, thousands separators, never scientific notation;
shares as percentages and their differences in percentage points; an interval is written with
the same number of decimals as its estimate; a missing value is "–".
"""

from __future__ import annotations

import math

MISSING = "–"

#: Chinese names of the outcome units declared in sim/outcomes.py (for Chinese sentences).
UNIT_ZH = {
    "persons": "人", "accidents": "起", "events": "起", "10k CNY": "万元", "share": "", "counties": "个县",
    "cases": "件", "inspections": "次", "orders": "份", "firms": "家", "visits": "次", "reports": "条",
    "hazards": "项", "hazards per firm": "项/家", "index": "", "expected accidents / month": "期望事故/月",
}
#: English unit as written in a table header (the declared unit, with Chinese).
UNIT_SHOWN = {"10k CNY": "10k CNY 万元", "persons": "persons 人", "accidents": "accidents 起", "share": "%",
              "counties": "counties 县", "cases": "cases 件", "inspections": "inspections 次"}


def missing(v) -> bool:
    """None or NaN (infinity is a value: an interval can be unbounded)."""
    return v is None or (isinstance(v, float) and math.isnan(v))


def decimals_for(v: float, sig: int = 3) -> int:
    """Decimals that show ``v`` with ``sig`` significant figures (0 for |v| >= 10**(sig-1))."""
    a = abs(v)
    if a == 0 or not math.isfinite(a):
        return 0
    return max(sig - 1 - math.floor(math.log10(a)), 0)


def num(v, sig: int = 3, signed: bool = False, decimals: int | None = None) -> str:
    """21532.4 -> '21,532'; 4.517 -> '4.52'; 0.04831 -> '0.0483'; signed adds '+' to positives."""
    if missing(v):
        return MISSING
    v = float(v)
    if math.isinf(v):
        return ("+∞" if signed else "∞") if v > 0 else "−∞"
    d = (0 if v.is_integer() else decimals_for(v, sig)) if decimals is None else decimals
    text = f"{v:+,.{d}f}" if signed else f"{v:,.{d}f}"
    if text.lstrip("+-") == f"{0:.{d}f}":  # no '-0' or '+0.00'
        text = f"{0:.{d}f}"
    return text.replace("-", "−")


def pct(share, decimals: int = 1, signed: bool = False) -> str:
    """0.2962 -> '29.6%'."""
    if missing(share):
        return MISSING
    return num(100 * float(share), signed=signed, decimals=decimals) + "%"


def interval(est, low, high, sig: int = 3, signed: bool = True, scale: float = 1.0, suffix: str = "") -> str:
    """'−18.1 [−245, +209]': the estimate and its interval, with the interval's decimals."""
    if missing(est):
        return MISSING
    ref = max((abs(float(x)) * scale for x in (est, low, high) if not missing(x) and math.isfinite(x)), default=0.0)
    d = decimals_for(ref, sig)
    head = num(float(est) * scale, signed=signed, decimals=d) + suffix
    if missing(low) or missing(high):
        return head
    return (f"{head} [{num(float(low) * scale, signed=signed, decimals=d)}, "
            f"{num(float(high) * scale, signed=signed, decimals=d)}]")


def value(v, unit: str) -> str:
    """A level in its unit: shares as '29.62%', the rest as numbers."""
    return pct(v, decimals=2) if unit == "share" else num(v)


def change(est, low, high, unit: str) -> str:
    """A difference with its interval: shares in percentage points, the rest in their unit."""
    if unit == "share":
        return interval(est, low, high, scale=100.0, sig=2) + " pp" if not missing(est) else MISSING
    return interval(est, low, high)


def relative(est, low, high) -> str:
    """'+1.5% [+1.0, +2.0]' from fractions (0.015 ...)."""
    if missing(est):
        return MISSING
    return interval(est, low, high, sig=2, scale=100.0).replace(" [", "% [", 1) if not (
        missing(low) or missing(high)) else num(100 * float(est), signed=True, decimals=1) + "%"


def compact(v) -> str:
    """Short form for narrow terminal columns: 1234567 -> '1.23M', 45678 -> '45.7k'."""
    if missing(v):
        return MISSING
    a = abs(v)
    if a >= 1e6:
        return f"{v / 1e6:.2f}M"
    if a >= 1e4:
        return f"{v / 1e3:.1f}k"
    return num(v)


def unit_zh(unit: str) -> str:
    return UNIT_ZH.get(unit, unit)


def unit_shown(unit: str) -> str:
    return UNIT_SHOWN.get(unit, unit)
