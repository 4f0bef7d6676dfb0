"""Bilingual strings of the dashboard (中文 / English).

Lever labels, units and paper sections come from the one declaration (``sim.params``); this
module only holds the words of the interface, metric labels and the titles of the paper's
sections (孙运宏, 江苏推进安全生产治理现代化的难点与对策).
"""

from __future__ import annotations

import os

from sim import params
from sim.jurisdiction import REGION_ZH
from sim.metrics import ZH as METRIC_ZH

LANGS = ("zh", "en")
DEFAULT_LANG_ENV = "SAFEGOV_DASHBOARD_LANG"

#: Paper sections (MODEL_BRIEF): difficulties (一) and countermeasures (二).
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

METRIC_EN = {
    "deaths": "Deaths", "accidents": "Accidents", "accidents_general": "General accidents",
    "accidents_larger": "Larger accidents", "accidents_major": "Major accidents",
    "accidents_especially_major": "Especially major accidents",
    "accidents_larger_or_worse": "Larger-or-worse accidents", "compliance_rate": "Compliance rate",
    "hazards_per_enterprise": "Hidden hazards per enterprise", "inspections": "Inspections",
    "penalty_cases": "Penalty cases", "enforcement_cost_10k_cny": "Enforcement cost (10k CNY)",
    "committee_priority": "Committee safety priority", "zero_penalty_counties": "Counties inspecting, never penalising",
    "deaths_per_100k": "Deaths per 100k enterprises", "accidents_per_10k": "Accidents per 10k enterprises",
    "inspection_coverage": "Inspections per enterprise", "penalty_share": "Penalty cases per inspection",
    "zero_penalty": "Inspected but no penalty case (1 = yes)",
}
METRIC_ZH_EXTRA = {
    "deaths_per_100k": "每十万户企业死亡人数", "accidents_per_10k": "每万户企业事故起数",
    "inspection_coverage": "户均执法检查次数", "penalty_share": "检查立案率",
    "zero_penalty": "有检查无处罚(1=是)",
}

UI = {
    "title": ("safegov training dashboard", "安全生产治理培训沙盘"),
    "subtitle": ("Agent-based model of work-safety governance in Jiangsu", "江苏安全生产治理现代化多主体仿真"),
    "explore": ("Explore", "探索模式"),
    "exercise": ("Exercise", "演练模式"),
    "language": ("Language", "语言"),
    "scenario": ("Scenario", "情景"),
    "seed": ("Seed", "随机种子"),
    "step": ("Step 1 month", "运行1个月"),
    "run_year": ("Run 1 year", "运行1年"),
    "run_all": ("Run to end", "运行到结束"),
    "reset": ("Reset", "重置"),
    "restore": ("Scenario values", "恢复情景取值"),
    "levers": ("Policy levers", "政策杠杆"),
    "levers_note": ("Changes apply from the next month (the model's set_levers); Reset restarts the world "
                    "with the current values from month 1.",
                    "修改自下个月起生效；“重置”则以当前取值从第1个月重新开始。"),
    "month": ("Month", "月份"),
    "small_world": ("Smaller world for interactive use: {agents:,} enterprise agents, each standing for "
                    "{per:g} enterprises ({firms:,} in all; the scenario file has {orig_agents:,} agents).",
                    "为便于交互，使用较小的仿真规模：{agents:,}个企业主体，每个代表{per:g}家企业（共{firms:,}家；"
                    "情景文件为{orig_agents:,}个主体）。"),
    "status": ("{year}, month {month} · simulated month {m} of {total}", "{year}年{month}月 · 第{m}/{total}个仿真月"),
    "charts": ("Province, month by month", "全省逐月结果"),
    "map": ("Schematic map of cities and counties", "设区市与县(市、区)示意图"),
    "map_metric": ("Map colour", "地图着色指标"),
    "map_note": ("Schematic, not to scale: cities placed roughly north to south, counties as tiles; last 12 "
                 "simulated months.", "示意图，非实际比例：设区市大致按南北排列，县(市、区)为方块；最近12个月。"),
    "chart_deaths": ("Deaths", "死亡人数"),
    "chart_grades": ("Accidents by grade", "事故起数(按等级)"),
    "chart_compliance": ("Compliance rate", "守法率"),
    "chart_hazards": ("Hidden hazards per enterprise", "户均事故隐患"),
    "chart_enforcement": ("Inspections and penalty cases", "执法检查与立案处罚"),
    "inspections": ("inspections", "执法检查"),
    "penalty_cases": ("penalty cases (x10)", "立案处罚(×10)"),
    "lever_change": ("levers changed", "政策调整"),
    "no_data": ("Run the model to see results.", "运行模型后显示结果。"),
    # exercise
    "trainer": ("Trainer settings", "培训师设置"),
    "role": ("Committee", "扮演的安委会"),
    "province": ("Provincial committee (Jiangsu)", "省安委会（江苏）"),
    "city_committee": ("City committee: {city}", "市安委会：{city}"),
    "budget": ("Annual budget (10k CNY)", "年度预算（万元）"),
    "budget_auto": ("0 = the status-quo spending of the scenario", "0 = 沿用情景现有投入"),
    "reference": ("Reference policy", "参照政策"),
    "start": ("Start exercise", "开始演练"),
    "restart": ("New exercise", "重新开始"),
    "year_n": ("Year {n} of {total} ({year})", "第{n}/{total}年（{year}年）"),
    "allocate": ("Allocate this year's budget", "分配本年度预算"),
    "cost": ("Cost", "费用"),
    "spent": ("Planned spending: {cost:,.0f} of {budget:,.0f} (10k CNY)", "计划支出：{cost:,.0f} / {budget:,.0f} 万元"),
    "over": ("Over budget by {over:,.0f}: lower some items or scale to budget.",
             "超出预算 {over:,.0f} 万元：请调低部分投入或按预算等比例缩减。"),
    "scale": ("Scale to budget", "按预算缩减"),
    "commit": ("Commit and run the year", "确定并运行本年"),
    "results": ("Results so far", "历年结果"),
    "class": ("Class", "学员方案"),
    "baseline": ("Baseline", "基准"),
    "reference_path": ("Reference", "参照政策"),
    "debrief": ("Debrief", "复盘"),
    "export": ("Export debrief (HTML)", "导出复盘报告(HTML)"),
    "done": ("Five years done: the debrief compares your path with the baseline and the reference policy on "
             "the same random draws.", "五年演练结束：复盘在相同随机数下比较学员方案、基准与参照政策。"),
    "crn": ("Same seed ({seed}) and replicate ({rep}) in all paths: common random numbers, so differences come "
            "from the choices, not from luck.",
            "三条路径使用相同的随机种子({seed})和重复编号({rep})：共同随机数，差异来自决策而非运气。"),
    "helped": ("helped", "有益"),
    "hurt": ("hurt", "不利"),
    "neutral": ("no clear effect", "无明显影响"),
    "lessons": ("Lessons, tied to the paper", "经验教训（对应论文章节）"),
    "by_year": ("Year by year", "逐年比较"),
    "by_lever": ("Which choices helped or hurt (each change alone, same draws)", "哪些决策有益或不利（单项调整，相同随机数）"),
    "totals": ("Five-year totals", "五年合计"),
    "metric": ("Metric", "指标"),
    "year": ("Year", "年份"),
    "lever": ("Lever", "杠杆"),
    "vs_baseline": ("vs baseline", "对比基准"),
    "vs_reference": ("vs reference", "对比参照"),
    "paper": ("Paper", "论文"),
    "section": ("§{ref}", "第{ref}节"),
    "status_quo": ("status quo", "现状"),
    "error": ("Input error", "输入错误"),
    "computing": ("Computing the debrief…", "正在生成复盘…"),
    "chance": ("Is it luck? Replay on {n} more replicates", "是运气吗？再用{n}个重复检验"),
    "chance_title": ("Against chance: paired 95% intervals over replicates", "与随机波动比较：各重复配对差值的95%置信区间"),
    "chance_note": ("The three paths replayed on replicates {reps} of seed {seed} (the played one first); an interval "
                    "that excludes 0 means the difference is not luck of the draw.",
                    "三条路径在随机种子{seed}的重复{reps}上重算（第一个为本次演练）；区间不含0说明差异并非随机所致。"),
    "played": ("this exercise", "本次演练"),
    "mean_diff": ("mean difference", "平均差值"),
    "interval": ("95% interval", "95%置信区间"),
    "security": ("Serving on {host} only.", "仅在 {host} 上提供服务。"),
}


