"""Debrief tables and the self-contained HTML exports (charts inline as SVG, UTF-8, print stylesheet).

Trainee documents (a team's debrief) carry no seed/replicate jargon; the facilitator's class
report adds the technical details, the teams side by side and the facilitator notes.
"""

from __future__ import annotations

import datetime as dt
import html

import numpy as np

from . import charts
from . import pricing as P
from .debrief import Debrief
from .i18n import lever_label, metric_label, paper_refs, role_label, scenario_title, section_ref, t, unit_label
from .lessons import notes_for, reference_text
from .rounds import DIRECTION, PATHS, RATIOS

VERDICT_STYLE = {"helped": "background:#d9f2d9", "hurt": "background:#f8d7d7", "neutral": ""}
SHOWN = ("deaths", "accidents", "accidents_larger_or_worse", "compliance_rate", "hazards_per_enterprise",
         "zero_penalty_counties", "inspections", "penalty_cases", "enforcement_cost_10k_cny")
ROUND_METRICS = ("deaths", "accidents_larger_or_worse", "compliance_rate")


def esc(text) -> str:
    return html.escape(str(text))


def fmt(v: float, metric: str, signed: bool = False, lang: str = "en") -> str:
    """A value (or, ``signed``, a difference) in the metric's own format; shares in %, their
    differences in percentage points (百分点)."""
    sign = "+" if signed else ""
    if metric == "compliance_rate":
        return f"{100 * v:{sign}.1f}" + (f" {t('points', lang)}" if signed else "%")
    if metric == "hazards_per_enterprise":
        return f"{v:{sign}.2f}"
    if metric == "zero_penalty_counties":
        return f"{v:{sign}.1f}"
    return f"{v:{sign},.0f}"


def fmt_diff(v: float, metric: str, lang: str = "en") -> str:
    if v != v:  # NaN
        return "–"
    digits = {"compliance_rate": 3, "hazards_per_enterprise": 2, "zero_penalty_counties": 1}.get(metric, 0)
    if round(v, digits) == 0:
        v = 0.0  # no "-0"
    return fmt(v, metric, signed=True, lang=lang)


def verdict(metric: str, value: float, other: float, threshold: float = 0.01) -> str:
    sign = DIRECTION.get(metric, 0)
    if sign == 0 or abs(value - other) / max(abs(other), 1e-9) < threshold:
        return "neutral"
    return "helped" if (value - other) * sign > 0 else "hurt"


def _cell(metric: str, value: float, other: float, lang: str) -> str:
    v = verdict(metric, value, other)
    return f'<td style="{VERDICT_STYLE[v]}" data-verdict="{v}">{fmt_diff(value - other, metric, lang)}</td>'


