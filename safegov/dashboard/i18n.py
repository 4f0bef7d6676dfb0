"""Bilingual strings of the dashboard (中文 / English).

Lever labels, units, anchors and paper sections come from the one declaration (``sim.params``),
outcome labels from ``sim.outcomes``, city names from the divisions table and scenario titles
from each file's ``title_zh``; this module holds the words of the interface, the titles of the
paper's sections (孙运宏, 江苏推进安全生产治理现代化的难点与对策) in the paper's own
numbering, and the rules that keep the Chinese view Chinese (full-width punctuation, 百分点).
"""

from __future__ import annotations

import os
import re
from functools import lru_cache

from sim import outcomes, params
from sim.jurisdiction import REGION_ZH, load_divisions

LANGS = ("zh", "en")
DEFAULT_LANG_ENV = "SAFEGOV_DASHBOARD_LANG"

#: Paper sections: MODEL_BRIEF ref -> (English title, Chinese title). The paper numbers its two
#: parts 一 (difficulties) and 二 (countermeasures), and the sections inside them （一）...（六）.
SECTIONS = {
    "1.1": ("Safety mindset not yet firm (development first, formality, personal ties)", "安全生产理念还不够牢固"),
    "1.2": ("Supervision system and mechanisms need improving", "安全生产监管体制机制亟待完善"),
    "1.3": ("Enterprises' primary responsibility falls short", "企业主体责任落实仍有差距"),
    "1.4": ("Risks in key sectors cannot be ignored", "重点行业领域风险不容忽视"),
    "1.5": ("Informatisation of safety governance lags", "安全生产治理的信息化水平有待提升"),
    "2.1": ("Organisation led by party building", "推动安全生产治理党建引领的组织化"),
    "2.2": ("Integration of many actors", "实现安全生产治理多元融合的集成化"),
    "2.3": ("Intelligence supported by information", "打造安全生产治理信息支撑的智能化"),
    "2.4": ("Grid governance reaching the grassroots", "创新安全生产治理覆盖基层的网格化"),
    "2.5": ("Professional, science-based supervision", "提升安全生产治理科学监督的专业化"),
    "2.6": ("Rule of law in institution building", "增强安全生产治理制度建设的法治化"),
}
ZH_NUMERALS = "〇一二三四五六七八九十"
ROMAN = {1: "I", 2: "II"}

#: Labels of dashboard-only read-outs (map colours); every other metric label is ``sim.outcomes``'.
EXTRA_METRICS = {
    "deaths_per_100k": ("Deaths per 100k enterprises", "每十万户企业死亡人数"),
    "accidents_per_10k": ("Accidents per 10k enterprises", "每万户企业事故起数"),
    "inspection_coverage": ("Inspections per enterprise", "户均执法检查次数"),
    "penalty_share": ("Penalty cases per inspection", "检查立案率"),
    "zero_penalty": ("Inspected but no penalty case (1 = yes)", "有检查无处罚（1＝是）"),
}

UNIT_ZH = {
    "share": "比例", "index": "指数（0–1）", "persons per county": "人/县", "share of capacity": "占执法力量比例",
    "share of inspections": "占检查比例", "probability": "概率", "share per year": "每年比例",
    "x avoided cost": "倍（违法省下的成本）", "months": "个月", "persons per grid": "人/网格",
    "share of chemical firms": "占危化品企业比例",
}

