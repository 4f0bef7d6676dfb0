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

from dataclasses import dataclass, replace
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
        source: where the value or its range comes from (literature, data, or "assumption"
            with the reason); every uncertain parameter states one.
        anchors: what low, middle and high values mean, as ((low, middle, high) in English,
            (low, middle, high) in Chinese); low is the lower bound, middle the midpoint, high
            the upper bound. Declared for every lever in ``_ANCHORS`` at the end of this file.
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
    source: str = ""
    anchors: tuple[tuple[str, str, str], tuple[str, str, str]] | None = None

    def anchor_values(self) -> tuple[float, float, float]:
        """The values the three anchors describe: lower bound, midpoint, upper bound."""
        return self.low, (self.low + self.high) / 2.0, self.high


def _lever(*args, **kwargs) -> Param:
    return Param(args[0], "lever", *args[1:], **kwargs)


def _uncertain(*args, **kwargs) -> Param:
    return Param(args[0], "uncertain", *args[1:], **kwargs)


# fmt: off
PARAMETERS: tuple[Param, ...] = (
    # ---------------------------------------------------------------- committees (1.1, 2.1, 2.6)
    _lever("development_first", 0.35, 0.0, 1.0, "share", "重发展轻安全",
           "Development-first weight", "committees", "1.1",
           "Weight leaders give growth over safety; committee priority relaxes toward "
           "1 - development_first x (1 - party_building)."),
    _lever("party_building", 0.6, 0.0, 1.0, "index", "党建引领/党政同责",
           "Party-building leadership", "committees", "2.1",
           "党政同责: shrinks the development-first weight in committee priority, and sets the "
           "share of firms with a party branch that raises awareness."),
    _lever("rule_of_law", 0.4, 0.0, 1.0, "index", "法治化",
           "Rule of law", "committees", "2.6",
           "Lowers formality and leniency and damps campaign-style priority swings."),
    _lever("accident_targets", 0.6, 0.0, 1.0, "index", "事故控制指标考核",
           "Accident-reduction targets", "committees", "2.1, 2.6",
           "Weight of accident counts in officials' assessment (控制指标, 一票否决): committees give "
           "safety more weight, and officials hide some small accidents from the statistics.",
           source="Fisman & Wang 2017 (death ceilings: real declines and manipulated reports)"),
    # ----------------------------------------------------------------- inspection (1.1, 1.2, 2.5)
    _lever("inspectors_per_county", 35.0, 2.0, 120.0, "persons per county", "执法人员编制",
           "Inspectors per county", "inspection", "1.2",
           "Law-enforcement staff of each county-level division."),
    _lever("coordination_loss", 0.25, 0.0, 0.6, "share of capacity", "权责不对等/条块衔接不畅",
           "Coordination loss", "inspection", "1.2",
           "Share of inspection capacity wasted by unclear duties between levels and departments."),
    _lever("integration", 0.35, 0.0, 1.0, "index", "多元融合集成化",
           "Integration (professional committees)", "inspection", "2.2",
           "Committees coordinate and professional committees cover chemicals, transport, "
           "construction: cuts coordination loss and assigns regulators to unregulated firms."),
    _lever("risk_targeting", 0.4, 0.0, 1.0, "share of inspections", "精准执法/风险分级",
           "Risk-based targeting", "inspection", "1.1, 2.5",
           "Share of inspection weight placed by risk score; the rest is double-random (双随机)."),
    _lever("inspector_skill", 0.6, 0.2, 0.95, "probability", "执法专业化",
           "Inspector skill", "inspection", "2.5",
           "Probability that a real violation is found in a non-formal inspection."),
    _lever("city_oversight", 0.5, 0.0, 1.0, "index", "设区市指导监督",
           "City oversight of counties", "inspection", "1.2",
           "City audits of county enforcement: lower formality and leniency."),
    _lever("rotation_rate", 0.05, 0.0, 1.0, "share per year", "执法人员轮岗交流",
           "Inspector rotation", "leniency", "1.1",
           "Share of inspectors rotated each year (轮岗交流): the post is taken by an inspector "
           "from elsewhere, with no local ties."),
    _lever("cross_region_share", 0.0, 0.0, 0.5, "share of inspections", "异地执法",
           "Cross-region enforcement", "leniency", "1.1, 2.6",
           "Share of capacity spent on cross-region teams: no ties, no formality, higher skill, "
           "a higher cost per inspection, and they expose let-offs to the county."),
    _lever("unregulated_share", 0.15, 0.0, 0.6, "share", "监管责任悬空",
           "Firms with no regulator", "inspection", "1.2",
           "Share of new-industry, service and micro firms with no assigned regulator "
           "(never inspected by routine)."),
    # ------------------------------------------------------------------------ sanctions (1.2)
    _lever("fine_level", 1.2, 0.2, 4.0, "x avoided cost", "罚款力度",
           "Fine level", "sanctions", "1.2, 2.6",
           "Fine as a multiple of twelve months of avoided safety cost (Yitzhaki 1974)."),
    _lever("blacklist_strength", 0.2, 0.0, 1.0, "index", "联合惩戒/黑名单",
           "Blacklist and joint punishment", "sanctions", "1.2",
           "Probability a serious or repeat violator is listed, and the weight of joint "
           "punishment on listed firms; listed firms get an unannounced check every six months."),
    _lever("blacklist_months", 24.0, 6.0, 36.0, "months", "黑名单期限",
           "Blacklist period", "sanctions", "1.2",
           "How long a firm stays listed (early removal possible after 12 clean months).",
           integer=True),
    # -------------------------------------------------------------------------- grids (2.4)
    _lever("grid_workers_per_grid", 1.0, 0.0, 3.0, "persons per grid", "网格员配置",
           "Grid workers per grid", "grid", "2.4",
           "Grid workers patrolling each grid (网格化+铁脚板)."),
    # -------------------------------------------------------------- information (1.2, 1.5, 2.3)
    _lever("informatisation", 0.45, 0.0, 1.0, "index", "执法信息化/智能化",
           "Enforcement informatisation", "information", "1.2, 2.3",
           "Enforcement case systems and IoT: better risk scores, faster reports, and every "
           "inspection recorded (执法全过程记录), so formality and let-offs are harder to hide."),
    _lever("data_sharing", 0.35, 0.0, 1.0, "index", "信息共建共享",
           "Data sharing among committee members", "information", "1.5, 2.3",
           "Committee members share data: better risk scores, faster reports, blacklists seen "
           "by all departments."),
    _lever("chem_platform", 0.4, 0.0, 1.0, "share of chemical firms", "危化品全流程信息化平台",
           "Hazardous-chemicals platform coverage", "information", "1.5, 2.3",
           "Share of hazardous-chemicals firms under the full-process platform (risk known "
           "exactly, hazards found faster); Northern Jiangsu lags."),
    # -------------------------------------------------------------------- awareness (2.1, 2.5)
    _lever("training_rate", 0.3, 0.0, 1.0, "share per year", "安全培训",
           "Safety training", "awareness", "2.5",
           "Share of owners and workers trained per year; raises awareness."),
    # --------------------------------------------------------------------------- rescue (1.2)
    _lever("rescue_capacity", 0.5, 0.0, 1.0, "index", "应急救援能力",
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
    # Every uncertain parameter names its source; "assumption" says why no source fixes it.
    # ------------------------------------------------------------------------ compliance (1.3)
    _uncertain("optimism", 0.5, 0.0, 0.95, "share", "侥幸心理",
               "Optimism bias", "compliance", "1.3",
               "Discount firms apply to their own risks: of an accident and of being caught.",
               source="paper 1.3 (侥幸心理); size an assumption, calibrated"),
    _uncertain("moral_weight", 0.6, 0.0, 3.0, "x compliance cost", "道德/责任意识",
               "Moral cost weight", "compliance", "1.3",
               "Felt cost of violating per unit of owner awareness.",
               source="Hokamp & Pickhardt 2010 (moral cost beside deterrence); size calibrated"),
    _uncertain("intrinsic_compliance", 0.15, 0.0, 0.6, "share", "自觉守法企业比例",
               "Intrinsically compliant firms", "compliance", "1.3",
               "Share of firms that comply whatever the incentives.",
               source="Hokamp & Pickhardt 2010 (share of honest agents); size calibrated"),
    _uncertain("peer_weight", 0.3, 0.0, 1.0, "x compliance cost", "同伴效应",
               "Peer effect", "compliance", "1.3",
               "Weight of the county's compliance share (real firms) in the decision.",
               source="Zaklan, Westerhoff & Stauffer 2009 (Ising peer term)"),
    _uncertain("decision_noise", 0.35, 0.05, 1.0, "x compliance cost", "有限理性",
               "Decision noise", "compliance", "1.3",
               "Temperature of the logit choice (bounded rationality).",
               source="logit choice (McFadden); size calibrated"),
    _uncertain("review_rate", 0.25, 0.05, 1.0, "per month", "决策调整频率",
               "Decision review rate", "compliance", "1.3",
               "Share of firms revisiting their compliance decision each month (inertia).",
               source="assumption: firms revise safety budgets a few times a year, not monthly"),
    _uncertain("violator_spending", 0.3, 0.0, 0.8, "share", "违法企业安全投入",
               "Safety spending of violators", "compliance", "1.3",
               "Share of full safety spending a non-compliant firm still makes.",
               source="assumption: violation is partial (流于形式), not zero spending"),
    _uncertain("probability_weighting", 0.69, 0.3, 1.0, "exponent", "小概率高估",
               "Probability weighting", "compliance", "1.3",
               "gamma of the weighting w(p) = p^g / (p^g + (1-p)^g)^(1/g) applied to the small "
               "monthly chances of being caught and of an accident (1 = no weighting).",
               source="Tversky & Kahneman 1992 (gamma = 0.69 for losses)"),
    _uncertain("publicity_salience", 20.0, 0.0, 200.0, "x", "曝光效应",
               "Salience of publicised penalties", "compliance", "1.2, 2.6",
               "Weight of the county's penalty cases per firm in every firm's perceived detection "
               "(典型案例曝光): publicised penalties deter peers.",
               source="Johnson 2020 AER: one publicised OSHA penalty deterred peers like 210 inspections"),
    _uncertain("detection_learning", 0.15, 0.01, 0.5, "per month", "感知查处概率学习率",
               "Learning rate of perceived enforcement", "compliance", "1.3",
               "delta in p_hat <- (1 - delta) p_hat + delta signal, for detection and leniency.",
               source="Bloomquist 2015 (IRCM learning rule)"),
    _uncertain("own_experience_weight", 0.2, 0.0, 1.0, "share", "自身经历权重",
               "Weight of own inspections", "compliance", "1.3",
               "Weight of the firm's own real inspection in its signal; the rest is what firms "
               "like it experience (peers in its county and sector).",
               source="Bloomquist 2015 (own and neighbours' audits); split an assumption"),
    _uncertain("accident_cost", 40.0, 0.0, 200.0, "months of compliance cost", "事故损失预期",
               "Perceived cost of an own accident", "compliance", "1.3",
               "Loss an owner expects from an accident (damage, compensation, liability), "
               "before optimism.",
               source="assumption; calibrated (Work Safety Law art. 114 fines by grade bound it)"),
    _uncertain("management_adjustment", 0.15, 0.02, 1.0, "per month", "安全管理调整速度",
               "Safety-management adjustment", "accidents", "1.3",
               "Monthly speed at which a firm's safety management follows its safety spending.",
               source="assumption: procedures, supervision and training take months to build or lapse"),
    _uncertain("underreporting", 0.3, 0.0, 0.6, "share", "瞒报",
               "Concealment of small accidents", "reporting", "2.1, 2.6",
               "Share of general accidents left out of the statistics under full accident "
               "targets and no checks (larger-or-worse accidents are always reported).",
               source="Fisman & Wang 2017 (reports bunch below death ceilings); size calibrated"),
    # ------------------------------------------------------------------------ sanctions (1.2)
    _uncertain("sanction_escalation", 0.5, 0.0, 2.0, "x fine per step", "处罚升级",
               "Sanction escalation", "sanctions", "1.2",
               "Extra fine per step up the enforcement pyramid.",
               source="Ayres & Braithwaite 1992 (pyramid); size an assumption"),
    _uncertain("joint_punishment_weight", 1.0, 0.0, 5.0, "x sanction per year listed", "联合惩戒力度",
               "Joint punishment weight", "sanctions", "1.2",
               "Extra sanction per year on the blacklist at full blacklist strength and visibility.",
               source="assumption; joint punishment bars credit, bids and subsidies (paper 1.2)"),
    _uncertain("blacklist_base_visibility", 0.3, 0.0, 1.0, "share", "黑名单基础可见度",
               "Blacklist visibility without sharing", "information", "1.5",
               "Share of departments that see the blacklist when committee members share no data.",
               source="assumption: the listing department and one or two others"),
    _uncertain("suspension_months", 2.0, 1.0, 6.0, "months", "停产整顿期限",
               "Suspension length", "sanctions", "1.2",
               "Months a suspended firm does not produce (停产停业整顿).",
               source="Work Safety Law 2021 art. 102/118 practice: 1-6 months", integer=True),
    _uncertain("rectification_effect", 0.7, 0.2, 1.0, "share", "整改效果",
               "Rectification effect", "sanctions", "1.2",
               "Share of hidden hazards removed by a rectification order.",
               source="assumption; orders are re-checked (复查) but rarely clear every hazard"),
    _uncertain("deterrence_months", 24.0, 6.0, 48.0, "months", "威慑衰减期",
               "Deterrence fade", "sanctions", "1.1",
               "Months a penalised firm stays in the targeted group at most; records older "
               "than this are forgiven (de-escalation).",
               source="Haviland et al. 2012; Gray & Mendeloff 2005 (effects fade over about two years)"),
    _uncertain("targeted_weight", 10.0, 1.0, 40.0, "x inspection weight", "重点监管频次",
               "Targeted-group inspection weight", "inspection", "1.2",
               "Inspection weight of a firm in the targeted group (recently penalised) relative "
               "to other firms.",
               source="Harrington 1988; Liu & Neilson 2013 (about 2/3 of inspections to the targeted group)"),
    _uncertain("targeted_release", 0.5, 0.0, 1.0, "probability", "重点监管解除",
               "Release from the targeted group", "sanctions", "1.2",
               "Probability that a clean inspection returns a targeted firm to the normal group.",
               source="Harrington 1988 (gamma)"),
    _uncertain("violation_hazards", 3.0, 1.0, 10.0, "hazards", "违法隐患阈值",
               "Hazards that make a violation", "inspection", "1.3",
               "Hidden hazards above which a firm is in violation whatever it spends; also "
               "the scale on which grid workers find hazards.",
               source="assumption: a few uncorrected hazards (一般隐患) amount to a violation"),
    _uncertain("wilful_hazards", 10.0, 3.0, 30.0, "hazards", "重大隐患阈值",
               "Hazards that make a violation wilful", "sanctions", "1.2",
               "A non-compliant firm with more hidden hazards than this climbs two pyramid steps.",
               source="assumption (重大事故隐患: a major hidden hazard is a serious offence)"),
    # ----------------------------------------------------------------------- accidents (1.3)
    _uncertain("base_incident_rate", 0.0048, 0.0005, 0.02, "per firm-month", "基础事故率",
               "Base accident rate", "accidents", "1.3, 1.4",
               "Rate of recordable accidents per medium manufacturing firm-month with unsafe "
               "acts certain (lambda0).",
               source="calibrated to Nantong 2018 counts"),
    _uncertain("unsafe_act_rate", 0.35, 0.05, 0.9, "probability", "不安全行为",
               "Unsafe acts without management or awareness", "accidents", "1.3",
               "Probability of unsafe acts by an unmanaged, unaware workforce.",
               source="Heinrich 1931 (88% of accidents human); calibrated"),
    _uncertain("management_effect", 0.65, 0.3, 0.85, "share", "安全管理效果",
               "Safety-management effect", "accidents", "1.3",
               "Share of unsafe acts that full safety management (procedures, supervision, "
               "training: what compliance buys) prevents.",
               source="Fisman & Wang 2015: firms able to skip compliance have 2-3x the death rate"),
    _uncertain("awareness_effect", 0.5, 0.1, 0.8, "share", "安全意识效果",
               "Awareness effect", "accidents", "1.3, 2.5",
               "Share of unsafe acts that full worker awareness prevents.",
               source="Robson et al. 2012 (training changes behaviour); size an assumption"),
    _uncertain("condition_sensitivity", 0.02, 0.001, 0.1, "per hidden hazard", "物的不安全状态",
               "Unsafe-condition sensitivity", "accidents", "1.3",
               "gamma in P(unsafe condition) = 1 - exp(-gamma h).",
               source="Reason's layered defences; calibrated to the 10% combined share"),
    _uncertain("combined_amplifier", 2.2, 1.0, 5.0, "x", "人物综合致因放大",
               "Combined-cause amplifier", "accidents", "1.3",
               "How much more likely an accident is when unsafe acts meet unsafe conditions.",
               source="Heinrich 1931 (10% combined); calibrated"),
    _uncertain("unavoidable_rate", 0.0035, 0.0, 0.05, "x lambda0", "不可避免事故",
               "Unavoidable accidents", "accidents", "1.3",
               "Rate of accidents no act or condition explains, relative to lambda0.",
               source="Heinrich 1931 (2% unavoidable); calibrated"),
    _uncertain("severity_scale", 1.0, 0.3, 3.0, "x", "事故严重程度",
               "Severity scale", "severity", "1.4",
               "Multiplier on deaths, injuries and loss per accident.",
               source="calibrated to deaths per accident (Nantong 2018)"),
    _uncertain("severity_amplifier", 1.5, 1.0, 3.0, "x severity", "严重程度放大",
               "Severity amplifier", "severity", "1.3, 1.4",
               "Severity multiplier for combined causes and for major hazard sources.",
               source="assumption: energy and inventory at risk are larger (重大危险源)"),
    # ------------------------------------------------------------------------- hazards (1.3)
    _uncertain("equipment_decay", 0.02, 0.0, 0.08, "per month", "设备老化",
               "Equipment decay", "hazards", "1.3",
               "Monthly loss of equipment condition without investment (带病运转).",
               source="assumption: a 4-5 year life without maintenance"),
    _uncertain("equipment_renewal", 0.03, 0.005, 0.1, "per month", "设备更新",
               "Equipment renewal", "hazards", "1.3",
               "Monthly renewal toward new equipment at full safety spending.",
               source="assumption: a 3-year renewal cycle"),
    _uncertain("hazard_inflow", 0.3, 0.05, 1.0, "hazards per month", "隐患累积",
               "Hazard build-up", "hazards", "1.3",
               "Hidden hazards accruing per month at zero investment and new equipment.",
               source="Rasmussen 1997 (drift under cost pressure); calibrated"),
    _uncertain("hazard_floor", 0.2, 0.0, 0.5, "share", "不可避免隐患",
               "Hazard inflow under full spending", "hazards", "1.3",
               "Share of the hazard inflow that full safety spending cannot prevent.",
               source="Rasmussen 1997 (defences degrade even when maintained); size an assumption"),
    _uncertain("equipment_hazard_factor", 2.0, 0.0, 4.0, "x", "老化设备隐患",
               "Hazards from worn equipment", "hazards", "1.3",
               "Extra hazard inflow of fully worn equipment, relative to new.",
               source="paper 1.3 (设备老化, 带病运转); size an assumption"),
    _uncertain("hazard_repair", 0.12, 0.02, 0.4, "share per month", "隐患自查自改",
               "Own hazard repair", "hazards", "1.3",
               "Share of hidden hazards a fully investing firm removes each month.",
               source="assumption; calibrated"),
    # ------------------------------------------------------------------- inspection behaviour
    _uncertain("inspections_per_inspector", 6.0, 1.0, 20.0, "per month", "人均检查量",
               "Inspections per inspector", "inspection", "1.1",
               "Enterprise inspections one inspector can do in a month.",
               source="Kunshan 2020 enforcement bulletin (~1,800 inspections in five months); calibrated"),
    _uncertain("formality", 0.35, 0.0, 0.8, "share", "走形式走过场",
               "Formality of inspections", "inspection", "1.1",
               "Share of inspections that are formal only (detect nothing) before oversight and "
               "rule of law.",
               source="paper 1.1 (走形式、走过场); size an assumption"),
    _uncertain("oversight_effect", 0.6, 0.0, 1.0, "share", "督导效果",
               "Effect of city oversight", "inspection", "1.2",
               "Share of formality and leniency that full city oversight removes.",
               source="Duflo et al. 2013 (audited auditors report truthfully); size an assumption"),
    _uncertain("rule_of_law_effect", 0.5, 0.0, 1.0, "share", "法治化效果",
               "Effect of rule of law", "committees", "2.6",
               "Share of formality, leniency and campaign swings that full rule of law removes.",
               source="paper 2.6; size an assumption"),
    _uncertain("records_effect", 0.3, 0.0, 1.0, "share", "执法全过程记录效果",
               "Effect of enforcement records", "inspection", "1.2, 2.3",
               "Share of formality and leniency that full enforcement informatisation removes: "
               "every inspection is recorded in the case system where oversight can see it.",
               source="paper 1.2; State Council 2018 三项制度 (国办发〔2018〕118号); size an assumption"),
    _uncertain("integration_effect", 0.7, 0.0, 1.0, "share", "集成化效果",
               "Effect of integration", "inspection", "2.2",
               "Share of coordination loss and of the supervision gap that full integration removes.",
               source="paper 2.2 (professional committees); size an assumption"),
    _uncertain("cross_region_cost", 1.5, 1.0, 4.0, "x capacity", "异地执法成本",
               "Cost of a cross-region inspection", "inspection", "1.1",
               "Inspection capacity one cross-region inspection uses (travel, team).",
               source="assumption: travel and a team from another county"),
    _uncertain("cross_region_skill", 0.15, 0.0, 0.4, "probability", "异地执法专业性",
               "Skill bonus of cross-region teams", "inspection", "1.1",
               "Extra detection probability of a cross-region team.",
               source="assumption: teams are selected and specialised (专业化)"),
    _uncertain("platform_skill", 0.2, 0.0, 0.4, "probability", "平台监测发现",
               "Detection bonus on the chemicals platform", "inspection", "1.5",
               "Extra detection probability for firms on the hazardous-chemicals platform.",
               source="assumption: sensors and records show what the inspector looks for"),
    _uncertain("score_quality_base", 0.15, 0.0, 0.5, "share", "风险评分基础质量",
               "Risk-score quality without information systems", "information", "1.2, 2.3",
               "Weight of the true risk in a firm's risk score with no informatisation or data "
               "sharing; the rest of the weight comes with them.",
               source="assumption: inspectors' local knowledge"),
    _uncertain("report_weight", 2.0, 0.0, 10.0, "x inspection weight", "上报隐患权重",
               "Weight of a fresh report", "inspection", "2.4",
               "Extra inspection weight of a firm with a fresh grid or platform report.",
               source="paper 2.4 (网格发现、部门报到); size an assumption"),
    _uncertain("report_shelf_life", 12.0, 1.0, 36.0, "months", "上报有效期",
               "Report shelf life", "inspection", "2.4",
               "Months a grid or platform report keeps raising a firm's inspection weight.",
               source="assumption: one inspection planning cycle", integer=True),
    _uncertain("county_priority_share", 0.5, 0.0, 1.0, "share", "县级重视度权重",
               "Weight of the county committee", "committees", "1.1",
               "Share of a county's enforcement effort set by its own committee; city and "
               "province committees set the rest in equal parts.",
               source="assumption (属地管理: the county runs its own enforcement)"),
    # ------------------------------------------------------------------ policy timeline
    _uncertain("reform_extent", 1.0, 0.5, 1.5, "x", "改革力度",
               "Extent of the reforms before the anchor year", "scenario", "2.1, 2.6",
               "Scales how far each scheduled lever value before a scenario's reform_anchor_year "
               "lies from the value in force at the anchor (1 = as the file writes it; levers in "
               "reform_documented are not scaled). No effect on a scenario without an anchor.",
               source="assumption: the sizes of historical.toml's lever steps are judgement "
                      "([assumption]/[source] marks there); calibrated with a flat prior of ±50%"),
    # ------------------------------------------------------------------ leniency, collusion
    _uncertain("tie_growth", 0.05, 0.0, 0.5, "per meeting", "人情关系增长",
               "Tie growth", "leniency", "1.1",
               "Increase in tie strength per inspection of a firm by its own inspector.",
               source="LITERATURE: ties grow per meeting (Abbink 2004); kept small because inspections "
                      "without a penalty have no lasting effect either way (Haviland et al. 2012)"),
    _uncertain("tie_decay", 0.01, 0.0, 0.1, "per month", "人情关系衰减",
               "Tie decay", "leniency", "1.1",
               "Monthly decay of tie strength toward its social resting level.",
               source="Abbink 2004 (ties fade without contact); size an assumption"),
    _uncertain("native_tie", 0.4, 0.0, 1.0, "tie strength", "乡土人情",
               "Native inspectors' social ties", "leniency", "1.1",
               "Resting tie strength of a native inspector to local firms (乡土社会).",
               source="paper 1.1; Jia & Nie 2017 (native safety governors, more deaths)"),
    _uncertain("native_share", 0.8, 0.0, 1.0, "share", "本地执法人员比例",
               "Native inspectors", "leniency", "1.1",
               "Share of inspector posts held by locals (本地人) at the start.",
               source="assumption: county enforcement staff are mostly recruited locally"),
    _uncertain("leniency_kappa", 4.0, 0.0, 10.0, "per tie unit", "人情宽容系数",
               "Leniency sensitivity", "leniency", "1.1",
               "kappa in leniency = sigma(kappa g - threshold).",
               source="LITERATURE: leniency = sigma(kappa g - expected sanction on the inspector)"),
    _uncertain("leniency_threshold", 2.0, 0.0, 6.0, "logit units", "宽容门槛",
               "Leniency threshold", "leniency", "1.1",
               "Threshold in leniency = sigma(kappa g - threshold): the inspector's own risk.",
               source="LITERATURE (expected sanction on the inspector); size an assumption"),
    _uncertain("investigation_exposure", 0.5, 0.0, 2.0, "exposure units per case", "事故调查问责",
               "Collusion exposure by investigations", "leniency", "1.1",
               "Rise in a county's collusion exposure when an accident investigation or a "
               "cross-region team finds a let-off firm; leniency is divided by 1 + exposure.",
               source="Duflo et al. 2013; Jia & Nie 2017 (media exposure lowers deaths); size an assumption"),
    _uncertain("exposure_decay", 0.05, 0.01, 0.5, "per month", "问责效应衰减",
               "Decay of collusion exposure", "leniency", "1.1",
               "Monthly decay of a county's collusion exposure.",
               source="assumption: attention fades over about two years"),
    # ------------------------------------------------------------------------------- grids
    _uncertain("grid_visits", 25.0, 0.0, 80.0, "firm visits per worker-month", "网格巡查量",
               "Grid visits", "grid", "2.4",
               "Firm visits one grid worker makes per month.",
               source="LITERATURE: key units visited at least monthly; assumption"),
    _uncertain("grid_skill_ratio", 0.45, 0.1, 1.0, "x inspector skill", "网格员发现能力",
               "Grid detection vs inspectors", "grid", "2.4",
               "Grid workers' detection relative to inspectors.",
               source="Nantong platform: ~26,000 warnings -> 815 real hazards; below inspectors"),
    _uncertain("grid_fix_share", 0.2, 0.0, 0.6, "share", "网格当场整改",
               "On-the-spot fixes", "grid", "2.4",
               "Share of found hazards fixed on the spot after a grid worker's advice.",
               source="assumption"),
    _uncertain("grid_visit_gain", 0.01, 0.0, 0.05, "awareness units", "网格宣传效果",
               "Awareness from a grid visit", "grid", "2.4",
               "Owner awareness gained from a grid worker's visit (宣传窗口).",
               source="assumption"),
    _uncertain("report_delay", 3.0, 0.0, 12.0, "months", "上报时滞",
               "Report delay", "grid", "2.4",
               "Months before a grid report reaches targeting without informatisation.",
               source="paper 1.2 (执法信息化进展缓慢); size an assumption"),
    # ------------------------------------------------------------------------- information
    _uncertain("platform_fix_share", 0.15, 0.0, 0.5, "share per month", "平台闭环整改",
               "Platform fixes", "information", "1.5, 2.5",
               "Share of a covered chemical firm's hidden hazards flagged and fixed each month.",
               source="assumption (闭环监管)"),
    _uncertain("north_platform_coverage", 0.5, 0.1, 1.0, "x", "苏北平台覆盖",
               "Platform coverage in the north", "information", "1.5",
               "Platform coverage in Northern Jiangsu relative to the rest at the same lever.",
               source="paper 1.5 (苏北 lags); size an assumption"),
    # -------------------------------------------------------------------------- committees
    _uncertain("priority_decay", 0.06, 0.0, 0.3, "per month", "重视程度回落",
               "Priority decay", "committees", "1.1",
               "Monthly relaxation of committee priority toward its resting level.",
               source="assumption: campaign attention halves in about a year"),
    _uncertain("campaign_jump", 0.35, 0.0, 1.0, "priority units", "事故后运动式执法",
               "Campaign reaction", "committees", "1.1",
               "Jump in committee priority per grade step after a larger (较大) or worse accident.",
               source="paper 1.1 (运动式执法); size an assumption"),
    _uncertain("campaign_months", 12.0, 1.0, 36.0, "months", "专项整治期限",
               "Campaign length", "committees", "1.4",
               "Months a sector campaign lasts after a major-or-worse accident.",
               source="assumption: special rectification campaigns usually run a year", integer=True),
    _uncertain("campaign_inspection_weight", 3.0, 1.0, 10.0, "x inspection weight", "专项整治检查权重",
               "Campaign inspection weight", "inspection", "1.4",
               "Inspection weight of a sector under campaign.",
               source="assumption"),
    # --------------------------------------------------------------------------- awareness
    _uncertain("awareness_decay", 0.02, 0.0, 0.1, "per month", "安全意识衰减",
               "Awareness decay", "awareness", "2.5",
               "Monthly decay of awareness toward its untrained level.",
               source="assumption: training effects fade over a few years"),
    _uncertain("awareness_floor", 0.2, 0.0, 0.5, "index", "基础安全意识",
               "Untrained awareness", "awareness", "2.5",
               "Awareness an untrained owner or workforce returns to.",
               source="paper 1.3 (一线从业人员缺乏基本的安全常识); assumption"),
    _uncertain("training_gain", 0.3, 0.0, 0.8, "awareness units", "培训效果",
               "Training gain", "awareness", "2.5",
               "Awareness gained from one training.",
               source="Robson et al. 2012; size an assumption"),
    _uncertain("party_branch_gain", 0.01, 0.0, 0.05, "awareness units per month", "党支部宣传效果",
               "Awareness from a party branch", "awareness", "2.1",
               "Monthly awareness gain in firms with a party branch (党支部战斗堡垒).",
               source="paper 2.1; size an assumption"),
    # ------------------------------------------------------------------------- demography
    _uncertain("accident_closure", 0.5, 0.0, 1.0, "probability", "事故后关闭",
               "Closure after a serious accident", "demography", "1.4",
               "Probability that a firm closes after a larger-or-worse (较大及以上) accident.",
               source="assumption: serious accidents usually end the firm (停产整顿, 关闭)"),
    _uncertain("exit_rate", 0.004, 0.0, 0.02, "per month", "企业退出率",
               "Firm exit rate", "demography", "1.2",
               "Monthly natural exit rate of firms.",
               source="assumption: about 5% of firms a year"),
    _uncertain("entry_rate", 0.08, 0.01, 0.5, "per month", "企业进入率",
               "Entry into vacant premises", "demography", "1.2",
               "Monthly probability that a vacant premises is taken by a new firm.",
               source="assumption: a vacant site is taken within about a year"),
    _uncertain("remediation_selectivity", 4.0, 1.0, 10.0, "x", "整治针对性",
               "Remediation selectivity", "campaigns", "1.4",
               "How much likelier the remediation programme closes a non-compliant producer "
               "than a compliant one.",
               source="Jiangsu 2019 plan: close producers failing safety standards first; size an assumption"),
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


# ================================================================ lever anchors (what values mean)
# Wording for the lower bound, the midpoint and the upper bound of every lever, in English and
# Chinese, shown beside the sliders so that a value such as 0.45 means something to an official.
# Kept in one table, apart from the declarations above, and applied below.
# fmt: off
_ANCHORS: dict[str, tuple[tuple[str, str, str], tuple[str, str, str]]] = {
    "development_first": (
        ("safety first: growth never overrides safety", "growth and safety weighed equally",
         "growth above all, safety gives way"),
        ("安全优先，发展服从安全", "发展与安全并重", "唯增长论，安全让位于发展")),
    "party_building": (
        ("safety left to the safety office; party committees stay out", "party and government share "
         "responsibility on paper; some party branches active", "party and government leaders take charge in "
         "person; branches active in most firms"),
        ("安全只由职能部门管，党委基本不过问", "党政同责已提出，部分企业党支部发挥作用",
         "党政一把手亲自抓，多数企业党支部发挥战斗堡垒作用")),
    "rule_of_law": (
        ("enforcement by campaign and discretion", "laws in place, applied unevenly",
         "local legislation, lawful decisions, regular rule-of-law assessment"),
        ("执法随意，靠运动式整治", "有法可依，但执行不一", "地方立法完备，依法决策，定期开展法治考评")),
    "inspectors_per_county": (
        ("a handful of inspectors per county", "a well-staffed county team",
         "very large teams, far above today's staffing"),
        ("每县仅寥寥数名执法人员", "县级执法队伍较为充足", "远超现有编制的庞大执法队伍")),
    "coordination_loss": (
        ("clear duties: no capacity wasted", "a sizeable share of capacity lost between levels and departments",
         "most of the lost capacity the model allows: shifting responsibility everywhere"),
        ("权责清晰，执法力量不空耗", "相当一部分执法力量因条块衔接不畅而空耗", "权责严重不对等，大量执法力量空耗在推诿中")),
    "integration": (
        ("every department works alone", "the committee coordinates some sectors",
         "professional committees for chemicals, transport, construction and occupational health"),
        ("各部门各自为战", "安委会统筹协调部分行业领域", "化工、交通、建筑施工、职业健康等专业委员会健全运转")),
    "risk_targeting": (
        ("all inspections double-random", "half by risk grade, half double-random",
         "every inspection aimed by risk score"),
        ("全部实行双随机抽查", "一半按风险分级精准执法，一半双随机抽查", "全部按风险评分精准执法")),
    "inspector_skill": (
        ("most real violations go unseen", "a little over half of real violations found",
         "nearly every real violation found"),
        ("多数违法行为查不出来", "能查出一半多的违法行为", "几乎所有违法行为都能查出")),
    "city_oversight": (
        ("cities never check county enforcement", "occasional reviews of county case files",
         "systematic audits of documents, evidence, procedure and case files"),
        ("设区市不过问县级执法质量", "不定期抽查县级执法案卷", "对文书、取证、程序、案卷全面检查把关")),
    "rotation_rate": (
        ("inspectors never rotate", "half of the inspectors rotated each year", "every inspector rotated each year"),
        ("执法人员从不轮岗", "每年轮岗交流一半执法人员", "每年全部轮岗交流")),
    "cross_region_share": (
        ("no cross-region enforcement", "a sizeable share of capacity to outside teams",
         "the largest share the model allows to outside teams"),
        ("不开展异地执法", "相当一部分执法力量用于异地执法", "异地执法达到允许的最大比例")),
    "unregulated_share": (
        ("every firm has a regulator", "many new-industry, service and micro firms have none",
         "a large part of the firms with no regulator"),
        ("每家企业都有明确的监管部门", "不少新兴行业、服务业和小微企业无明确监管部门", "大量企业处于监管责任“悬空”状态")),
    "fine_level": (
        ("fines far below what violating saves", "fines well above what violating saves",
         "fines several times what violating saves"),
        ("罚款远低于违法省下的成本", "罚款明显高于违法省下的成本", "罚款数倍于违法省下的成本")),
    "blacklist_strength": (
        ("no blacklist, no joint punishment", "some violators listed; some departments act on it",
         "serious violators always listed; every department punishes jointly"),
        ("不实行黑名单和联合惩戒", "部分违法企业被列入，部分部门联动惩戒", "严重违法必列入黑名单，各部门联合惩戒")),
    "blacklist_months": (
        ("listed for a few months", "listed for one to two years", "listed for about three years"),
        ("列入数月即移出", "列入一至两年", "列入约三年")),
    "grid_workers_per_grid": (
        ("no grid workers", "one or two grid workers per grid", "three per grid, dense patrols"),
        ("网格内没有网格员", "每个网格一至两名网格员", "每个网格三名网格员，巡查密集")),
    "informatisation": (
        ("paper files, no enforcement system", "enforcement system in use, data incomplete",
         "IoT and big data feed risk scores in real time"),
        ("纸质办案，没有执法信息系统", "执法管理系统已使用，但数据不全", "物联网、大数据实时支撑风险研判")),
    "data_sharing": (
        ("committee members keep their data to themselves", "some data shared between members",
         "one platform shared by every committee member"),
        ("各成员单位数据互不相通", "成员单位之间部分数据共享", "各成员单位共建共享一体化平台")),
    "chem_platform": (
        ("no hazardous-chemicals firm on the platform", "half of them connected",
         "every one connected: full-process control"),
        ("危化品企业均未接入平台", "一半危化品企业接入平台", "全部接入，实现全流程信息化管控")),
    "training_rate": (
        ("no safety training", "half of the firms trained each year", "every firm trained each year"),
        ("不开展安全培训", "每年培训一半企业的负责人和员工", "每年培训全部企业的负责人和员工")),
    "rescue_capacity": (
        ("little rescue equipment", "equipped for ordinary accidents",
         "full high-end equipment for high-rise, metro and petrochemical accidents"),
        ("应急救援装备严重不足", "能够应对一般事故的救援", "“高、精、尖”装备齐全，可处置高层、地铁、石化事故")),
    "chemical_remediation": (
        ("no closure programme", "a sizeable share of small chemical producers closed each year",
         "sweeping closures every year"),
        ("不开展化工整治关停", "每年关停相当部分中小化工企业", "每年大规模关停中小化工企业")),
    "campaign_closure": (
        ("no closures after a disaster", "some risky small firms of the sector closed",
         "mass closures in the sector after a disaster"),
        ("重大事故后不搞关停", "重大事故后关停该行业部分高风险小企业", "重大事故后该行业大面积关停")),
    "accident_targets": (
        ("accident counts play no part in officials' assessment", "accident targets count in the assessment",
         "accident targets decide promotions (veto)"),
        ("事故起数不纳入干部考核", "事故控制指标纳入考核", "事故控制指标实行“一票否决”")),
}
# fmt: on

PARAMETERS = tuple(replace(p, anchors=_ANCHORS[p.name]) if p.name in _ANCHORS else p for p in PARAMETERS)
BY_NAME = {p.name: p for p in PARAMETERS}
LEVERS = tuple(p for p in PARAMETERS if p.kind == "lever")
UNCERTAIN = tuple(p for p in PARAMETERS if p.kind == "uncertain")
