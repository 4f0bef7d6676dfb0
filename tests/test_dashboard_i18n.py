"""Chinese throughout: lever anchors declared with the parameters, paper numbering, no Latin in zh."""

from __future__ import annotations

import re

import pytest

from safegov.dashboard import i18n, lessons, report
from safegov.dashboard import pricing as P
from safegov.dashboard import rounds as R
from safegov.dashboard import world as W
from safegov.dashboard.explore_view import scenario_choices
from sim import params
from sim.jurisdiction import city_names

LATIN = re.compile(r"[A-Za-z]")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _zh_only(text: str) -> str:
    return re.sub(r"\{[^}]*\}", "", text)  # format placeholders are not shown


def test_every_lever_declares_low_middle_high_anchors_in_both_languages():
    assert set(params._ANCHORS) <= {p.name for p in params.LEVERS}  # no anchors for a lever that is gone
    for p in params.LEVERS:
        assert p.anchors is not None, f"{p.name} has no anchors in sim/params.py _ANCHORS"
        en, zh = p.anchors
        assert len(en) == len(zh) == 3 and len(set(en)) == 3 and len(set(zh)) == 3, p.name
        assert all(LATIN.search(x) and not CJK.search(x) for x in en), p.name
        assert all(CJK.search(x) and not LATIN.search(x) for x in zh), p.name
        low, mid, high = p.anchor_values()
        assert (low, high) == (p.low, p.high) and low < mid < high
        assert params.BY_NAME[p.name] is p
    assert all(p.anchors is None for p in params.UNCERTAIN)


def test_slider_captions_give_unit_bounds_anchors_and_paper_numbering():
    for p in params.LEVERS:
        assert p.unit in i18n.UNIT_ZH, f"unit {p.unit!r} of {p.name} has no Chinese"
        zh = i18n.lever_caption(p.name, "zh")
        assert not LATIN.search(zh), zh
        assert f"{p.low:g}–{p.high:g}" in zh and i18n.UNIT_ZH[p.unit] in zh
        words = [w for _, _, w in i18n.lever_anchors(p.name, "zh")]
        assert words == list(p.anchors[1])
    assert i18n.nearest_anchor("development_first", 0.45) == 1
    assert i18n.nearest_anchor("inspectors_per_county", 2.0) == 0


def test_paper_sections_in_the_papers_own_numbering():
    assert i18n.section_number("1.2", "zh") == "一（二）"
    assert i18n.section_number("2.6", "zh") == "二（六）"
    assert i18n.section_number("2.6", "en") == "II(6)"
    assert i18n.section_ref("1.1", "zh") == "一（一）安全生产理念还不够牢固"
    refs = {r for p in params.PARAMETERS for r in i18n.sections_of(p.paper)}
    assert refs <= set(i18n.SECTIONS)
    assert i18n.paper_refs("1.1, 2.6", "zh") == "一（一）、二（六）"


def test_dropdowns_name_scenarios_and_cities_in_chinese():
    labels = scenario_choices("zh")
    assert set(labels.values()) == set(W.scenario_names())
    for label in labels:
        assert not LATIN.search(label), label
        assert not re.match(r"^\d\.\d", label)  # '2.4 ...' becomes '二（四）...'
    assert "二（四）覆盖基层的网格化" in labels
    for city in city_names():
        assert not LATIN.search(i18n.role_label(city, "zh"))
    assert i18n.role_label("Nanjing", "zh") == "南京市安委会"


def test_chinese_interface_strings_are_chinese_with_full_width_punctuation():
    for key, (en, zh) in i18n.UI.items():
        text = _zh_only(zh)
        assert not LATIN.search(text), (key, zh)
        assert not re.search(r"[;]|\((?=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff])\)", text), (key, zh)
        assert en and zh
    for name in (*R.METRICS, "accidents_larger_or_worse"):
        assert not LATIN.search(i18n.metric_label(name, "zh")), name
        assert "(" not in i18n.metric_label(name, "zh")


@pytest.fixture(scope="module")
def debrief():
    ex = R.Exercise(R.Settings(scenario="tiny", seed=2, years=2))
    for k in range(2):
        alloc = {**ex.proposal(), "training_rate": 0.3, "informatisation": 0.4 + 0.1 * k,
                 "cross_region_share": 0.1}
        ex.commit(alloc, "rescale")
    return ex, ex.debrief()


def test_chinese_lessons_say_everything_the_english_ones_say(debrief):
    _, d = debrief
    zh, en = d.lessons("zh"), d.lessons("en")
    assert [x["kind"] for x in zh] == [x["kind"] for x in en]
    for x in zh:
        assert not LATIN.search(x["text"]), x["text"]
        assert ";" not in x["text"] and "pp" not in x["text"]
    for x_zh, x_en in zip(zh, en, strict=True):
        if x_zh["kind"] == "lever":
            assert "Mechanism:" in x_en["text"] and "作用机制：" in x_zh["text"]
            assert lessons.MECHANISM_ZH[x_zh["lever"]] in x_zh["text"]
            assert all(i18n.section_number(r, "zh") in x_zh["text"] for r in x_zh["refs"])
    assert any("百分点" in x["text"] for x in zh if x["kind"] == "outcome")


def test_every_lesson_has_facilitator_notes_and_questions_in_both_languages(debrief):
    keys = {"outcome", "interaction", "budget", "reference", *P.BUDGET_LEVERS}
    assert keys <= set(lessons.NOTES)
    assert set(lessons.MECHANISM_ZH) == set(P.BUDGET_LEVERS)
    for key in keys:
        for lang in ("zh", "en"):
            (note,) = lessons.notes_for([key], lang)
            assert note["note"] and note["questions"]
            if lang == "zh":
                assert not LATIN.search(note["note"] + "".join(note["questions"]))
    _, d = debrief
    html = report.lessons_html(d, "zh", notes=True)
    assert html.count('class="sg-fnote"') == len({x["key"] for x in d.lessons("zh")})
    assert "讨论问题" in html


def test_chinese_tables_and_exports_hold_no_latin_words(debrief):
    ex, d = debrief
    for table in (report.totals_table(d, "zh"), report.by_year_table(d, "zh"), report.levers_table(d, "zh"),
                  report.allocations_table(d, "zh"), report.rounds_table(ex.rounds, "zh")):
        text = re.sub(r"<[^>]+>", " ", table)
        assert not LATIN.search(text), sorted(set(re.findall(r"[A-Za-z]+", text)))
    page = report.debrief_html(d, ex.prices, "zh", team="第一组", klass="春季班")
    body = re.sub(r"<style[^>]*>.*?</style>|<[^>]+>", " ", page, flags=re.S)  # charts included
    assert not LATIN.search(body), sorted(set(re.findall(r"[A-Za-z]+", body)))
