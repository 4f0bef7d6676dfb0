"""The dashboard in a real browser: Playwright drives Debian's Chromium against `safegov dashboard`.

Skipped when /usr/bin/chromium is absent (``apt-get install -y chromium``; .ci/run installs it).
One Chinese server for the module (sessions in a temporary folder); the reload test starts its
own servers to restart one. Exercises play the tiny scenario (测试用小情景) to stay quick; no
assertion depends on the model's numbers.
"""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest

from safegov.dashboard import browser as B
from sim import params

pytestmark = pytest.mark.skipif(not os.path.exists(B.CHROMIUM), reason=f"{B.CHROMIUM} is not installed")

expect = pytest.importorskip("playwright.sync_api").expect

TINY = "测试用小情景"
LATIN = re.compile(r"[A-Za-z]")


def _assets():
    from safegov.dashboard.assets import ensure_assets

    try:
        ensure_assets(quiet=True)
    except RuntimeError as exc:  # no npm and no cached front end: an environment limit, like no browser
        pytest.skip(f"dashboard front-end assets unavailable: {exc}")


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    _assets()
    folder = tmp_path_factory.mktemp("dashboard")
    with B.served("zh", folder / "sessions", folder / "server.log") as url:
        yield url


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = B.launch(pw)
        yield browser
        browser.close()


def test_explore_charts_show_the_baseline_and_one_labelled_change_point(chromium, url):
    page = B.open_page(chromium, url, 1024, 768)
    B.run_year(page, 12)
    value = B.nudge_slider(page, "training_rate", 10)  # ten key presses: one change
    assert float(value) == pytest.approx(params.BY_NAME["training_rate"].default + 10 * 0.01)  # none lost
    expect(page.locator(".sg-lever-training_rate .sg-lever-value")).to_have_text(f"{float(value):.3g}",
                                                                                 timeout=20_000)
    expect(page.locator(".sg-pending")).to_contain_text("安全培训", timeout=20_000)
    B.run_year(page, 24)
    figures = page.locator(".sg-explore-charts figure.sg-chart")
    n = figures.count()
    assert n >= 5
    for k in range(n):
        fig = figures.nth(k)
        assert fig.locator('g[id^="baseline-"]').count() == 1  # the baseline on the same chance events
        if fig.get_attribute("data-chart") != "gap":
            d = fig.locator('g[id^="baseline-"] path').first.get_attribute("d")
            assert d.count("L") >= 20  # a line through the months run, not a stub
        labels = fig.locator('g[id^="change-label-"]')
        assert labels.count() == 1  # one slider change = one change point
        assert "安全培训" in labels.first.text_content()
    assert page.locator(".sg-explore-charts").get_attribute("data-changes") == "1"
    B.close_page(page)


def test_zh_trainee_view_holds_no_latin_identifiers(chromium, url):
    page = B.open_page(chromium, url, 1280, 900)
    scenarios = B.select_options(page, ".sg-scenario")
    assert TINY in scenarios and len(scenarios) >= 10
    assert not [s for s in scenarios if LATIN.search(s)], scenarios
    text = B.text_without_switches(page)
    assert not LATIN.findall(text), sorted(set(re.findall(r"[A-Za-z]+", text)))
    B.exercise_home(page)
    roles = B.select_options(page, ".sg-role")
    assert "南京市安委会" in roles and not [r for r in roles if LATIN.search(r)], roles
    B.choose(page, ".sg-trainer-scenario", TINY)
    page.locator(".sg-start").click()
    page.wait_for_selector(".sg-commit", timeout=B.TIMEOUT)
    B.commit(page, 1)
    text = B.text_without_switches(page)
    for word in ("随机种子", "重复编号", "共同随机数", "pp"):
        assert word not in text
    assert not LATIN.findall(text), sorted(set(re.findall(r"[A-Za-z]+", text)))
    assert "经历完全相同的偶然事件" in page.locator(".sg-same-draws").inner_text()
    B.close_page(page)


def test_at_1024x768_the_commit_button_is_in_view_and_text_is_readable(chromium, url):
    page = B.open_page(chromium, url, 1024, 768)
    titles = B.chart_title_px(page, ".sg-explore-charts")
    assert titles and min(titles) >= 14, titles
    B.start_solo(page)
    assert B.in_view(page, ".sg-commit") and B.in_view(page, ".sg-spent")
    page.mouse.wheel(0, 5000)  # scrolled to the results: still there
    page.wait_for_timeout(300)
    assert B.in_view(page, ".sg-commit") and B.in_view(page, ".sg-spent")
    B.commit(page, 1)
    titles = B.chart_title_px(page, ".sg-exercise-charts")
    assert len(titles) == 4 and min(titles) >= 14, titles
    cells = B.header_lines(page)
    assert cells
    wrapped = [c for c in cells if c["lines"] > c["allowed"]]
    assert not wrapped, wrapped  # no header broken over lines (one character per line at worst)
    assert B.page_width(page) <= 1024  # wide tables scroll in their box; the page does not widen
    page.locator(".sg-presenter-switch input").check()
    page.wait_for_selector(".sg-presenter", timeout=20_000)
    page.wait_for_selector(".sg-exercise-charts[style*='367px']", timeout=20_000)  # charts redrawn larger
    big = B.chart_title_px(page, ".sg-exercise-charts")
    assert min(big) >= 1.3 * 14
    assert B.in_view(page, ".sg-commit")
    B.close_page(page)


