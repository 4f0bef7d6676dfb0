"""Lessons of the debrief and the facilitator's notes, in Chinese and English.

Each lesson is tied to the paper's sections (the lever's ``paper`` refs in ``sim.params``, shown
in the paper's own numbering, 一（二）) and carries a ``key`` that selects the facilitator note
and discussion questions for it (``NOTES``). The Chinese lessons say everything the English
ones say, the mechanism sentence included (``MECHANISM_ZH`` beside ``Param.doc``).
"""

from __future__ import annotations

import numpy as np

from sim import params

from .i18n import lever_label, metric_label, section_ref, signed_points, t, unit_label

#: What each priced lever does in the model, in Chinese (the English is ``Param.doc``).
MECHANISM_ZH = {
    "inspectors_per_county": "各县（市、区）的执法人员编制：人越多，每月能检查的企业越多。",
    "cross_region_share": "一部分执法力量组成异地执法组：与被查企业没有人情关系、不走过场、专业水平更高，"
                          "每次检查耗用1.5倍的执法力量，并能揭露人情执法。",
    "grid_workers_per_grid": "每个网格巡查的网格员（“大数据＋网格化＋铁脚板”）：发现隐患并上报，帮助执法精准定位。",
    "informatisation": "风险评分的准确程度和上报信息的处理速度（物联网、大数据）。",
    "data_sharing": "安委会成员单位共享数据：风险评分更准、上报处理更快、黑名单各部门都能看到。",
    "chem_platform": "纳入危化品全流程信息化管控平台的企业比例：风险完全掌握、隐患发现更快；苏北相对滞后。",
    "training_rate": "每年接受安全培训的企业负责人和员工的比例；培训提高安全意识。",
    "rescue_capacity": "应急救援装备和队伍：事故发生后减少死亡（效果有限）。",
}

