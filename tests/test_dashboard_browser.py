"""The dashboard in a real browser: Playwright drives Debian's Chromium against `safegov dashboard`.

Skipped when /usr/bin/chromium is absent (``apt-get install -y chromium``; .ci/run installs it).
One server and one browser for the module; about 30 s in all on 2 cores.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from safegov.dashboard import browser as B
from sim import params

pytestmark = pytest.mark.skipif(not os.path.exists(B.CHROMIUM), reason=f"{B.CHROMIUM} is not installed")


expect = pytest.importorskip("playwright.sync_api").expect


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    from safegov.dashboard.assets import ensure_assets

    try:
        ensure_assets(quiet=True)
    except RuntimeError as exc:  # no npm and no cached front end: an environment limit, like no browser
        pytest.skip(f"dashboard front-end assets unavailable: {exc}")
    with open(tmp_path_factory.mktemp("dashboard") / "server.log", "wb") as log:
        port = B.free_port()
        proc = B.start_server(port, "en", log=log)
        yield f"http://127.0.0.1:{port}/"
        B.stop_server(proc)


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = B.launch(pw)
        yield browser
        browser.close()


@pytest.fixture()
def page(chromium, url):
    page = B.open_page(chromium, url)
    yield page
    page.close()


def test_page_loads_with_levers_map_and_language_switch(page):
    assert page.locator("h2").first.inner_text() == "safegov training dashboard"
    assert page.locator(".sg-lever").count() == len(params.LEVERS)  # one slider per declared lever
    caption = page.locator(".sg-lever-training_rate .sg-caption").inner_text()
    assert "安全培训" in caption and "§2.5" in caption  # bilingual label, paper section
    assert "20,000" in page.locator(".sg-small-world").inner_text()
    assert page.locator("svg.sg-map rect.sg-county").count() == 95
    page.locator(".sg-lang-zh").click()
    expect(page.locator("h2").first).to_have_text("安全生产治理培训沙盘", timeout=20_000)
    expect(page.locator(".sg-lever-training_rate .sg-lever-label")).to_contain_text("安全培训", timeout=20_000)
    expect(page.locator(".sg-small-world")).to_contain_text("较小的仿真规模", timeout=20_000)


def test_slider_and_run_year_update_the_chart(page):
    before = page.locator("img.sg-explore-chart").get_attribute("src")
    value = B.nudge_slider(page, "training_rate", 10)
    assert float(value) == pytest.approx(0.25)
    expect(page.locator(".sg-lever-training_rate .sg-lever-value")).to_have_text("0.25", timeout=20_000)
    B.run_year(page, 12)
    chart = page.locator("img.sg-explore-chart")
    assert chart.get_attribute("data-month") == "12"
    assert chart.get_attribute("src") != before
    expect(page.locator(".sg-status")).to_contain_text("month 12 of 120", timeout=20_000)


def test_exercise_runs_five_rounds_to_a_debrief(page, tmp_path):
    def allocate(page, k):
        if k == 0:  # shift money from grid workers to training
            B.nudge_slider(page, "grid_workers_per_grid", 20, "ArrowLeft")
            B.nudge_slider(page, "training_rate", 10)

    B.play_exercise(page, 5, allocate)
    page.wait_for_selector(".sg-debrief .sg-lessons", timeout=120_000)
    assert page.locator(".sg-commit").count() == 0
    expect(page.locator(".sg-rounds tr")).to_have_count(6, timeout=20_000)  # header + five years
    lessons = page.locator(".sg-debrief .sg-lesson")
    assert lessons.count() >= 4
    assert "§2.5" in page.locator(".sg-debrief .sg-levers").inner_text()
    page.locator(".sg-chance-run").click()  # replay on more replicates: paired 95% intervals
    page.wait_for_selector(".sg-debrief .sg-chance", timeout=120_000)
    expect(page.locator(".sg-chance tr")).to_have_count(7, timeout=20_000)
    with page.expect_download() as info:
        page.locator(".sg-debrief button", has_text="Export").click()
    out = Path(tmp_path) / "debrief.html"
    info.value.save_as(out)
    text = out.read_text(encoding="utf-8")
    assert '<meta charset="utf-8">' in text and text.count("data:image/png;base64,") == 3
    assert "sg-chance" in text