UI = {
    "title": ("safegov training dashboard", "安全生产治理培训沙盘"),
    "subtitle": ("Agent-based model of work-safety governance in Jiangsu", "江苏安全生产治理现代化多主体仿真"),
    "explore": ("Explore", "探索模式"),
    "exercise": ("Exercise", "演练模式"),
    "presenter": ("Presenter mode", "投影模式"),
    "scenario": ("Scenario", "情景"),
    "seed": ("Seed", "随机种子"),
    "trainer_options": ("Trainer options", "培训师选项"),
    "seed_note": ("The seed fixes the chance events (which firms have accidents); the baseline uses the same.",
                  "随机种子决定偶然事件（哪些企业发生事故）；基准使用同一个随机种子。"),
    "step": ("Step 1 month", "运行1个月"),
    "run_year": ("Run 1 year", "运行1年"),
    "run_all": ("Run to end", "运行到结束"),
    "reset": ("Reset", "重置"),
    "restore": ("Scenario values", "恢复情景取值"),
    "levers": ("Policy levers", "政策杠杆"),
    "levers_note": ("Changes apply from the next month; Reset restarts the world with the current values from "
                    "month 1.", "修改自下个月起生效；“重置”则以当前取值从第1个月重新开始。"),
    "pending": ("Takes effect from {year}-{month:02d}: {items}", "将自{year}年{month}月起生效：{items}"),
    "small_world": ("Smaller world for interactive use: {agents:,} enterprise agents, each standing for "
                    "{per:g} enterprises ({firms:,} in all; the scenario file has {orig_agents:,} agents).",
                    "为便于交互，使用较小的仿真规模：{agents:,}个企业主体，每个代表{per:g}家企业（共{firms:,}家；"
                    "情景文件为{orig_agents:,}个主体）。"),
    "status": ("{year}, month {month} · simulated month {m} of {total}", "{year}年{month}月 · 第{m}/{total}个仿真月"),
    "charts": ("Province, month by month", "全省逐月结果"),
    "baseline_note": ("Red: your run. Grey dashed: the baseline, the same scenario with no change and exactly the "
                      "same chance events; the gap between the two is what your changes did. Purple dotted lines "
                      "mark your changes.",
                      "红色实线为您的方案；灰色虚线为基准，即同一情景、不作任何调整、经历完全相同的偶然事件，两者之差就是调整的效果。"
                      "紫色点线标出您调整杠杆的时间和取值。"),
    "your_run": ("your run", "您的方案"),
    "baseline_line": ("baseline (same chance events)", "基准（相同偶然事件）"),
    "map": ("Schematic map of cities and counties", "设区市与县（市、区）示意图"),
    "map_metric": ("Map colour", "地图着色指标"),
    "map_note": ("Schematic, not to scale: cities placed roughly north to south, counties as tiles; last 12 "
                 "simulated months.", "示意图，非实际比例：设区市大致按南北排列，县（市、区）为方块；最近12个月。"),
    "chart_deaths": ("Deaths per month", "每月死亡人数"),
    "chart_gap": ("Deaths so far: your run minus baseline", "累计死亡人数：您的方案减基准"),
    "chart_accidents": ("Accidents per month", "每月事故起数"),
    "chart_compliance": ("Compliance rate (%)", "守法率（%）"),
    "chart_hazards": ("Hidden hazards per enterprise", "户均事故隐患"),
    "chart_enforcement": ("Penalty cases per month", "每月立案处罚"),
    "chart_larger": ("Larger-or-worse accidents so far", "累计较大及以上事故"),
    "fewer": ("below 0: fewer deaths", "低于0：死亡减少"),
    "no_data": ("Run the model to see results.", "运行模型后显示结果。"),
    "low": ("low", "低"),
    "middle": ("middle", "中"),
    "high": ("high", "高"),
    "unit": ("unit", "单位"),
    "range": ("range", "范围"),
    "paper_at": ("paper {refs}", "论文{refs}"),
    # ------------------------------------------------------------------ exercise: home
    "home_note": ("A trainer opens a class; teams join it with its class code, each on its own device. "
                  "Progress is saved after every year.",
                  "培训师开设班级，各队在自己的设备上凭班级码加入。每运行一年都会自动保存进度。"),
    "trainer": ("Trainer: open a class", "培训师：开设班级"),
    "class_name": ("Class name", "班级名称"),
    "class_name_default": ("Training class", "培训班"),
    "role": ("Committee", "扮演的安委会"),
    "province": ("Provincial committee (Jiangsu)", "省安委会（江苏）"),
    "city_committee": ("City committee: {city}", "{city}市安委会"),
    "budget": ("Annual budget (10k CNY)", "年度预算（万元）"),
    "budget_auto": ("0 = the status-quo spending of the scenario plus 10%", "0＝情景现有投入再增加10%"),
    "reference": ("Reference policy", "参照政策"),
    "seed_trainer": ("Seed (the same for every team)", "随机种子（各队相同）"),
    "hold": ("Hold each year's results until every team has committed", "各队都提交后再公布每年结果"),
    "create_class": ("Open the class", "开设班级"),
    "start": ("Start with one team now", "单队直接开始"),
    "join_title": ("Team: join a class", "学员：加入班级"),
    "class_code": ("Class code", "班级码"),
    "team_name": ("Team name", "队名"),
    "join": ("Join", "加入"),
    "join_note": ("Joining again with the same team name continues that team's exercise.",
                  "用同一队名再次加入，即可继续该队的演练。"),
    "resume_title": ("Continue a saved exercise", "继续已保存的演练"),
    "resume_code": ("Resume code", "恢复码"),
    "resume": ("Continue", "继续演练"),
    "import": ("Import a saved exercise file", "导入保存的演练文件"),
    "imported": ("Imported as a new exercise.", "已导入为新的演练。"),
    # ------------------------------------------------------------------ exercise: team
    "team_banner": ("{klass} · team {team}", "{klass} · 队伍：{team}"),
    "solo_team": ("Our team", "本队"),
    "resume_info": ("Resume code {code}: reload the page or enter the code on any device to continue.",
                    "恢复码 {code}：刷新页面，或在任何设备上输入恢复码即可继续。"),
    "undo": ("Undo last year", "撤销上一年"),
    "undo_title": ("Undo the last year?", "撤销上一年？"),
    "undo_text": ("The world is rebuilt and the earlier years replayed; the undone year's choices are "
                  "shown again.", "将重建仿真并重放此前各年；被撤销一年的分配方案会重新显示，可以修改后再提交。"),
    "undos": ("Years undone", "撤销次数"),
    "sum": ("total", "合计"),
    "undone_count": ("Years undone: {n}", "已撤销{n}次"),
    "export_session": ("Save exercise file", "保存演练文件"),
    "restart": ("New exercise", "重新开始"),
    "restart_title": ("Leave this exercise?", "离开本次演练？"),
    "restart_text": ("Your progress stays saved; the resume code {code} brings it back.",
                     "进度已保存，可凭恢复码 {code} 找回。"),
    "ok": ("OK", "确定"),
    "cancel": ("Cancel", "取消"),
    "waiting": ("Year {n} committed. Waiting for the other teams ({done} of {teams} committed) or for the "
                "trainer to reveal the results.", "第{n}年已提交。等待其他队提交（已提交{done}/{teams}队）或培训师公布结果。"),
    "year_n": ("Year {n} of {total} ({year})", "第{n}/{total}年（{year}年）"),
    "allocate": ("Allocate this year's budget", "分配本年度预算"),
    "cost": ("Cost", "费用"),
    "cost_line": ("cost {cost:,.0f}", "费用 {cost:,.0f} 万元"),
    "spent": ("Planned spending: {cost:,.0f} of {budget:,.0f} (10k CNY)", "计划支出：{cost:,.0f}／{budget:,.0f} 万元"),
    "left": ("Unallocated: {left:,.0f} ({share:.0%} of the budget)", "尚未分配：{left:,.0f} 万元（占预算{share:.0%}）"),
    "over": ("Over budget by {over:,.0f}: lower some items or scale to budget.",
             "超出预算 {over:,.0f} 万元：请调低部分投入或按预算等比例缩减。"),
    "budget_low": ("The budget {budget:,.0f} is below the cheapest allocation, {minimum:,.0f} (10k CNY per year).",
                   "年度预算 {budget:,.0f} 万元低于最低投入 {minimum:,.0f} 万元。"),
    "scale": ("Scale to budget", "按预算缩减"),
    "commit": ("Commit and run the year", "确定并运行本年"),
    "results": ("Results so far", "历年结果"),
    "class": ("Your team", "本队方案"),
    "baseline": ("Baseline", "基准"),
    "reference_path": ("Reference", "参照政策"),
    "same_draws": ("All three paths face exactly the same chance events (the same accident chances), so the "
                   "differences come from the choices, not from luck.",
                   "三条路径经历完全相同的偶然事件（同样的事故机会），因此差异来自决策，而不是运气。"),
    "ref_full": ("Reference policy: “{name}” as it is ({cost:,.0f} per year, within the budget).",
                 "参照政策：“{name}”情景的投入配置，原样采用（每年{cost:,.0f}万元，在预算之内）。"),
    "ref_part": ("Reference policy: the status quo moved {share:.0%} of the way toward “{name}” (all of it would "
                 "cost {cost:,.0f} per year, over the budget).",
                 "参照政策：从现状向“{name}”情景的投入配置推进了{share:.0%}（全部采用每年需{cost:,.0f}万元，超出预算）。"),
    "ref_near": (" It is therefore close to the status quo.", "因此参照政策与现状相差不大。"),
    "ref_scaled": ("Reference policy: the status quo is over this budget and is scaled down to it.",
                   "参照政策：现状投入已超出预算，按预算等比例缩减。"),
    "ref_changes": ("Changes from the status quo: {items}.", "与现状相比：{items}。"),
    "ref_none": ("No change from the status quo.", "与现状相同。"),
    # ------------------------------------------------------------------ debrief
    "debrief": ("Debrief", "复盘"),
    "export": ("Export debrief (web page)", "导出复盘报告（网页）"),
    "done": ("All years done: the debrief compares your path with the baseline and the reference policy on "
             "the same chance events.", "演练结束：复盘在相同偶然事件下比较本队方案、基准与参照政策。"),
    "helped": ("helped", "有益"),
    "hurt": ("hurt", "不利"),
    "neutral": ("no clear effect", "无明显影响"),
    "lessons": ("Lessons, tied to the paper", "经验教训（对应论文章节）"),
    "by_year": ("Year by year", "逐年比较"),
    "by_lever": ("Which choices helped or hurt (each change alone, same chance events)",
                 "哪些决策有益或不利（单项调整，相同偶然事件）"),
    "totals": ("Totals over the years played", "各年合计"),
    "metric": ("Metric", "指标"),
    "year": ("Year", "年份"),
    "lever": ("Lever", "杠杆"),
    "vs_baseline": ("vs baseline", "对比基准"),
    "vs_reference": ("vs reference", "对比参照"),
    "paper": ("Paper", "论文"),
    "status_quo": ("status quo", "现状"),
    "extra_spending": ("extra spending (10k CNY)", "投入变化（万元）"),
    "spent_share": ("Budget spent", "预算使用率"),
    "mean_tag": ("(mean)", "（年均）"),
    "unspent_flag": ("Your team spent {share:.0%} of its budget ({left:,.0f} per year left unspent): compare with "
                     "the reference policy, which spends up to the budget, with that in mind.",
                     "本队只使用了预算的{share:.0%}（每年平均未用{left:,.0f}万元）：与用满预算的参照政策比较时请注意这一点。"),
    "error": ("Input error", "输入错误"),
    "chance": ("Is it luck? Recompute under {n} other sets of chance events", "是运气吗？换{n}组偶然事件再算一遍"),
    "chance_title": ("Against chance: the differences under other chance events (95% range)",
                     "与偶然因素比较：换一组偶然事件后的差值（95%区间）"),
    "chance_note": ("The three paths recomputed under {n} other sets of chance events (and this one); a range that "
                    "excludes 0 means the difference is not luck.",
                    "三条路径在另外{n}组偶然事件下重新计算（连同本次）；区间不含0，说明差异不是运气造成的。"),
    "played": ("this exercise", "本次演练"),
    "mean_diff": ("mean difference", "平均差值"),
    "interval": ("95% range", "95%区间"),
    "n_draws": ("sets of events", "偶然事件组数"),
    "points": ("pp", "百分点"),
    "lever_changed": ("changed", "调整"),
    # ------------------------------------------------------------------ facilitator
    "facilitator": ("Facilitator view", "培训师视图"),
    "fac_open": ("Open the facilitator view", "进入培训师视图"),
    "fac_code": ("Class code {code}", "班级码 {code}"),
    "fac_howto": ("Teams open this page on their own device, choose Exercise and join with the class code and "
                  "a team name.", "学员在自己的设备上打开本页，进入“演练模式”，输入班级码和队名即可加入。"),
    "fac_link": ("This page's address is the facilitator link: keep it to yourself.",
                 "本页地址即培训师链接，请勿分享给学员。"),
    "fac_key": ("Facilitator key {key}", "培训师密钥 {key}"),
    "technical": ("Technical details", "技术说明"),
    "crn_tech": ("Every team, the baseline and the reference policy run with seed {seed} and replicate {rep}: "
                 "common random numbers, so differences between them come from choices, not luck. World: "
                 "{agents:,} agents standing for {firms:,} enterprises.",
                 "所有队伍、基准与参照政策使用相同的随机种子（{seed}）和重复编号（{rep}）：共同随机数，"
                 "差异来自决策而非运气。仿真规模：{agents:,}个主体，代表{firms:,}家企业。"),
    "progress": ("Teams", "各队进度"),
    "team": ("Team", "队伍"),
    "years_done": ("Years committed", "已提交年数"),
    "shown_years": ("Results shown", "已公布年数"),
    "updated": ("Last change", "最近更新"),
    "hold_on": ("Results are held until every team has committed (or you reveal them).",
                "各队都提交后才公布结果（也可由培训师提前公布）。"),
    "release": ("Reveal the results now", "立即公布结果"),
    "no_teams": ("No team has joined yet.", "尚无队伍加入。"),
    "side_by_side": ("Teams side by side (same chance events, first {n} years)",
                     "各队对比（相同偶然事件，前{n}年）"),
    "teams_chart": ("Deaths per year", "每年死亡人数"),
    "effects_teams": ("Each choice on its own, by team (deaths, first {n} years)",
                      "各队单项决策对死亡人数的效果（前{n}年）"),
    "compute_effects": ("Compute each team's single-choice effects", "计算各队单项决策效果"),
    "notes": ("Facilitator notes and discussion questions", "培训师提示与讨论问题"),
    "note_label": ("For the facilitator", "提示"),
    "questions": ("Discussion", "讨论问题"),
    "export_class": ("Export the class debrief (web page)", "导出班级复盘报告（网页）"),
    "replayed_changed": ("The model changed since these years were played: the numbers shown are the current "
                         "model's.", "模型在演练后有更新：所示数字按当前模型重新计算。"),
    "not_found": ("No exercise with the code {code}.", "未找到代码为 {code} 的演练。"),
    "bad_code": ("A code has digits only; got {code!r}.", "代码只含数字，收到的是“{code}”。"),
    "bad_team": ("A team name needs 1 to 20 characters.", "队名须为1至20个字符。"),
    "locked": ("The results of this year have been revealed; it can no longer be undone.",
               "本年结果已公布，不能再撤销。"),
    "not_revealed": ("Wait until the results of the last year are revealed.", "请等待上一年结果公布后再提交。"),
    "bad_file": ("Not an exercise file: {why}", "不是有效的演练文件：{why}"),
    "loading": ("Restoring the exercise…", "正在恢复演练……"),
}