#: Facilitator notes per lesson key: (note (en, zh), [discussion questions (en, zh)]).
NOTES: dict[str, tuple[tuple[str, str], list[tuple[str, str]]]] = {
    "outcome": (
        ("Start from the totals: did the team beat the baseline on deaths and on larger-or-worse accidents? "
         "The three paths share the same chance events, so a gap is the effect of the choices; ask the team "
         "to say which choice they think made it before showing the single-choice table.",
         "先看合计：本队在死亡人数和较大及以上事故上是否好于基准？三条路径经历相同的偶然事件，差距就是决策的效果；"
         "在展示单项效果表之前，先请各队说说他们认为是哪项决策带来了差距。"),
        [("Which of your choices do you think did the most, and why?", "你们认为哪一项决策作用最大？为什么？"),
         ("Deaths and compliance can move apart: what would explain that?", "死亡人数和守法率有时走向不一致，可能是什么原因？")]),
    "inspectors_per_county": (
        ("More inspectors mean more visits, but formality and personal ties (一（一）) decide how many visits "
         "find and punish anything; the model's counties with many inspections and no penalty case show it.",
         "执法人员多，检查次数就多；但检查能否查出问题、能否立案处罚，取决于走形式和人情关系（一（一））。"
         "模型中“多轮次检查却无一起立案处罚”的县说明了这一点。"),
        [("Would more staff help in a county where inspections are formal only?", "在检查走过场的县，增加编制有用吗？"),
         ("What would you pair with more inspectors so that the visits count?",
          "增加人员的同时，还应配套哪些措施才能让检查见效？")]),
    "cross_region_share": (
        ("Cross-region teams have no local ties and expose collusion (一（一）, 二（六）), but each visit uses "
         "more capacity: fewer, better inspections.",
         "异地执法组没有本地人情关系，还能揭露人情执法（一（一）、二（六）），但每次检查耗用更多力量：检查次数少了，质量高了。"),
        [("When is a smaller number of better inspections worth it?", "什么情况下，少而精的检查更值得？"),
         ("How does your own county handle inspectors' ties to local firms?",
          "你们所在地如何处理执法人员与本地企业的人情关系？")]),
    "grid_workers_per_grid": (
        ("Grid workers are the first sensors (二（四）): their reports sharpen targeting, more so when "
         "information systems move the reports quickly.",
         "网格员是发现风险的“第一感知触角”（二（四））：他们的上报让执法更精准，信息化程度越高，上报传递越快，效果越明显。"),
        [("What makes a grid report reach an inspector in time where you work?",
         "在你们那里，网格上报怎样才能及时传到执法人员手中？"),
         ("Grid workers or inspectors: which would you fund first, and why?", "网格员和执法人员，你们会先保障哪一项？为什么？")]),
    "informatisation": (
        ("Informatisation (一（二）, 二（三）) does little on its own: it improves risk scores and the speed of "
         "reports, which pay off through targeted inspections and grid reports.",
         "执法信息化（一（二）、二（三））本身直接作用不大：它让风险评分更准、上报更快，要通过精准执法和网格上报才能见效。"),
        [("Which other lever did informatisation need to pay off?", "信息化需要与哪项杠杆配合才能见效？"),
         ("What stops enforcement systems from being used where you work?", "在你们那里，执法信息系统推广使用的障碍是什么？")]),
    "data_sharing": (
        ("The paper names data kept inside departments as a difficulty (一（五）): shared data improves risk "
         "scores and lets every department see the blacklist.",
         "论文把各成员单位信息不共享列为难点（一（五））：共享数据让风险评分更准，黑名单各部门都能看到。"),
        [("Which department's data would help your inspections most?", "哪个部门的数据对你们的执法检查最有帮助？"),
         ("What keeps committee members from sharing data today?", "目前是什么阻碍了安委会成员单位之间共享数据？")]),
    "chem_platform": (
        ("The full-process hazardous-chemicals platform (一（五）, 二（三）) matters where chemical firms are "
         "many and small, as in parts of Northern Jiangsu (一（四）).",
         "危化品全流程信息化管控平台（一（五）、二（三））在化工企业多而小的地方作用最大，例如苏北部分地区（一（四））。"),
        [("Would you spend the same on the platform in every region?", "各地区在平台上的投入应当一样吗？"),
         ("What does the platform replace, and what does it not?", "平台能替代什么，不能替代什么？")]),
    "training_rate": (
        ("Training raises awareness and cuts unsafe acts, which cause most accidents (the 88:10:2 rule, "
         "一（三）; 二（五）); its effect builds up and fades slowly.",
         "培训提高安全意识、减少不安全行为，而不安全行为是多数事故的原因（“88∶10∶2”规律，一（三）；二（五））；"
         "培训效果逐步累积，也会慢慢衰减。"),
        [("Why might training show little in the first year and more later?", "为什么培训在第一年效果不明显、以后逐渐显现？"),
         ("Whom would you train first: owners, workers or officials?", "先培训谁：企业负责人、员工还是干部？")]),
    "rescue_capacity": (
        ("Rescue capacity lowers deaths once an accident happens (一（二）) but prevents none: a lesson in "
         "the difference between response and prevention.",
         "救援能力在事故发生后减少死亡（一（二）），但不能预防事故：这体现了应急处置与事前预防的区别。"),
        [("How would you split money between prevention and response?", "预防和应急之间，资金应当如何分配？"),
         ("Which accidents does rescue capacity matter most for?", "救援能力对哪类事故最重要？")]),
    "interaction": (
        ("Levers work together: the single effects do not add up to the combination. Informatisation makes "
         "inspections better targeted and grid reports sharpen risk scores (二（二）, 二（三）).",
         "杠杆之间相互作用：单项效果之和不等于组合效果。信息化让检查更有针对性，网格上报让风险评分更准（二（二）、二（三））。"),
        [("Which of your levers reinforced each other, and which got in each other's way?",
          "你们的哪些杠杆相互促进，哪些相互抵消？"),
         ("What does this say about evaluating one measure at a time?", "这对逐项评估政策措施有什么启示？")]),
    "budget": (
        ("A team did not spend its whole budget. Unspent money is a choice too: ask whether it was "
         "caution, a plan, or running out of time, and compare with the reference policy, which spends it.",
         "有的队伍没有用完预算。不花钱也是一种选择：问一问是出于谨慎、有意为之，还是时间不够；并与用满预算的参照政策比较。"),
        [("What would you have done with the money left over?", "剩下的预算你们本来会用在哪里？"),
         ("Is it fair to compare a team that spent less with one that spent it all?",
          "花得少的队和用满预算的队，能直接比较吗？")]),
    "reference": (
        ("The reference policy moves the status quo toward a scenario's allocation as far as the budget "
         "allows; when the budget allows little, the reference is close to the status quo, and beating it "
         "says less.", "参照政策是在预算允许范围内把现状投入向某一情景的配置推进；预算有限时，参照政策与现状相差不大，"
         "胜过参照政策的意义也就有限。"),
        [("Did your team do better than the reference, and would you expect to?", "本队是否好于参照政策？你们原本预期如此吗？")]),
}


