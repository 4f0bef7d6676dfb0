"""Mesa's SolaraViz page of docs/viz.md in a real browser (Playwright on Debian's Chromium).

Skipped when /usr/bin/chromium is absent. One ``solara run docs/viz_app.py`` server for the
module; about 25 s on 2 cores. It fails when the page shows the sidebar but no plots (Mesa 3.5
under ipyvue 3: sim.viz.use_fixed_grid), when a lever slider is missing, when a slider cannot
show the scenario's value exactly, or when Reset loses the slider's value.
"""

from __future__ import annotations

import os

import pytest

from safegov.dashboard import browser as B
from safegov.dashboard import viz_page as V
from sim import params

pytestmark = pytest.mark.skipif(not os.path.exists(B.CHROMIUM), reason=f"{B.CHROMIUM} is not installed")
pytest.importorskip("playwright.sync_api")
pytest.importorskip("mesa.visualization")


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    with open(tmp_path_factory.mktemp("viz") / "server.log", "wb") as log:
        port = B.free_port()
        try:
            proc = V.start_viz_server(port, log=log)
        except RuntimeError as exc:  # no npm and no cached grid asset: an environment limit
            pytest.skip(f"SolaraViz page unavailable: {exc}")
        try:
            with sync_playwright() as pw:
                browser = B.launch(pw)
                errors: list[str] = []
                p = V.open_viz_page(browser, f"http://127.0.0.1:{port}/")
                p.on("pageerror", lambda e: errors.append(str(e)))
                p.errors = errors
                yield p
                browser.close()
        finally:
            B.stop_server(proc)


def test_plots_and_one_slider_per_lever(page):
    assert page.locator("img").count() == 5  # the five plots of sim.viz.PLOTTED
    labels = page.locator(".v-slider__label").all_inner_texts()
    for p in params.LEVERS:
        assert any(lab.startswith(p.label) and p.zh in lab for lab in labels), p.name
    V.viz_steps(page, 3)
    assert not page.errors


def test_slider_on_its_grid_and_reset_redraws_keeping_the_value(page):
    from sim.viz import model_params

    declared = model_params("tiny")["fine_level"]  # the page is docs/viz_app.py: page("tiny")
    slider = page.locator(".v-slider", has=page.locator(".v-slider__label", has_text="Fine level")).first
    thumb = slider.locator("[role=slider]")
    assert float(thumb.get_attribute("aria-valuenow")) == declared.value  # exactly, on the slider's grid
    thumb.focus()
    for _ in range(10):
        thumb.press("ArrowRight")
    moved = declared.value + 10 * declared.step
    assert float(thumb.get_attribute("aria-valuenow")) == pytest.approx(moved)
    before = V.first_plot(page)
    page.get_by_role("button", name="RESET").click()
    V.wait_redrawn(page, before)
    assert float(thumb.get_attribute("aria-valuenow")) == pytest.approx(moved)
    V.viz_steps(page, 2)
    assert not page.errors
