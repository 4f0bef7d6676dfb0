"""Debrief tables and the self-contained HTML export (figures embedded, UTF-8)."""

from __future__ import annotations

import datetime as dt
import html

from sim import params

from . import charts
from .exercise import BUDGET_LEVERS, METRICS, PATHS, RATIOS, Debrief, line_costs
from .i18n import lever_label, metric_label, section_title, t, unit_label

VERDICT_STYLE = {"helped": "background:#d9f2d9", "hurt": "background:#f8d7d7", "neutral": ""}
SHOWN = ("deaths", "accidents", "accidents_larger_or_worse", "compliance_rate", "hazards_per_enterprise",
         "zero_penalty_counties", "inspections", "penalty_cases", "enforcement_cost_10k_cny")


def fmt(v: float, metric: str, signed: bool = False) -> str:
    """A value (or, ``signed``, a difference) in the metric's own format."""
    sign = "+" if signed else ""
    if metric == "compliance_rate":
        return f"{100 * v:{sign}.1f}" + (" pp" if signed else "%")
    if metric == "hazards_per_enterprise":
        return f"{v:{sign}.2f}"
    if metric == "zero_penalty_counties":
        return f"{v:{sign}.1f}"
    return f"{v:{sign},.0f}"


def fmt_diff(v: float, metric: str) -> str:
    if v != v:  # NaN
        return "–"
    digits = {"compliance_rate": 3, "hazards_per_enterprise": 2, "zero_penalty_counties": 1}.get(metric, 0)
    if round(v, digits) == 0:
        v = 0.0  # no "-0"
    return fmt(v, metric, signed=True)


def _cell(d: Debrief, metric: str, value: float, other: float) -> str:
    verdict = d.verdict(metric, value, other)
    return f'<td style="{VERDICT_STYLE[verdict]}" data-verdict="{verdict}">{fmt_diff(value - other, metric)}</td>'


def totals_table(d: Debrief, lang: str) -> str:
    head = "".join(f"<th>{html.escape(charts.path_label(p, lang))}</th>" for p in PATHS)
    rows = []
    for m in SHOWN:
        tag = " (mean)" if m in RATIOS and lang != "zh" else ("（年均）" if m in RATIOS else "")
        vals = "".join(f"<td>{fmt(d.totals[p][m], m)}</td>" for p in PATHS)
        rows.append(f"<tr><th>{html.escape(metric_label(m, lang))}{tag}</th>{vals}"
                    f"{_cell(d, m, d.totals['class'][m], d.totals['baseline'][m])}"
                    f"{_cell(d, m, d.totals['class'][m], d.totals['reference'][m])}</tr>")
    return (f'<table class="sg-table sg-totals"><tr><th>{t("metric", lang)}</th>{head}'
            f'<th>{t("class", lang)} {t("vs_baseline", lang)}</th><th>{t("class", lang)} {t("vs_reference", lang)}</th></tr>'
            + "".join(rows) + "</table>")


def by_year_table(d: Debrief, lang: str) -> str:
    judged = [m for m in SHOWN if METRICS[m] != 0]
    head = "".join(f"<th>{html.escape(metric_label(m, lang))}</th>" for m in judged)
    rows = []
    for i, year in enumerate(d.years):
        cells = "".join(_cell(d, m, d.paths["class"][m][i], d.paths["baseline"][m][i]) for m in judged)
        rows.append(f"<tr><th>{year}</th>{cells}</tr>")
    return (f'<table class="sg-table sg-by-year"><caption>{t("class", lang)} {t("vs_baseline", lang)}</caption>'
            f'<tr><th>{t("year", lang)}</th>{head}</tr>' + "".join(rows) + "</table>")


def levers_table(d: Debrief, lang: str) -> str:
    metrics = ("deaths", "accidents_larger_or_worse", "compliance_rate", "hazards_per_enterprise")
    head = "".join(f"<th>{html.escape(metric_label(m, lang))}</th>" for m in metrics)
    rows = []
    base = d.totals["baseline"]
    for e in d.levers:
        p = params.BY_NAME[e.lever]
        refs = "<br>".join(f"§{r} {html.escape(section_title(r, lang))}" for r in e.paper)
        path = " → ".join(f"{v:.3g}" for v in e.chosen)
        cells = "".join(_cell(d, m, base[m] + e.effects[m], base[m]) for m in metrics)
        other = html.escape(p.label if lang == "zh" else p.zh)
        unit = html.escape(unit_label(p.unit, lang))
        rows.append(f"<tr><th>{html.escape(lever_label(e.lever, lang))}<br><small>{other}</small></th>"
                    f"<td>{e.baseline[0]:.3g} ⇒ {path}<br><small>{unit}</small></td>"
                    f"<td>{e.extra_cost:+,.0f}</td>{cells}<td>{refs}</td></tr>")
    if not rows:
        rows.append('<tr><td colspan="8">–</td></tr>')
    cost_head = "投入变化(万元)" if lang == "zh" else "extra spending (10k CNY)"
    return (f'<table class="sg-table sg-levers"><tr><th>{t("lever", lang)}</th><th>{t("status_quo", lang)} ⇒ '
            f'{t("class", lang)}</th><th>{cost_head}</th>{head}<th>{t("paper", lang)}</th></tr>'
            + "".join(rows) + "</table>")


def allocations_table(d: Debrief, lang: str) -> str:
    head = "".join(f"<th>{y}</th>" for y in d.years)
    rows = []
    for k in BUDGET_LEVERS:
        cells = "".join(f"<td>{a[k]:.3g}</td>" for a in d.allocations)
        rows.append(f"<tr><th>{html.escape(lever_label(k, lang))}</th><td>{d.status_quo[0][k]:.3g}</td>{cells}"
                    f"<td>{d.reference_allocation[k]:.3g}</td><td>§{params.BY_NAME[k].paper}</td></tr>")
    return (f'<table class="sg-table sg-alloc"><tr><th>{t("lever", lang)}</th><th>{t("status_quo", lang)}</th>{head}'
            f'<th>{t("reference_path", lang)}</th><th>{t("paper", lang)}</th></tr>' + "".join(rows) + "</table>")