def _fmt(x: float, metric: str, lang: str) -> str:
    if round(x, {"compliance_rate": 3, "hazards_per_enterprise": 2}.get(metric, 0)) == 0:
        x = 0.0  # no "-0"
    if metric == "compliance_rate":
        return signed_points(x, lang) if x != 0 else "0"
    if metric == "hazards_per_enterprise":
        return f"{x:+.2f}"
    return f"{x:+,.0f}"


def mechanism(lever: str, lang: str) -> str:
    return MECHANISM_ZH.get(lever, "") if lang == "zh" else params.BY_NAME[lever].doc


def refs_text(refs: list[str], lang: str) -> str:
    return ("；" if lang == "zh" else "; ").join(section_ref(r, lang) for r in refs)


def lessons(d, lang: str = "en") -> list[dict]:
    """Plain-language lessons of a debrief, each tied to sections of the paper."""
    zh = lang == "zh"
    out = []
    tb, tc, tr = d.totals["baseline"], d.totals["class"], d.totals["reference"]
    word = {"helped": ("better", "更好"), "hurt": ("worse", "更差"), "neutral": ("about the same", "相当")}
    for metric in ("deaths", "accidents_larger_or_worse", "compliance_rate"):
        v_b, v_r = d.verdict(metric, tc[metric], tb[metric]), d.verdict(metric, tc[metric], tr[metric])
        name = metric_label(metric, lang)
        diff_b, diff_r = _fmt(tc[metric] - tb[metric], metric, lang), _fmt(tc[metric] - tr[metric], metric, lang)
        if zh:
            text = f"{name}：与基准相比{word[v_b][1]}（{diff_b}）；与参照政策相比{word[v_r][1]}（{diff_r}）。"
        else:
            text = (f"{name}: compared with the baseline, {word[v_b][0]} ({diff_b}); compared with the "
                    f"reference policy, {word[v_r][0]} ({diff_r}).")
        out.append({"kind": "outcome", "key": "outcome", "metric": metric, "verdict": v_b, "refs": [], "text": text})
    for e in sorted(d.levers, key=lambda e: e.effects["deaths"]):
        p = params.BY_NAME[e.lever]
        v = d.verdict("deaths", tb["deaths"] + e.effects["deaths"], tb["deaths"])
        refs = refs_text(e.paper, lang)
        mean_b, mean_c = float(np.mean(e.baseline)), float(np.mean(e.chosen))
        d_deaths, d_comp = e.effects["deaths"], e.effects["compliance_rate"]
        per = ""
        if abs(e.extra_cost) > 0 and d_deaths < 0 < e.extra_cost:
            per = (f"，相当于每亿元避免死亡约{-d_deaths / (e.extra_cost / 1e4):.1f}人" if zh else
                   f"; about {-d_deaths / (e.extra_cost / 1e4):.1f} deaths avoided per 100M CNY")
        if zh:
            text = (f"{lever_label(e.lever, lang)}：由{mean_b:.3g}调至平均{mean_c:.3g}（{unit_label(p.unit, lang)}），"
                    f"各年投入合计变化{e.extra_cost:+,.0f}万元。仅此一项（其余保持基准，偶然事件相同）使死亡人数"
                    f"{_fmt(d_deaths, 'deaths', lang)}、守法率{_fmt(d_comp, 'compliance_rate', lang)}{per}。"
                    f"作用机制：{mechanism(e.lever, lang)}对应论文：{refs}。")
        else:
            text = (f"{p.label} ({p.zh}): moved from {mean_b:.3g} to {mean_c:.3g} on average ({p.unit}), "
                    f"{e.extra_cost:+,.0f} (10k CNY) over the years. On its own (everything else at the "
                    f"baseline, same chance events) it changed deaths by {_fmt(d_deaths, 'deaths', lang)} and "
                    f"compliance by {_fmt(d_comp, 'compliance_rate', lang)}{per}. Mechanism: {p.doc} Paper: {refs}.")
        out.append({"kind": "lever", "key": e.lever, "lever": e.lever, "verdict": v, "refs": e.paper, "text": text})
    joint = tc["deaths"] - tb["deaths"]
    singles = sum(e.effects["deaths"] for e in d.levers)
    if d.levers:
        rest = joint - singles
        refs = refs_text(["2.2", "2.3"], lang)
        if zh:
            text = (f"各项单独效果之和为{singles:+,.0f}人，组合效果为{joint:+,.0f}人：差额{rest:+,.0f}人来自杠杆之间的"
                    f"相互作用（如信息化提升了检查的针对性，网格上报提高了风险评分的准确度）。对应论文：{refs}。")
        else:
            text = (f"The single effects add up to {singles:+,.0f} deaths, the combination to {joint:+,.0f}: "
                    f"{rest:+,.0f} come from interactions between levers (informatisation makes inspections "
                    f"better targeted, grid reports sharpen risk scores). Paper: {refs}.")
        out.append({"kind": "interaction", "key": "interaction", "verdict": "neutral", "refs": ["2.2", "2.3"],
                    "text": text})
    if d.underspent:
        left = d.budget - float(np.mean(d.spent))
        out.append({"kind": "budget", "key": "budget", "verdict": "hurt", "refs": [],
                    "text": t("unspent_flag", lang, share=d.spent_share, left=left)})
    out.append({"kind": "reference", "key": "reference", "verdict": "neutral", "refs": [],
                "text": reference_text(d.reference, d.settings.reference, lang)})
    return out