def default_lang() -> str:
    lang = os.environ.get(DEFAULT_LANG_ENV, "zh")
    return lang if lang in LANGS else "zh"


def t(key: str, lang: str, /, **kwargs) -> str:
    en, zh = UI[key]
    text = zh if lang == "zh" else en
    return text.format(**kwargs) if kwargs else text


def zh_punct(text: str) -> str:
    """Full-width brackets and semicolons in Chinese text from other tables (labels, titles)."""
    return text.replace("(", "（").replace(")", "）").replace(";", "；")


def metric_label(name: str, lang: str) -> str:
    """A metric's label: ``sim.outcomes`` for declared outcomes, EXTRA_METRICS for map read-outs."""
    if name in EXTRA_METRICS:
        en, zh = EXTRA_METRICS[name]
    else:
        o = outcomes.BY_NAME.get(name)
        if o is None:
            return name.replace("_", " ")
        en, zh = o.label, o.zh
    return zh_punct(zh) if lang == "zh" else en


def lever_label(name: str, lang: str) -> str:
    p = params.BY_NAME[name]
    return zh_punct(p.zh) if lang == "zh" else p.label


def unit_label(unit: str, lang: str) -> str:
    return UNIT_ZH.get(unit, unit) if lang == "zh" else unit


def section_number(ref: str, lang: str) -> str:
    """The paper's own numbering of a MODEL_BRIEF ref: '1.2' -> '一（二）' (zh) or 'I(2)' (en)."""
    m = re.fullmatch(r"(\d)\.(\d)", ref.strip())
    if not m:
        return ref
    part, sec = int(m.group(1)), int(m.group(2))
    if lang == "zh":
        return f"{ZH_NUMERALS[part]}（{ZH_NUMERALS[sec]}）"
    return f"{ROMAN.get(part, part)}({sec})"


