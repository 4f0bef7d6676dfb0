"""Schematic map of Jiangsu: cities placed roughly north to south, counties as tiles (SVG).

Not a geographic map: each city is a box at a hand-placed slot of a coarse grid that follows
Jiangsu's layout (徐州 in the north-west, 苏州 in the south-east), grouped in the three regions
(苏北 / 苏中 / 苏南), with one tile per county-level division coloured by a metric. Every tile
has a tooltip (SVG <title>) with the county's name and value.
"""

from __future__ import annotations

import html
import itertools
import math

import numpy as np

from sim.figures import REGION_COLOURS
from sim.jurisdiction import REGIONS

from .i18n import metric_label, region_label
from .world import MapLayout

#: (column, row) slot of each city on the schematic grid; rows go north -> south.
SLOTS = {
    "Xuzhou": (0, 0), "Lianyungang": (2, 0), "Suqian": (1, 1), "Huaian": (2, 1), "Yancheng": (3, 1),
    "Yangzhou": (1, 2), "Taizhou": (2, 2), "Nantong": (3, 2),
    "Nanjing": (0, 3), "Zhenjiang": (1, 3), "Changzhou": (2, 3), "Wuxi": (2, 4), "Suzhou": (3, 4),
}
CITY_EN = {"Huaian": "Huai'an"}
BOX_W, BOX_H, GAP, TILE, PAD = 150, 104, 14, 28, 6


def _colour(x: float) -> str:
    """0 -> green, 0.5 -> yellow, 1 -> red (NaN -> grey)."""
    if not np.isfinite(x):
        return "#dddddd"
    x = min(max(x, 0.0), 1.0)
    stops = [(0.0, (26, 152, 80)), (0.5, (254, 224, 139)), (1.0, (215, 48, 39))]
    for (a, ca), (b, cb) in itertools.pairwise(stops):
        if x <= b:
            f = (x - a) / (b - a)
            r, g, bl = (round(ca[i] + f * (cb[i] - ca[i])) for i in range(3))
            return f"#{r:02x}{g:02x}{bl:02x}"
    return "#d73027"


def _fmt(v: float, metric: str) -> str:
    if not np.isfinite(v):
        return "–"
    if metric == "compliance_rate":
        return f"{100 * v:.1f}%"
    if metric in ("penalty_share",):
        return f"{100 * v:.1f}%"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:.2f}"


def svg_map(layout: MapLayout, values: np.ndarray, metric: str, lang: str, direction: int = 1) -> str:
    """An SVG of the cities (boxes) and counties (tiles), coloured by ``values`` (one per county)."""
    values = np.asarray(values, dtype=float)
    finite = values[np.isfinite(values)]
    lo, hi = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 1.0)
    span = hi - lo if hi > lo else 1.0

    def norm(v):
        x = (v - lo) / span if hi > lo else 0.5
        return x if direction > 0 else 1.0 - x

    used = [SLOTS.get(c, (k % 4, 5 + k // 4)) for k, c in enumerate(layout.cities)]
    cols = max(u[0] for u in used) + 1
    rows = max(u[1] for u in used) + 1
    width = cols * (BOX_W + GAP) + 120
    height = rows * (BOX_H + GAP) + 70
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="sg-map" data-metric="{metric}" '
           f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
           f'style="font-family:\'Noto Sans CJK SC\',sans-serif;max-width:100%;height:auto">']
    # region bands (north at the top)
    band_rows = {r: [u[1] for u, reg in zip(used, layout.regions, strict=True) if reg == r] for r in REGIONS}
    for region in REGIONS:
        rws = band_rows[region]
        if not rws:
            continue
        y0, y1 = min(rws) * (BOX_H + GAP) + 4, (max(rws) + 1) * (BOX_H + GAP)
        out.append(f'<rect x="2" y="{y0}" width="{width - 4}" height="{y1 - y0 - 2}" rx="8" '
                   f'fill="{REGION_COLOURS[region]}" fill-opacity="0.07" stroke="{REGION_COLOURS[region]}" '
                   f'stroke-opacity="0.4"/>')
        out.append(f'<text x="{width - 8}" y="{(y0 + y1) / 2}" text-anchor="end" font-size="15" '
                   f'fill="{REGION_COLOURS[region]}" font-weight="bold">{html.escape(region_label(region, lang))}</text>')
    for ci, city in enumerate(layout.cities):
        cx, cy = used[ci]
        x0, y0 = 8 + cx * (BOX_W + GAP), 8 + cy * (BOX_H + GAP)
        region = layout.regions[ci]
        name = layout.cities_zh[ci] if lang == "zh" else CITY_EN.get(city, city)
        out.append(f'<rect x="{x0}" y="{y0}" width="{BOX_W}" height="{BOX_H}" rx="5" fill="#fff" '
                   f'stroke="{REGION_COLOURS[region]}" stroke-width="1.5"/>')
        out.append(f'<text x="{x0 + 6}" y="{y0 + 15}" font-size="12" font-weight="bold">{html.escape(name)}</text>')
        counties = [k for k, c in enumerate(layout.county_city) if c == ci]
        per_row = max(1, min(5, math.ceil(math.sqrt(len(counties) * 1.6))))
        for j, k in enumerate(counties):
            tx = x0 + PAD + (j % per_row) * (TILE + 1)
            ty = y0 + 21 + (j // per_row) * (TILE + 1)
            v = float(values[k]) if k < len(values) else float("nan")
            tip = f"{layout.cities_zh[ci]} {layout.counties_zh[k]}: {metric_label(metric, lang)} {_fmt(v, metric)}"
            out.append(f'<rect class="sg-county" x="{tx}" y="{ty}" width="{TILE}" height="{TILE}" rx="2" '
                       f'fill="{_colour(norm(v))}" stroke="#fff"><title>{html.escape(tip)}</title></rect>')
            out.append(f'<text x="{tx + TILE / 2}" y="{ty + TILE / 2 + 4}" font-size="9" text-anchor="middle" '
                       f'pointer-events="none">{html.escape(layout.counties_zh[k][:2])}</text>')
    # legend
    ly = rows * (BOX_H + GAP) + 18
    out.append(f'<text x="10" y="{ly}" font-size="12">{html.escape(metric_label(metric, lang))}</text>')
    for s in range(11):
        f = s / 10
        out.append(f'<rect x="{10 + s * 22}" y="{ly + 8}" width="22" height="12" fill="{_colour(norm(lo + f * span))}"/>')
    out.append(f'<text x="10" y="{ly + 34}" font-size="11">{_fmt(lo, metric)}</text>')
    out.append(f'<text x="{10 + 11 * 22}" y="{ly + 34}" font-size="11" text-anchor="end">{_fmt(hi, metric)}</text>')
    out.append("</svg>")
    return "".join(out)