def lessons_html(d: Debrief, lang: str) -> str:
    items = "".join(f'<li class="sg-lesson" data-verdict="{x["verdict"]}">{html.escape(x["text"])}</li>'
                    for x in d.lessons(lang))
    return f'<ol class="sg-lessons">{items}</ol>'


def chance_table(check, lang: str) -> str:
    """Paired intervals of class minus baseline / reference over replicates (exercise.chance_check)."""
    rows = []
    for r in check.rows:
        m = r["metric"]
        lo, hi = r["ci_low"], r["ci_high"]
        sure = not (lo <= 0 <= hi) if lo == lo and hi == hi else False
        verdict = ("helped" if (r["diff"] * METRICS[m]) > 0 else "hurt") if sure else "neutral"
        vs = t("vs_baseline" if r["against"] == "baseline" else "vs_reference", lang)
        rows.append(f'<tr><th>{html.escape(metric_label(m, lang))} {html.escape(vs)}</th>'
                    f'<td>{fmt_diff(r["played"], m)}</td><td>{fmt_diff(r["diff"], m)}</td>'
                    f'<td style="{VERDICT_STYLE[verdict]}" data-verdict="{verdict}">'
                    f'[{fmt_diff(lo, m)}, {fmt_diff(hi, m)}]</td><td>{r["n"]}</td></tr>')
    return (f'<table class="sg-table sg-chance"><tr><th>{t("metric", lang)}</th><th>{t("played", lang)}</th>'
            f'<th>{t("mean_diff", lang)}</th><th>{t("interval", lang)}</th><th>n</th></tr>' + "".join(rows) + "</table>")


def figures(d: Debrief, prices, lang: str) -> dict[str, bytes]:
    return {
        "paths": charts.exercise_figure(d.years, d.paths, lang),
        "allocation": charts.allocation_figure(d.years, d.allocations, d.reference_allocation,
                                               lambda a: line_costs(a, prices), d.budget, lang),
        "levers": charts.lever_effects_figure(d.levers, lang),
    }


CAVEAT = ("One replicate on common random numbers: small differences can still be chance.",
          "单次重复（共同随机数）：较小差异仍可能属于随机波动。")
CSS = """
body{font-family:'Noto Sans CJK SC','Noto Sans',sans-serif;margin:2em;max-width:1200px;color:#222}
table.sg-table{border-collapse:collapse;margin:0.6em 0 1.2em}
.sg-table th,.sg-table td{border:1px solid #ccc;padding:3px 8px;text-align:right;font-size:13px}
.sg-table th{background:#f4f4f4;text-align:left}
.sg-lesson{margin:0.4em 0}
.sg-lesson[data-verdict=helped]{border-left:4px solid #2ca02c;padding-left:6px}
.sg-lesson[data-verdict=hurt]{border-left:4px solid #d62728;padding-left:6px}
"""


def _chance_section(chance, s, lang: str) -> str:
    if chance is None:
        return ""
    reps = ", ".join(str(r) for r in chance.replicates)
    return (f"<h2>{html.escape(t('chance_title', lang))}</h2><p>{html.escape(t('chance_note', lang, reps=reps, seed=s.seed))}"
            f"</p>{chance_table(chance, lang)}")


def debrief_html(d: Debrief, prices, lang: str, title_extra: str = "", chance=None) -> str:
    """The whole debrief as one self-contained HTML document."""
    s = d.settings
    figs = figures(d, prices, lang)
    role = t("province", lang) if s.role == "province" else t("city_committee", lang, city=s.role)
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    meta = (f"{t('scenario', lang)}: {html.escape(s.scenario)} · {t('role', lang)}: {html.escape(role)} · "
            f"{t('seed', lang)}: {s.seed} · replicate {s.replicate} · {t('budget', lang)}: {d.budget:,.0f} · "
            f"{t('reference', lang)}: {html.escape(s.reference)} · {when}")
    return f"""<!DOCTYPE html>
<html lang="{'zh-CN' if lang == 'zh' else 'en'}"><head><meta charset="utf-8">
<title>{html.escape(t('debrief', lang))} — safegov {html.escape(title_extra)}</title>
<style>{CSS}</style></head><body>
<h1>{html.escape(t('title', lang))}: {html.escape(t('debrief', lang))}</h1>
<p>{meta}</p>
<p>{html.escape(t('crn', lang, seed=s.seed, rep=s.replicate))}</p>
<h2>{html.escape(t('totals', lang))}</h2>
{totals_table(d, lang)}
<img alt="paths" src="{charts.data_uri(figs['paths'])}" style="max-width:100%">
<h2>{html.escape(t('by_year', lang))}</h2>
{by_year_table(d, lang)}
<h2>{html.escape(t('by_lever', lang))}</h2>
{levers_table(d, lang)}
<img alt="levers" src="{charts.data_uri(figs['levers'])}" style="max-width:100%">
{_chance_section(chance, s, lang)}
<h2>{html.escape(t('lessons', lang))}</h2>
{lessons_html(d, lang)}
<h2>{html.escape(t('allocate', lang))}</h2>
{allocations_table(d, lang)}
<img alt="allocation" src="{charts.data_uri(figs['allocation'])}" style="max-width:100%">
<p><small>safegov · {html.escape(CAVEAT[lang == 'zh'])}</small></p>
</body></html>
"""