def section_title(ref: str, lang: str) -> str:
    en, zh = SECTIONS.get(ref, (ref, ref))
    return zh if lang == "zh" else en


def section_ref(ref: str, lang: str, title: bool = True) -> str:
    """'一（二）安全生产监管体制机制亟待完善' / 'I(2) Supervision system ...'."""
    num = section_number(ref, lang)
    if not title:
        return num
    return f"{num}{section_title(ref, lang)}" if lang == "zh" else f"{num} {section_title(ref, lang)}"


def sections_of(paper: str) -> list[str]:
    """'1.1, 2.6' -> ['1.1', '2.6']."""
    return [s.strip() for s in paper.split(",") if s.strip()]


def paper_refs(paper: str, lang: str, title: bool = False) -> str:
    sep = "、" if lang == "zh" else ", "
    return sep.join(section_ref(r, lang, title) for r in sections_of(paper))


def lever_caption(name: str, lang: str) -> str:
    """Unit, bounds and paper sections: '单位：人/县 · 范围 2–120 · 论文一（二）'."""
    p = params.BY_NAME[name]
    unit = unit_label(p.unit, lang)
    if lang == "zh":
        return (f"{t('unit', lang)}：{unit} · {t('range', lang)} {_num(p.low)}–{_num(p.high)} · "
                f"{t('paper_at', lang, refs=paper_refs(p.paper, lang))}")
    return f"{unit} · {t('range', lang)} {_num(p.low)}–{_num(p.high)} · {t('paper_at', lang, refs=paper_refs(p.paper, lang))}"


