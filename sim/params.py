"""The one declaration of the model's parameter space.

Every policy lever (政策杠杆) and every uncertain behavioural parameter is declared here exactly
once, with its unit, default, bounds, Chinese term, the mechanism that reads it and the section
of the source paper (MODEL_BRIEF refs 1.1-2.6) it comes from. The scenario schema, the CLI
(`safegov levers`), the dashboard sliders, sensitivity analysis and calibration all read this
table; nothing else declares a parameter.

Levers are what a safety committee or the province can choose. Uncertain parameters describe
behaviour the paper does not quantify; calibration fits them, policy never sets them
(EMA Workbench's separation of levers from uncertainties).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["lever", "uncertain"]


@dataclass(frozen=True)
class Param:
    """One declared parameter.

    Attributes:
        name: identifier used in scenario files and on the command line.
        kind: "lever" (policy) or "uncertain" (behavioural, calibrated).
        default: value at the baseline before any scenario overrides it.
        low, high: inclusive bounds; scenario values outside are rejected.
        unit: physical unit, or "share" / "index" for dimensionless quantities.
        zh: Chinese policy term.
        label: short English label for sliders and tables.
        mechanism: the submodule (sim/mechanisms/<mechanism>.py) that reads it.
        paper: MODEL_BRIEF reference(s), e.g. "1.1" or "2.4".
        doc: one sentence on what it does in the model.
        integer: the value must be a whole number.
    """

    name: str
    kind: Kind
    default: float
    low: float
    high: float
    unit: str
    zh: str
    label: str
    mechanism: str
    paper: str
    doc: str
    integer: bool = False


def _lever(*args, **kwargs) -> Param:
    return Param(args[0], "lever", *args[1:], **kwargs)


def _uncertain(*args, **kwargs) -> Param:
    return Param(args[0], "uncertain", *args[1:], **kwargs)


# fmt: off
PARAMETERS: tuple[Param, ...] = (
    # ---------------------------------------------------------------- committees (1.1, 2.1, 2.6)
    _lever("development_first", 0.45, 0.0, 1.0, "share", "重发展轻安全",
           "Development-first weight", "committees", "1.1",
           "Weight leaders give growth over safety; committee priority relaxes toward 1 - this."),
    _lever("party_building", 0.3, 0.0, 1.0, "index", "党建引领/党政同责",
           "Party-building leadership", "committees", "2.1",
           "Raises the floor of committee safety priority and the share of firms with a party "
           "branch that raises awareness."),
    _lever("rule_of_law", 0.3, 0.0, 1.0, "index", "法治化",
           "Rule of law", "committees", "2.6",
           "Damps priority swings, lowers formality and leniency, steadies penalty expectations."),
    # ----------------------------------------------------------------- inspection (1.1, 1.2, 2.5)
    _lever("inspectors_per_county", 25.0, 2.0, 120.0, "persons per county", "执法人员编制",
           "Inspectors per county", "inspection", "1.2",
           "Law-enforcement staff of each county-level division."),
    _lever("coordination_loss", 0.25, 0.0, 0.6, "share of capacity", "权责不对等/条块衔接不畅",
           "Coordination loss", "inspection", "1.2",
           "Share of inspection capacity wasted by unclear duties between levels and departments."),
    _lever("integration", 0.2, 0.0, 1.0, "index", "多元融合集成化",
           "Integration (professional committees)", "inspection", "2.2",
           "Committees coordinate and professional committees cover chemicals, transport, "
           "construction: cuts coordination loss and assigns regulators to unregulated firms."),
    _lever("risk_targeting", 0.3, 0.0, 1.0, "share of inspections", "精准执法/风险分级",
           "Risk-based targeting", "inspection", "1.1, 2.5",
           "Share of inspection weight placed by risk score; the rest is double-random (双随机)."),
    _lever("inspector_skill", 0.6, 0.2, 0.95, "probability", "执法专业化",
           "Inspector skill", "inspection", "2.5",
           "Probability that a real violation is found in a non-formal inspection."),
    _lever("city_oversight", 0.3, 0.0, 1.0, "index", "设区市指导监督",
           "City oversight of counties", "inspection", "1.2",
           "City audits of county enforcement: lower formality and leniency."),
    _lever("rotation_rate", 0.05, 0.0, 1.0, "share per year", "执法人员轮岗交流",
           "Inspector rotation", "leniency", "1.1",
           "Share of inspectors rotated each year; rotation resets their ties to firms."),
    _lever("cross_region_share", 0.0, 0.0, 0.5, "share of inspections", "异地执法",
           "Cross-region enforcement", "leniency", "1.1, 2.6",
           "Share of capacity spent on cross-region teams: no ties, no formality, higher skill, "
           "1.5x the cost per inspection, and they expose collusion."),
    _lever("unregulated_share", 0.15, 0.0, 0.6, "share", "监管责任悬空",
           "Firms with no regulator", "inspection", "1.2",
           "Share of new-industry, service and micro firms with no assigned regulator "
           "(never inspected by routine)."),
    # ------------------------------------------------------------------------ sanctions (1.2)
    _lever("fine_level", 1.0, 0.2, 4.0, "x avoided cost", "罚款力度",
           "Fine level", "sanctions", "1.2, 2.6",
           "Fine as a multiple of twelve months of avoided safety cost (Yitzhaki 1974)."),
    _lever("blacklist_strength", 0.2, 0.0, 1.0, "index", "联合惩戒/黑名单",
           "Blacklist and joint punishment", "sanctions", "1.2",
           "Probability a serious or repeat violator is listed, and the weight of joint "
           "punishment on listed firms (inspections and penalties)."),
    _lever("blacklist_months", 24.0, 6.0, 36.0, "months", "黑名单期限",
           "Blacklist period", "sanctions", "1.2",
           "How long a firm stays listed (early removal possible after 12 clean months).",
           integer=True),
    # -------------------------------------------------------------------------- grids (2.4)
    _lever("grid_workers_per_grid", 1.0, 0.0, 3.0, "persons per grid", "网格员配置",
           "Grid workers per grid", "grid", "2.4",
           "Grid workers patrolling each grid (网格化+铁脚板)."),
    # -------------------------------------------------------------- information (1.2, 1.5, 2.3)
    _lever("informatisation", 0.3, 0.0, 1.0, "index", "执法信息化/智能化",
           "Enforcement informatisation", "information", "1.2, 2.3",
           "Quality of risk scores and speed of report handling (IoT, big data)."),
    _lever("data_sharing", 0.2, 0.0, 1.0, "index", "信息共建共享",
           "Data sharing among committee members", "information", "1.5, 2.3",
           "Committee members share data: better risk scores, faster reports, blacklists seen "
           "by all departments."),
    _lever("chem_platform", 0.2, 0.0, 1.0, "share of chemical firms", "危化品全流程信息化平台",
           "Hazardous-chemicals platform coverage", "information", "1.5, 2.3",
           "Share of hazardous-chemicals firms under the full-process platform (risk known "
           "exactly, hazards found faster); Northern Jiangsu lags."),
    # -------------------------------------------------------------------- awareness (2.1, 2.5)
    _lever("training_rate", 0.15, 0.0, 1.0, "share per year", "安全培训",
           "Safety training", "awareness", "2.5",
           "Share of owners and workers trained per year; raises awareness."),
    # --------------------------------------------------------------------------- rescue (1.2)
    _lever("rescue_capacity", 0.4, 0.0, 1.0, "index", "应急救援能力",
           "Rescue capacity", "severity", "1.2",
           "Emergency rescue equipment and teams; lowers deaths given an accident (modestly)."),
    # -------------------------------------------------------------------- campaigns (1.4, 1.1)
    _lever("chemical_remediation", 0.0, 0.0, 0.6, "share per year", "化工产业安全环保整治",
           "Chemical-industry remediation", "campaigns", "1.4",
           "Share of small and medium hazardous-chemical producers closed per year by a "
           "province programme (e.g. after Xiangshui 2019)."),
    _lever("campaign_closure", 0.1, 0.0, 0.5, "share", "专项整治关停",
           "Sector campaign closures", "campaigns", "1.1, 1.4",
           "After a major (重大) or worse accident, share of the sector's risky small firms in "
           "the province closed by the campaign."),

    # ============================================================ uncertain behaviour
    # ------------------------------------------------------------------------ compliance (1.3)
    _uncertain("optimism", 0.6, 0.0, 0.95, "share", "侥幸心理",
               "Optimism bias", "compliance", "1.3",
               "Discount firms apply to their own accident risk."),
    _uncertain("moral_weight", 0.35, 0.0, 1.5, "x compliance cost", "道德/责任意识",
               "Moral cost weight", "compliance", "1.3",
               "Felt cost of violating per unit of owner awareness (Hokamp & Pickhardt 2010)."),
    _uncertain("intrinsic_compliance", 0.2, 0.0, 0.6, "share", "自觉守法企业比例",
               "Intrinsically compliant firms", "compliance", "1.3",
               "Share of firms that comply whatever the incentives."),
    _uncertain("peer_weight", 0.3, 0.0, 1.0, "x compliance cost", "同伴效应",
               "Peer effect", "compliance", "1.3",
               "Weight of the grid's compliance share in the decision (Zaklan et al.)."),
    _uncertain("decision_noise", 0.35, 0.05, 1.0, "x compliance cost", "有限理性",
               "Decision noise", "compliance", "1.3",
               "Temperature of the logit choice (bounded rationality)."),
    _uncertain("detection_learning", 0.15, 0.01, 0.5, "per month", "感知查处概率学习率",
               "Learning rate of perceived detection", "compliance", "1.3",
               "delta in p <- (1-delta) p + delta 1[caught] (Bloomquist 2015)."),
    _uncertain("accident_cost", 40.0, 0.0, 200.0, "months of compliance cost", "事故损失预期",
               "Perceived cost of an own accident", "compliance", "1.3",
               "Loss an owner expects from an accident, before optimism."),
    # ------------------------------------------------------------------------- hazards (1.3)
    _uncertain("equipment_decay", 0.02, 0.0, 0.08, "per month", "设备老化",
               "Equipment decay", "hazards", "1.3",
               "Monthly loss of equipment condition without investment (带病运转)."),
    _uncertain("hazard_inflow", 0.3, 0.05, 1.0, "hazards per month", "隐患累积",
               "Hazard build-up", "hazards", "1.3",
               "Hidden hazards accruing per month at zero investment and new equipment."),
    _uncertain("hazard_repair", 0.12, 0.02, 0.4, "share per month", "隐患自查自改",
               "Own hazard repair", "hazards", "1.3",
               "Share of hidden hazards a fully investing firm removes each month."),
    _uncertain("rectification_effect", 0.7, 0.2, 1.0, "share", "整改效果",
               "Rectification effect", "sanctions", "1.2",
               "Share of hidden hazards removed by a rectification order."),
    # ----------------------------------------------------------------------- accidents (1.3)
    _uncertain("base_incident_rate", 0.0032, 0.0005, 0.02, "per firm-month", "基础事故率",
               "Base accident rate", "accidents", "1.3, 1.4",
               "Rate of recordable accidents per medium manufacturing firm-month with unsafe "
               "acts certain (lambda0)."),
    _uncertain("unsafe_act_rate", 0.35, 0.05, 0.9, "probability", "不安全行为",
               "Unsafe acts at zero awareness", "accidents", "1.3",
               "Probability of unsafe acts by an unaware, untrained workforce."),
    _uncertain("condition_sensitivity", 0.013, 0.001, 0.1, "per hidden hazard", "物的不安全状态",
               "Unsafe-condition sensitivity", "accidents", "1.3",
               "gamma in P(unsafe condition) = 1 - exp(-gamma h)."),
    _uncertain("combined_amplifier", 2.2, 1.0, 5.0, "x", "人物综合致因放大",
               "Combined-cause amplifier", "accidents", "1.3",
               "How much more likely an accident is when unsafe acts meet unsafe conditions."),
    _uncertain("unavoidable_rate", 0.0045, 0.0, 0.05, "x lambda0", "不可避免事故",
               "Unavoidable accidents", "accidents", "1.3",
               "Rate of accidents no act or condition explains, relative to lambda0."),
    _uncertain("severity_scale", 1.0, 0.3, 3.0, "x", "事故严重程度",
               "Severity scale", "severity", "1.4",
               "Multiplier on deaths, injuries and loss per accident."),
    # ------------------------------------------------------------------- inspection behaviour
    _uncertain("inspections_per_inspector", 6.0, 1.0, 20.0, "per month", "人均检查量",
               "Inspections per inspector", "inspection", "1.1",
               "Enterprise inspections one inspector can do in a month."),
    _uncertain("formality", 0.35, 0.0, 0.8, "share", "走形式走过场",
               "Formality of inspections", "inspection", "1.1",
               "Share of inspections that are formal only (detect nothing) before oversight and "
               "rule of law."),
    _uncertain("tie_growth", 0.15, 0.0, 0.5, "per meeting", "人情关系增长",
               "Tie growth", "leniency", "1.1",
               "Increase in tie strength per inspection of a firm by its own inspector."),
    _uncertain("tie_decay", 0.01, 0.0, 0.1, "per month", "人情关系衰减",
               "Tie decay", "leniency", "1.1",
               "Monthly decay of tie strength without contact."),
    _uncertain("native_tie", 0.4, 0.0, 1.0, "tie strength", "乡土人情",
               "Native inspectors' starting ties", "leniency", "1.1",
               "Starting tie strength of a native inspector to local firms."),
    _uncertain("native_share", 0.8, 0.0, 1.0, "share", "本地执法人员比例",
               "Native inspectors", "leniency", "1.1",
               "Share of inspectors who are local (本地人)."),
    _uncertain("leniency_kappa", 4.0, 0.0, 10.0, "per tie unit", "人情宽容系数",
               "Leniency sensitivity", "leniency", "1.1",
               "kappa in leniency = sigma(kappa g - theta); collusion pressure theta from audits."),
    _uncertain("investigation_exposure", 0.5, 0.0, 2.0, "exposure units per case", "事故调查问责",
               "Collusion exposure by investigations", "leniency", "1.1",
               "Rise in a county's collusion exposure when an accident investigation uncovers a "
               "let-off firm (a tenth of it for every larger-or-worse accident investigated)."),
    _uncertain("deterrence_months", 24.0, 6.0, 48.0, "months", "威慑衰减期",
               "Deterrence fade", "sanctions", "1.1",
               "Months over which the effect of a penalty fades (about two years)."),
    # ------------------------------------------------------------------------------- grids
    _uncertain("grid_visits", 25.0, 0.0, 80.0, "firm visits per worker-month", "网格巡查量",
               "Grid visits", "grid", "2.4",
               "Firm visits one grid worker makes per month."),
    _uncertain("grid_skill_ratio", 0.45, 0.1, 1.0, "x inspector skill", "网格员发现能力",
               "Grid detection vs inspectors", "grid", "2.4",
               "Grid workers' detection relative to inspectors."),
    _uncertain("report_delay", 3.0, 0.0, 12.0, "months", "上报时滞",
               "Report delay", "grid", "2.4",
               "Months before a grid report reaches targeting without informatisation."),
    # -------------------------------------------------------------------------- committees
    _uncertain("priority_decay", 0.06, 0.0, 0.3, "per month", "重视程度回落",
               "Priority decay", "committees", "1.1",
               "Monthly relaxation of committee priority toward its resting level."),
    _uncertain("campaign_jump", 0.35, 0.0, 1.0, "priority units", "事故后运动式执法",
               "Campaign reaction", "committees", "1.1",
               "Jump in committee priority after a larger (较大) or worse accident."),
    # --------------------------------------------------------------------------- awareness
    _uncertain("awareness_decay", 0.02, 0.0, 0.1, "per month", "安全意识衰减",
               "Awareness decay", "awareness", "2.5",
               "Monthly decay of awareness toward its untrained level."),
    _uncertain("training_gain", 0.3, 0.0, 0.8, "awareness units", "培训效果",
               "Training gain", "awareness", "2.5",
               "Awareness gained from one training."),
    _uncertain("accident_closure", 0.5, 0.0, 1.0, "probability", "事故后关闭",
               "Closure after a serious accident", "demography", "1.4",
               "Probability that a firm closes after a larger-or-worse (较大及以上) accident."),
    _uncertain("exit_rate", 0.004, 0.0, 0.02, "per month", "企业退出率",
               "Firm exit rate", "demography", "1.2",
               "Monthly baseline closure rate; closed firms are replaced by entrants."),
)
# fmt: on

BY_NAME: dict[str, Param] = {p.name: p for p in PARAMETERS}
LEVERS: tuple[Param, ...] = tuple(p for p in PARAMETERS if p.kind == "lever")
UNCERTAIN: tuple[Param, ...] = tuple(p for p in PARAMETERS if p.kind == "uncertain")


def defaults(kind: Kind | None = None) -> dict[str, float]:
    """Default values, for one kind or for all parameters."""
    return {p.name: p.default for p in PARAMETERS if kind is None or p.kind == kind}


def get(name: str) -> Param:
    """Look a parameter up by name (KeyError if it is not declared)."""
    return BY_NAME[name]