def default_lang() -> str:
    lang = os.environ.get(DEFAULT_LANG_ENV, "zh")
    return lang if lang in LANGS else "zh"


def t(key: str, lang: str, **kwargs) -> str:
    en, zh = UI[key]
    text = zh if lang == "zh" else en
    return text.format(**kwargs) if kwargs else text


def metric_label(name: str, lang: str) -> str:
    if lang == "zh":
        return METRIC_ZH_EXTRA.get(name) or METRIC_ZH.get(name, name)
    return METRIC_EN.get(name, name.replace("_", " "))


def lever_label(name: str, lang: str) -> str:
    p = params.BY_NAME[name]
    return f"{p.zh}" if lang == "zh" else p.label


def lever_caption(name: str, lang: str) -> str:
    """Label with the other language, unit and paper section: 'Inspectors per county 执法人员编制 [persons] §1.2'."""
    p = params.BY_NAME[name]
    if lang == "zh":
        return f"{p.zh}（{p.label}）· {unit_label(p.unit, lang)} · 论文第{p.paper}节"
    return f"{p.label} ({p.zh}) · {p.unit} · paper §{p.paper}"


UNIT_ZH = {
    "share": "比例", "index": "指数(0-1)", "persons per county": "人/县", "share of capacity": "占检查能力比例",
    "share of inspections": "占检查比例", "probability": "概率", "share per year": "每年比例",
    "x avoided cost": "倍(规避成本)", "months": "月", "persons per grid": "人/网格",
    "share of chemical firms": "占危化品企业比例",
}


def unit_label(unit: str, lang: str) -> str:
    return UNIT_ZH.get(unit, unit) if lang == "zh" else unit


def section_title(ref: str, lang: str) -> str:
    en, zh = SECTIONS.get(ref, (ref, ref))
    return zh if lang == "zh" else en


def sections_of(paper: str) -> list[str]:
    """'1.1, 2.6' -> ['1.1', '2.6']."""
    return [s.strip() for s in paper.split(",") if s.strip()]


def region_label(region: str, lang: str) -> str:
    return REGION_ZH[region] if lang == "zh" else {"south": "Southern", "central": "Central",
                                                   "north": "Northern"}[region]