def _table(cls: str, head_rows: list[str], rows: list[str], caption: str = "") -> str:
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return (f'<div class="sg-table-wrap"><table class="sg-table {cls}">{cap}<thead>{"".join(head_rows)}</thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


# --------------------------------------------------------------------------------- rounds
def rounds_table(rounds, lang: str, shown: int | None = None) -> str:
    """Year by year during play: each metric for the three paths, and the planned spending."""
    rounds = rounds if shown is None else rounds[:shown]
    top = "".join(f'<th colspan="3">{esc(metric_label(m, lang))}</th>' for m in ROUND_METRICS)
    sub = "".join(f"<th>{esc(charts.path_label(p, lang))}</th>" for _ in ROUND_METRICS for p in PATHS)
    head = [f'<tr><th rowspan="2">{t("year", lang)}</th>{top}<th rowspan="2">{t("cost", lang)}</th></tr>',
            f"<tr>{sub}</tr>"]
    rows = [f"<tr><th>{r.year}</th>" + "".join(f"<td>{fmt(r.results[p][m], m, lang=lang)}</td>"
                                               for m in ROUND_METRICS for p in PATHS)
            + f"<td>{r.cost:,.0f}</td></tr>" for r in rounds]
    return _table("sg-rounds", head, rows)


# -------------------------------------------------------------------------------- debrief
def totals_table(d: Debrief, lang: str) -> str:
    head = "".join(f"<th>{esc(charts.path_label(p, lang))}</th>" for p in PATHS)
    heads = [f'<tr><th>{t("metric", lang)}</th>{head}<th>{t("class", lang)} {t("vs_baseline", lang)}</th>'
             f'<th>{t("class", lang)} {t("vs_reference", lang)}</th></tr>']
    rows = []
    for m in SHOWN:
        tag = t("mean_tag", lang) if m in RATIOS else ""
        vals = "".join(f"<td>{fmt(d.totals[p][m], m, lang=lang)}</td>" for p in PATHS)
        rows.append(f"<tr><th>{esc(metric_label(m, lang))}{tag}</th>{vals}"
                    f"{_cell(m, d.totals['class'][m], d.totals['baseline'][m], lang)}"
                    f"{_cell(m, d.totals['class'][m], d.totals['reference'][m], lang)}</tr>")
    flag = ' class="sg-unspent"' if d.underspent else ""
    rows.append(f"<tr{flag}><th>{t('spent_share', lang)}</th><td>{d.spent_share:.0%}</td><td>–</td><td>–</td>"
                f"<td></td><td></td></tr>")
    return _table("sg-totals", heads, rows)


def by_year_table(d: Debrief, lang: str) -> str:
    judged = [m for m in SHOWN if DIRECTION[m] != 0]
    head = "".join(f"<th>{esc(metric_label(m, lang))}</th>" for m in judged)
    rows = []
    for i, year in enumerate(d.years):
        cells = "".join(_cell(m, d.paths["class"][m][i], d.paths["baseline"][m][i], lang) for m in judged)
        rows.append(f"<tr><th>{year}</th>{cells}</tr>")
    return _table("sg-by-year", [f'<tr><th>{t("year", lang)}</th>{head}</tr>'], rows,
                  f'{t("class", lang)} {t("vs_baseline", lang)}')


def levers_table(d: Debrief, lang: str) -> str:
    metrics = ("deaths", "accidents_larger_or_worse", "compliance_rate", "hazards_per_enterprise")
    head = "".join(f"<th>{esc(metric_label(m, lang))}</th>" for m in metrics)
    rows = []
    base = d.totals["baseline"]
    from sim import params

    for e in d.levers:
        p = params.BY_NAME[e.lever]
        refs = "<br>".join(esc(section_ref(r, lang)) for r in e.paper)
        path = " → ".join(f"{v:.3g}" for v in e.chosen)
        cells = "".join(_cell(m, base[m] + e.effects[m], base[m], lang) for m in metrics)
        other = "" if lang == "zh" else f"<br><small>{esc(p.zh)}</small>"
        rows.append(f"<tr><th>{esc(lever_label(e.lever, lang))}{other}</th>"
                    f"<td>{e.baseline[0]:.3g} ⇒ {path}<br><small>{esc(unit_label(p.unit, lang))}</small></td>"
                    f"<td>{e.extra_cost:+,.0f}</td>{cells}<td class='sg-refs'>{refs}</td></tr>")
    if not rows:
        rows.append('<tr><td colspan="8">–</td></tr>')
    heads = [f'<tr><th>{t("lever", lang)}</th><th>{t("status_quo", lang)} ⇒ {t("class", lang)}</th>'
             f'<th>{t("extra_spending", lang)}</th>{head}<th>{t("paper", lang)}</th></tr>']
    return _table("sg-levers", heads, rows)


def allocations_table(d: Debrief, lang: str) -> str:
    from sim import params

    head = "".join(f"<th>{y}</th>" for y in d.years)
    rows = []
    for k in P.BUDGET_LEVERS:
        cells = "".join(f"<td>{a[k]:.3g}</td>" for a in d.allocations)
        rows.append(f"<tr><th>{esc(lever_label(k, lang))}</th><td>{d.status_quo[0][k]:.3g}</td>{cells}"
                    f"<td>{d.reference_allocation[k]:.3g}</td>"
                    f"<td>{esc(paper_refs(params.BY_NAME[k].paper, lang))}</td></tr>")
    spent = "".join(f"<td>{c:,.0f}</td>" for c in d.spent)
    rows.append(f"<tr><th>{t('cost', lang)}</th><td></td>{spent}<td></td><td></td></tr>")
    heads = [f'<tr><th>{t("lever", lang)}</th><th>{t("status_quo", lang)}</th>{head}'
             f'<th>{t("reference_path", lang)}</th><th>{t("paper", lang)}</th></tr>']
    return _table("sg-alloc", heads, rows)


def lessons_html(d: Debrief, lang: str, notes: bool = False) -> str:
    """The lessons as a list; with ``notes``, each followed by its facilitator note and questions."""
    items = []
    shown_notes: set[str] = set()
    for x in d.lessons(lang):
        extra = ""
        if notes and x["key"] not in shown_notes:
            shown_notes.add(x["key"])
            extra = "".join(_note(n, lang) for n in notes_for([x["key"]], lang))
        items.append(f'<li class="sg-lesson" data-kind="{x["kind"]}" data-verdict="{x["verdict"]}">'
                     f'{esc(x["text"])}{extra}</li>')
    return f'<ol class="sg-lessons">{"".join(items)}</ol>'


def _note(n: dict, lang: str) -> str:
    qs = "".join(f"<li>{esc(q)}</li>" for q in n["questions"])
    sep = "：" if lang == "zh" else ": "
    return (f'<div class="sg-fnote" data-key="{n["key"]}"><b>{esc(n["title"])}</b><br>'
            f'{t("note_label", lang)}{sep}{esc(n["note"])}'
            f'<div class="sg-questions"><b>{t("questions", lang)}</b><ul>{qs}</ul></div></div>')


def notes_html(keys: list[str], lang: str) -> str:
    return "".join(_note(n, lang) for n in notes_for(keys, lang))


def chance_table(check, lang: str) -> str:
    """Paired intervals of class minus baseline / reference over other chance events."""
    rows = []
    for r in check.rows:
        m = r["metric"]
        lo, hi = r["ci_low"], r["ci_high"]
        sure = not (lo <= 0 <= hi) if lo == lo and hi == hi else False
        v = ("helped" if (r["diff"] * DIRECTION[m]) > 0 else "hurt") if sure else "neutral"
        vs = t("vs_baseline" if r["against"] == "baseline" else "vs_reference", lang)
        rows.append(f'<tr><th>{esc(metric_label(m, lang))} {esc(vs)}</th>'
                    f'<td>{fmt_diff(r["played"], m, lang)}</td><td>{fmt_diff(r["diff"], m, lang)}</td>'
                    f'<td style="{VERDICT_STYLE[v]}" data-verdict="{v}">'
                    f'[{fmt_diff(lo, m, lang)}, {fmt_diff(hi, m, lang)}]</td><td>{r["n"]}</td></tr>')
    heads = [f'<tr><th>{t("metric", lang)}</th><th>{t("played", lang)}</th><th>{t("mean_diff", lang)}</th>'
             f'<th>{t("interval", lang)}</th><th>{t("n_draws", lang)}</th></tr>']
    return _table("sg-chance", heads, rows)


def figures(d: Debrief, prices, lang: str, scale: float = 1.0) -> dict[str, str]:
    return {
        "paths": charts.grid(charts.exercise_charts(d.years, d.paths, lang, scale=scale), "sg-debrief-charts", scale),
        "allocation": charts.allocation_chart(d.years, d.allocations, d.reference_allocation,
                                              lambda a: P.line_costs(a, prices), d.budget, lang, scale),
        "levers": charts.lever_effects_chart(d.levers, lang, scale),
    }


# ------------------------------------------------------------------------------ class
def team_rows(room, lang: str) -> tuple[int, str]:
    """The teams side by side over the years every team has revealed: totals and differences."""
    teams = [tm for tm in room.team_list() if room.visible(tm) > 0]
    n = min((room.visible(tm) for tm in teams), default=0)
    if not teams or n == 0:
        return 0, ""
    metrics = ("deaths", "accidents_larger_or_worse", "compliance_rate")
    first = teams[0].exercise()
    base = {m: _tot(m, first.series(m, n)["baseline"]) for m in metrics}
    ref = {m: _tot(m, first.series(m, n)["reference"]) for m in metrics}
    budget = first.budget
    top = "".join(f'<th colspan="2">{esc(metric_label(m, lang))}</th>' for m in metrics)
    sub = "".join(f"<th>{t('sum', lang)}</th><th>{t('vs_baseline', lang)}</th>" for _ in metrics)
    heads = [f'<tr><th rowspan="2">{t("team", lang)}</th>{top}<th rowspan="2">{t("spent_share", lang)}</th>'
             f'<th rowspan="2">{t("undos", lang)}</th></tr>', f"<tr>{sub}</tr>"]
    rows = []
    for tm in teams:
        ex = tm.exercise()
        vals = {m: _tot(m, ex.series(m, n)["class"]) for m in metrics}
        cells = "".join(f"<td>{fmt(vals[m], m, lang=lang)}</td>{_cell(m, vals[m], base[m], lang)}" for m in metrics)
        spent = float(np.mean([r.cost for r in ex.rounds[:n]])) / budget
        flag = ' class="sg-unspent"' if spent < P.UNSPENT_FLAG else ""
        rows.append(f'<tr data-team="{esc(tm.name)}"><th>{esc(tm.name)}</th>{cells}<td{flag}>{spent:.0%}</td>'
                    f"<td>{tm.record.undone}</td></tr>")
    for path, vals in (("baseline", base), ("reference", ref)):
        cells = "".join(f"<td>{fmt(vals[m], m, lang=lang)}</td><td></td>" for m in metrics)
        rows.append(f"<tr><th>{esc(charts.path_label(path, lang))}</th>{cells}<td></td><td></td></tr>")
    return n, _table("sg-teams", heads, rows)


def _tot(metric: str, values: list[float]) -> float:
    from .rounds import total

    return total(metric, values)


def teams_effects_table(room, lang: str) -> str:
    """Each team's single-choice effects on deaths (their debriefs; computed on request)."""
    from sim import params

    teams = [tm for tm in room.team_list() if room.visible(tm) > 0]
    debriefs = {tm.name: tm.exercise().debrief() for tm in teams}
    levers = [k for k in P.BUDGET_LEVERS if any(e.lever == k for d in debriefs.values() for e in d.levers)]
    head = "".join(f"<th>{esc(lever_label(k, lang))}</th>" for k in levers)
    rows = []
    for name, d in debriefs.items():
        eff = {e.lever: e.effects["deaths"] for e in d.levers}
        base = d.totals["baseline"]["deaths"]
        cells = "".join(_cell("deaths", base + eff[k], base, lang) if k in eff else "<td>–</td>" for k in levers)
        rows.append(f"<tr><th>{esc(name)}</th>{cells}</tr>")
    refs = "".join(f"<td>{esc(paper_refs(params.BY_NAME[k].paper, lang))}</td>" for k in levers)
    rows.append(f"<tr><th>{t('paper', lang)}</th>{refs}</tr>")
    return _table("sg-team-effects", [f"<tr><th>{t('team', lang)}</th>{head}</tr>"], rows)


# ------------------------------------------------------------------------------ documents
CSS = """
body{font-family:'Noto Sans CJK SC','Noto Sans SC','Microsoft YaHei','PingFang SC',sans-serif;margin:2em;
     max-width:1200px;color:#222;line-height:1.5}
h1{font-size:24px} h2{font-size:19px;margin-top:1.4em}
.sg-table-wrap{overflow-x:auto}
table.sg-table{border-collapse:collapse;margin:0.6em 0 1.2em}
.sg-table th,.sg-table td{border:1px solid #ccc;padding:3px 8px;text-align:right;font-size:14px;white-space:nowrap}
.sg-table th{background:#f4f4f4;text-align:left}
.sg-table caption{text-align:left;font-weight:bold}
.sg-table td.sg-refs{text-align:left;white-space:normal;min-width:12em}
.sg-unspent,.sg-unspent td{background:#fff3cd}
.sg-warn{background:#fff3cd;border-left:4px solid #e0a800;padding:6px 10px}
.sg-lesson{margin:0.5em 0}
.sg-lesson[data-verdict=helped]{border-left:4px solid #2ca02c;padding-left:6px}
.sg-lesson[data-verdict=hurt]{border-left:4px solid #d62728;padding-left:6px}
.sg-fnote{margin:0.3em 0 0.6em 1em;padding:6px 10px;background:#eef3fb;border-left:3px solid #1f77b4;font-size:14px}
.sg-charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(var(--sg-chart-min,330px),1fr));gap:8px}
figure.sg-chart{margin:0;max-width:440px}
figure.sg-chart.sg-wide{max-width:900px}
figure.sg-chart svg{width:100%;height:auto}
@media print{
  body{margin:0;max-width:none;font-size:11pt}
  h1,h2,h3,caption{break-after:avoid;page-break-after:avoid}
  section{break-before:auto}
  .sg-table-wrap{overflow:visible}
  table.sg-table{break-inside:auto}
  thead{display:table-header-group}
  tr,figure.sg-chart,.sg-fnote,.sg-lesson{break-inside:avoid;page-break-inside:avoid}
  .sg-table th,.sg-table td{font-size:9.5pt;padding:2px 5px}
  .sg-charts{grid-template-columns:repeat(2,1fr)}
  .no-print{display:none}
}
"""


def _doc(title: str, lang: str, body: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="{'zh-CN' if lang == 'zh' else 'en'}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>{esc(title)}</title>
<style>{CSS}</style></head><body>
{body}
</body></html>
"""


def _section(title: str, content: str, cls: str = "") -> str:
    return f'<section class="{cls}"><h2>{esc(title)}</h2>{content}</section>'


def _chance_section(chance, lang: str) -> str:
    if chance is None:
        return ""
    note = t("chance_note", lang, n=len(chance.replicates) - 1)
    return _section(t("chance_title", lang), f"<p>{esc(note)}</p>{chance_table(chance, lang)}")


def debrief_body(d: Debrief, prices, lang: str, chance=None, notes: bool = False, scale: float = 1.0) -> str:
    """The debrief's sections (shared by the page export and the class report)."""
    figs = figures(d, prices, lang, scale)
    warn = ""
    if d.underspent:
        left = d.budget - float(np.mean(d.spent))
        warn = f'<p class="sg-warn sg-unspent-flag">{esc(t("unspent_flag", lang, share=d.spent_share, left=left))}</p>'
    return "".join([
        warn,
        _section(t("totals", lang), totals_table(d, lang) + figs["paths"]),
        _section(t("by_year", lang), by_year_table(d, lang)),
        _section(t("by_lever", lang), levers_table(d, lang) + figs["levers"]),
        _chance_section(chance, lang),
        _section(t("lessons", lang), lessons_html(d, lang, notes=notes)),
        _section(t("allocate", lang), allocations_table(d, lang) + figs["allocation"]),
    ])


def meta_line(settings, budget: float, lang: str, team: str = "", klass: str = "") -> str:
    from . import world as W

    when = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    parts = [p for p in (klass, team) if p]
    parts += [role_label(settings.role, lang),
              f"{t('scenario', lang)}：{scenario_title(W.scenario(settings.scenario), lang)}" if lang == "zh" else
              f"{t('scenario', lang)}: {scenario_title(W.scenario(settings.scenario), lang)}",
              f"{t('budget', lang)}：{budget:,.0f}" if lang == "zh" else f"{t('budget', lang)}: {budget:,.0f}", when]
    return " · ".join(esc(p) for p in parts)


def debrief_html(d: Debrief, prices, lang: str, chance=None, team: str = "", klass: str = "") -> str:
    """A team's debrief as one self-contained HTML document (no seed or replicate: a trainee's record)."""
    s = d.settings
    head = (f"<h1>{esc(t('title', lang))}：{esc(t('debrief', lang))}</h1>" if lang == "zh" else
            f"<h1>{esc(t('title', lang))}: {esc(t('debrief', lang))}</h1>")
    body = (head + f"<p>{meta_line(s, d.budget, lang, team, klass)}</p>"
            f"<p>{esc(t('same_draws', lang))}</p><p>{esc(reference_text(d.reference, s.reference, lang))}</p>"
            + debrief_body(d, prices, lang, chance))
    return _doc(f"{t('debrief', lang)} · {klass} {team}", lang, body)


def class_html(room, lang: str) -> str:
    """The facilitator's class report: technical details, the teams side by side, every finished
    team's debrief with the facilitator notes and discussion questions."""
    s = room.settings
    teams = [tm for tm in room.team_list() if room.visible(tm) > 0]
    first = teams[0].exercise() if teams else None
    setup = first.scenario.setup if first else None
    tech = (t("crn_tech", lang, seed=s.seed, rep=s.replicate, agents=setup.agents,
              firms=round(setup.agents * setup.enterprises_per_agent)) if setup else "")
    n, table = team_rows(room, lang)
    parts = [f"<h1>{esc(t('facilitator', lang))}：{esc(room.record.name)}</h1>" if lang == "zh" else
             f"<h1>{esc(t('facilitator', lang))}: {esc(room.record.name)}</h1>",
             f"<p>{meta_line(s, first.budget if first else s.budget, lang, klass=room.record.name)}</p>",
             _section(t("technical", lang), f"<p>{esc(tech)}</p>")]
    if n:
        years = [first.start_year + k for k in range(n)]
        chart = charts.teams_chart(years, {tm.name: tm.exercise().series("deaths", n)["class"] for tm in teams},
                                   first.series("deaths", n)["baseline"], first.series("deaths", n)["reference"], lang)
        parts.append(_section(t("side_by_side", lang, n=n), table + chart))
    for tm in teams:
        ex = tm.exercise()
        if ex.finished and room.visible(tm) >= ex.years:
            parts.append(f'<section class="sg-team-debrief"><h2>{esc(tm.name)}</h2>'
                         + debrief_body(ex.debrief(), ex.prices, lang, notes=True) + "</section>")
    return _doc(f"{t('facilitator', lang)} · {room.record.name}", lang, "".join(parts))