def reference_text(ref, reference_name: str, lang: str) -> str:
    """What the reference policy is: how far toward the reference scenario the budget allowed, and
    how it differs from the status quo."""
    from . import world as W
    from .i18n import scenario_title

    name = scenario_title(W.scenario(reference_name), lang)
    if ref.scaled_down:
        head = t("ref_scaled", lang)
    elif ref.reached >= 1.0 - 1e-9:
        head = t("ref_full", lang, name=name, cost=ref.target_cost)
    else:
        head = t("ref_part", lang, share=ref.reached, name=name, cost=ref.target_cost)
        if ref.reached < 0.25:
            head += t("ref_near", lang)
    return head + (" " if lang != "zh" else "") + reference_changes(ref, lang)


def reference_changes(ref, lang: str) -> str:
    """'与现状相比：执法信息化 0.3→0.42；…' for the reference policy's allocation."""
    start = ref.start
    sep = "；" if lang == "zh" else "; "
    items = [f"{lever_label(k, lang)} {start[k]:.3g}→{v:.3g}" for k, v in ref.allocation.items()
             if abs(v - start[k]) > 1e-6 * max(1.0, abs(start[k]))]
    return t("ref_changes", lang, items=sep.join(items)) if items else t("ref_none", lang)


NOTE_TITLES = {"outcome": ("Overall results", "总体结果"), "interaction": ("Levers together", "杠杆之间的相互作用"),
               "budget": ("Unspent budget", "未用完的预算"), "reference": ("The reference policy", "参照政策")}


def note_title(key: str, lang: str) -> str:
    if key in NOTE_TITLES:
        en, zh = NOTE_TITLES[key]
        return zh if lang == "zh" else en
    return lever_label(key, lang)


def notes_for(keys: list[str], lang: str) -> list[dict]:
    """Facilitator notes for lesson keys (each once, in the order given)."""
    out = []
    for key in dict.fromkeys(keys):
        if key not in NOTES:
            continue
        (note_en, note_zh), questions = NOTES[key]
        out.append({"key": key, "title": note_title(key, lang), "note": note_zh if lang == "zh" else note_en,
                    "questions": [zh if lang == "zh" else en for en, zh in questions]})
    return out