def test_reload_in_round_3_and_a_server_restart_keep_the_exercise(chromium, tmp_path):
    _assets()
    sessions = tmp_path / "sessions"
    with B.served("zh", sessions, tmp_path / "server1.log") as url:
        page = B.open_page(chromium, url, 1280, 900)
        B.start_solo(page, TINY)
        B.nudge_slider(page, "training_rate", 10)
        B.play(page, 0, 2)
        expect(page.locator(".sg-year-title")).to_contain_text("第3/5年", timeout=20_000)
        code = page.locator(".sg-resume").get_attribute("data-code")
        assert f"team={code}" in page.url
        table = page.locator(".sg-rounds").inner_text()
        page.reload()
        page.wait_for_selector(".sg-commit", timeout=B.TIMEOUT)
        expect(page.locator(".sg-year-title")).to_contain_text("第3/5年", timeout=20_000)
        assert page.locator(".sg-exercise-charts").get_attribute("data-rounds") == "2"
        assert page.locator(".sg-rounds").inner_text() == table  # the same years, replayed exactly
        # undo asks first, then takes year 2 back
        page.locator(".sg-undo").click()
        page.locator(".sg-undo-ok").click()
        expect(page.locator(".sg-year-title")).to_contain_text("第2/5年", timeout=B.TIMEOUT)
        B.play(page, 1, 2)
        # 重新开始 asks for confirmation; cancelling keeps the exercise
        page.locator(".sg-restart").click()
        page.locator(".sg-confirm-cancel").click()
        expect(page.locator(".sg-year-title")).to_contain_text("第3/5年", timeout=20_000)
        B.close_page(page)
    with B.served("zh", sessions, tmp_path / "server2.log") as url:  # a new server on the same folder
        page = B.open_page(chromium, f"{url}?team={code}", 1280, 900, wait=".sg-commit")
        expect(page.locator(".sg-year-title")).to_contain_text("第3/5年", timeout=20_000)
        assert page.locator(".sg-rounds").inner_text() == table
        page.locator(".sg-restart").click()
        page.locator(".sg-confirm-ok").click()
        page.wait_for_selector(".sg-start", timeout=B.TIMEOUT)  # back at the exercise home
        page.locator(".sg-resume-code input").fill(code)
        page.locator(".sg-resume-go").click()
        expect(page.locator(".sg-year-title")).to_contain_text("第3/5年", timeout=B.TIMEOUT)
        B.close_page(page)


def test_two_teams_and_a_facilitator_with_the_reveal_held(chromium, url):
    fac = B.open_page(chromium, url, 1280, 900)
    code, fac_url = B.create_class(fac, "春季班", hold=True, scenario=TINY)
    assert re.fullmatch(r"\d{6}", code) and "key=" in fac_url
    one = B.open_page(chromium, url, 1024, 768)
    two = B.open_page(chromium, url, 1024, 768)
    B.join(one, code, "第一组")
    B.join(two, code, "第二组")
    expect(fac.locator(".sg-progress tr[data-team]")).to_have_count(2, timeout=20_000)

    B.commit(one, 1)
    expect(one.locator(".sg-waiting")).to_contain_text("1/2", timeout=20_000)  # held: no results yet
    assert one.locator(".sg-exercise-charts").count() == 0
    expect(fac.locator(".sg-progress tr[data-team='第一组']")).to_have_attribute("data-committed", "1",
                                                                                 timeout=20_000)
    B.commit(two, 1)  # the last team commits: year 1 is revealed to both
    one.wait_for_selector(".sg-exercise-charts[data-rounds='1']", timeout=B.TIMEOUT)
    two.wait_for_selector(".sg-exercise-charts[data-rounds='1']", timeout=B.TIMEOUT)
    expect(fac.locator(".sg-teams tr[data-team]")).to_have_count(2, timeout=20_000)  # side by side

    B.commit(one, 2)
    one.wait_for_selector(".sg-waiting", timeout=B.TIMEOUT)
    fac.locator(".sg-release").click()  # the facilitator reveals year 2 before team two commits
    one.wait_for_selector(".sg-exercise-charts[data-rounds='2']", timeout=B.TIMEOUT)
    assert two.locator(".sg-exercise-charts").get_attribute("data-rounds") == "1"
    assert two.locator(".sg-commit").is_enabled()

    today = dt.date.today().isoformat()
    with one.expect_download() as info:
        one.locator("button", has_text="保存演练文件").click()
    name = info.value.suggested_filename
    assert "春季班" in name and "第一组" in name and today in name and name.endswith(".json")
    with fac.expect_download() as info:
        fac.locator("button", has_text="导出班级复盘报告").click()
    name = info.value.suggested_filename
    assert "春季班" in name and today in name and name.endswith(".html")
    assert "随机种子" in fac.locator(".sg-crn-tech").text_content()  # the jargon lives here
    for p in (fac, one, two):
        B.close_page(p)