def _num(x: float) -> str:
    return f"{x:g}"


def lever_anchors(name: str, lang: str) -> list[tuple[str, float, str]]:
    """[(low|middle|high word, value, wording)] from the declaration's anchors."""
    p = params.BY_NAME[name]
    if not p.anchors:
        return []
    words = p.anchors[1] if lang == "zh" else p.anchors[0]
    keys = ("low", "middle", "high")
    return [(t(k, lang), v, w) for k, v, w in zip(keys, p.anchor_values(), words, strict=True)]


def nearest_anchor(name: str, value: float) -> int:
    """Index (0 low, 1 middle, 2 high) of the anchor closest to a value."""
    vals = params.BY_NAME[name].anchor_values()
    return min(range(3), key=lambda i: abs(vals[i] - value))


@lru_cache(maxsize=1)
def _city_zh() -> dict[str, str]:
    return {r.city: r.city_zh for r in load_divisions()}


def city_label(city: str, lang: str) -> str:
    return _city_zh().get(city, city) if lang == "zh" else {"Huaian": "Huai'an"}.get(city, city)


def role_label(role: str, lang: str) -> str:
    if role == "province":
        return t("province", lang)
    return t("city_committee", lang, city=city_label(role, lang))


def scenario_title(sc, lang: str) -> str:
    """A scenario's title in the language, paper refs such as '2.4 ' in the paper's numbering."""
    title = (sc.title_zh if lang == "zh" else sc.title) or sc.title or sc.name
    m = re.match(r"^(\d\.\d)\s+(.*)$", title)
    if m:
        title = (f"{section_number(m.group(1), lang)}{m.group(2)}" if lang == "zh"
                 else f"{section_number(m.group(1), lang)} {m.group(2)}")
    return zh_punct(title) if lang == "zh" else title


def region_label(region: str, lang: str) -> str:
    return REGION_ZH[region] if lang == "zh" else {"south": "Southern", "central": "Central",
                                                   "north": "Northern"}[region]


def signed_points(x: float, lang: str) -> str:
    """A difference of shares in percentage points: '+1.2 百分点' / '+1.2 pp'."""
    return f"{100 * x:+.1f} {t('points', lang)}"
