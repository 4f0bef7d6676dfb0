"""Mesa's SolaraViz page of docs/viz.md in Debian's Chromium (its browser test and docs/viz.png).

``python -m safegov.dashboard.viz_page`` serves docs/viz_app.py with ``solara run`` on a free
localhost port, steps the model a year and writes docs/viz.png.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from .browser import ROOT, free_port, launch, stop_server, wait_until_listening

VIZ_APP = ROOT / "docs" / "viz_app.py"


def start_viz_server(port: int, app: Path = VIZ_APP, timeout: float = 90.0, log=None) -> subprocess.Popen:
    """``solara run docs/viz_app.py`` on 127.0.0.1:port (the grid asset it needs installed first)."""
    from .assets import ensure_assets, viz_assets

    ensure_assets(quiet=True, extra=viz_assets())
    solara = Path(sys.executable).with_name("solara")
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    proc = subprocess.Popen([str(solara), "run", str(app), "--port", str(port), "--host", "127.0.0.1", "--production",
                             "--no-open"], cwd=ROOT, env=env, stdout=log or subprocess.DEVNULL,
                            stderr=subprocess.STDOUT, start_new_session=True)
    return wait_until_listening(proc, port, timeout, f"solara run {app.name}")


def open_viz_page(browser, url: str, width: int = 1500, height: int = 1300):
    """The SolaraViz page, once its plots are drawn (one image per plot)."""
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(url)
    page.wait_for_selector(".v-slider", timeout=90_000)
    page.wait_for_function("document.querySelectorAll('img').length >= 5", timeout=90_000)
    return page


#: True once the first plot (Deaths) shows another image than ``s`` (plots vanish while Reset redraws).
FIRST_PLOT_CHANGED = "(s) => { const i = document.querySelector('img'); return i !== null && i.getAttribute('src') !== s }"


def first_plot(page) -> str:
    return page.locator("img").first.get_attribute("src")


def wait_redrawn(page, before: str, timeout: float = 60_000) -> None:
    page.wait_for_function(FIRST_PLOT_CHANGED, arg=before, timeout=timeout)


def viz_steps(page, steps: int, timeout: float = 60_000) -> None:
    """Press STEP ``steps`` times, each once the plots have redrawn (the Deaths plot's image changes)."""
    for _ in range(steps):
        before = first_plot(page)
        page.get_by_role("button", name="STEP").click()
        wait_redrawn(page, before, timeout)


def viz_screenshot(out: Path = ROOT / "docs" / "viz.png", steps: int = 12) -> Path:
    from playwright.sync_api import sync_playwright

    port = free_port()
    proc = start_viz_server(port)
    try:
        with sync_playwright() as pw:
            browser = launch(pw)
            page = open_viz_page(browser, f"http://127.0.0.1:{port}/")
            viz_steps(page, steps)
            time.sleep(1.0)
            page.screenshot(path=str(out))
            browser.close()
    finally:
        stop_server(proc)
    return out


if __name__ == "__main__":
    print(viz_screenshot())
