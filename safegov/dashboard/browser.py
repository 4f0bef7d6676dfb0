"""Drive the dashboard in Debian's Chromium (browser tests and the documentation's screenshots).

``python -m safegov.dashboard.browser`` starts a server on a free localhost port (sessions in a
temporary folder), plays explore mode, a class of two teams with a facilitator, and writes the
screenshots in docs/.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 120_000  # ms


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, lang: str = "en", timeout: float = 90.0, log=None, sessions=None) -> subprocess.Popen:
    """``safegov dashboard`` in a subprocess on 127.0.0.1:port; returns once it accepts connections.
    ``sessions``: the folder exercises are saved in (tests use a temporary one)."""
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    extra = ["--sessions", str(sessions)] if sessions else []
    proc = subprocess.Popen([sys.executable, "-m", "safegov.cli", "dashboard", "--port", str(port), "--lang", lang,
                             *extra],
                            cwd=ROOT, env=env, stdout=log or subprocess.DEVNULL, stderr=subprocess.STDOUT,
                            start_new_session=True)
    return wait_until_listening(proc, port, timeout, "dashboard server")


def wait_until_listening(proc: subprocess.Popen, port: int, timeout: float, what: str) -> subprocess.Popen:
    """``proc`` once it accepts connections on ``port``; stopped, and RuntimeError, if it exits or
    does not listen within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with status {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            time.sleep(0.3)
    stop_server(proc)
    raise RuntimeError(f"{what} did not listen on port {port} within {timeout:.0f} s")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@contextmanager
def served(lang: str = "zh", sessions=None, log_path=None):
    """A dashboard server for the duration of a ``with`` block; yields its URL."""
    with open(log_path or os.devnull, "wb") as log:
        port = free_port()
        proc = start_server(port, lang, log=log, sessions=sessions)
        try:
            yield f"http://127.0.0.1:{port}/"
        finally:
            stop_server(proc)


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


# ------------------------------------------------------------------------------------ actions
def open_page(browser, url: str, width: int = 1400, height: int = 1000, wait: str = ".sg-explore-charts"):
    """A page in a context of its own (like a separate device: its own cookies and session)."""
    context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector(wait, timeout=TIMEOUT)
    return page


def close_page(page) -> None:
    page.context.close()


def nudge_slider(page, lever: str, presses: int = 10, key: str = "ArrowRight") -> str:
    thumb = page.locator(f".sg-lever-{lever} [role=slider]").first
    thumb.focus()
    for _ in range(presses):
        thumb.press(key)
    return thumb.get_attribute("aria-valuenow")


def run_year(page, month: int, timeout: float = TIMEOUT) -> None:
    page.locator(".sg-run-year").click()
    page.wait_for_selector(f".sg-explore-charts[data-month='{month}']", timeout=timeout)


def exercise_home(page) -> None:
    page.locator(".sg-mode-exercise").click()
    page.wait_for_selector(".sg-start", timeout=TIMEOUT)


def choose(page, selector: str, label: str) -> None:
    """Pick an option of a Vuetify select by its text."""
    page.locator(f"{selector} .v-field").first.click()
    page.locator(".v-overlay--active .v-list-item", has_text=label).first.click()
    page.wait_for_selector(".v-overlay--active .v-list-item", state="detached", timeout=20_000)


def start_solo(page, scenario: str | None = None) -> None:
    """One team straight away, from the exercise home (default settings; ``scenario`` by its title)."""
    exercise_home(page)
    if scenario:
        choose(page, ".sg-trainer-scenario", scenario)
    page.locator(".sg-start").click()
    page.wait_for_selector(".sg-commit", timeout=TIMEOUT)


def commit(page, rounds_after: int, timeout: float = TIMEOUT) -> None:
    """Commit this year and wait until the page shows ``rounds_after`` years or waits for others."""
    page.locator(".sg-commit").click()
    page.wait_for_selector(f".sg-exercise-charts[data-rounds='{rounds_after}'], .sg-waiting", timeout=timeout)


def play(page, done: int, rounds: int, before_commit=None) -> None:
    for k in range(done, rounds):
        if before_commit:
            before_commit(page, k)
        page.locator(".sg-commit").click()
        page.wait_for_selector(f".sg-exercise-charts[data-rounds='{k + 1}']", timeout=TIMEOUT)


def create_class(page, name: str, hold: bool = True, scenario: str | None = None) -> tuple[str, str]:
    """Open a class from the exercise home with the default settings; returns (class code, URL)."""
    exercise_home(page)
    page.locator(".sg-class-name input").fill(name)
    if scenario:
        choose(page, ".sg-trainer-scenario", scenario)
    if not hold:
        page.locator(".sg-hold input").uncheck()
    page.locator(".sg-create-class").click()
    page.wait_for_selector(".sg-bigcode", timeout=TIMEOUT)
    return page.locator(".sg-bigcode").get_attribute("data-code"), page.url


def join(page, code: str, team: str) -> None:
    exercise_home(page)
    page.locator(".sg-class-code input").fill(code)
    page.locator(".sg-team-name input").fill(team)
    page.locator(".sg-join").click()
    page.wait_for_selector(".sg-commit", timeout=TIMEOUT)


def text_without_switches(page, selector: str = ".sg-root") -> str:
    """Visible text of the page without the language switch (which names English in English)."""
    return page.evaluate("""(sel) => {
        const root = document.querySelector(sel).cloneNode(true);
        root.querySelectorAll('.sg-lang').forEach(e => e.remove());
        document.body.appendChild(root);
        const text = root.innerText;
        root.remove();
        return text; }""", selector)


def select_options(page, selector: str) -> list[str]:
    """The options a Vuetify select offers (its menu is opened and closed again)."""
    page.locator(f"{selector} .v-field").first.click()
    page.wait_for_selector(".v-overlay--active .v-list-item", timeout=20_000)
    items = page.locator(".v-overlay--active .v-list-item").all_inner_texts()
    page.locator(".v-overlay--active .v-list-item--active").first.click()  # re-pick the current one: closes
    page.wait_for_selector(".v-overlay--active .v-list-item", state="detached", timeout=20_000)
    return [x.strip() for x in items]


def chart_title_px(page, selector: str = "figure.sg-chart") -> list[float]:
    """On-screen size [CSS px] of every chart title: SVG font size times the SVG's screen scale."""
    return page.evaluate("""(sel) => Array.from(document.querySelectorAll(sel + ' g[id^="title-"] text')).map(el => {
        const size = parseFloat(getComputedStyle(el).fontSize);
        return size * el.getScreenCTM().a; })""", selector)


def header_lines(page) -> list[dict]:
    """For every table header cell: its text, the lines it takes and the lines it should take."""
    return page.evaluate("""() => Array.from(document.querySelectorAll('.sg-table th')).map(th => {
        const r = document.createRange(); r.selectNodeContents(th);
        const h = r.getBoundingClientRect().height;
        const fs = parseFloat(getComputedStyle(th).fontSize);
        return {text: th.innerText, lines: Math.round(h / (fs * 1.45)), allowed: th.querySelectorAll('br').length + 1,
                width: th.getBoundingClientRect().width}; })""")


def page_width(page) -> float:
    """Width [CSS px] of the page's content (more than the viewport means a sideways scroll)."""
    return page.evaluate("() => document.querySelector('.sg-root').getBoundingClientRect().right")


def in_view(page, selector: str) -> bool:
    """The element is inside the viewport and on top (not covered) at its centre."""
    return page.evaluate("""(sel) => {
        const el = document.querySelector(sel); if (!el) return false;
        const r = el.getBoundingClientRect();
        if (r.top < 0 || r.left < 0 || r.bottom > innerHeight || r.right > innerWidth) return false;
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return !!hit && (hit === el || el.contains(hit)); }""", selector)


# -------------------------------------------------------------------------------- screenshots
def screenshots(out_dir: Path = ROOT / "docs", lang: str = "zh") -> list[Path]:
    """The documentation's screenshots (looked at before they are committed)."""
    from playwright.sync_api import sync_playwright

    port = free_port()
    paths: list[Path] = []
    with tempfile.TemporaryDirectory() as sessions:
        proc = start_server(port, lang, sessions=sessions)
        url = f"http://127.0.0.1:{port}/"
        try:
            with sync_playwright() as pw:
                browser = launch(pw)
                page = open_page(browser, url, 1024, 768)
                nudge_slider(page, "informatisation", 30)
                run_year(page, 12)
                nudge_slider(page, "training_rate", 25)
                run_year(page, 24)
                run_year(page, 36)
                page.locator(".sg-explore-charts").scroll_into_view_if_needed()
                time.sleep(0.5)
                paths.append(_shot(page, out_dir / "dashboard_explore.png", full=False))
                close_page(page)

                fac = open_page(browser, url, 1280, 900)
                code, _ = create_class(fac, "2026年春季班")
                teams = [open_page(browser, url, 1024, 768), open_page(browser, url, 1024, 768)]
                join(teams[0], code, "第一组")
                join(teams[1], code, "第二组")

                def first(page, k):
                    if k == 0:
                        nudge_slider(page, "grid_workers_per_grid", 30, "ArrowLeft")
                        nudge_slider(page, "training_rate", 25)
                        nudge_slider(page, "informatisation", 30)

                def second(page, k):
                    if k == 0:
                        nudge_slider(page, "inspectors_per_county", 10)
                        nudge_slider(page, "cross_region_share", 20)

                for k in range(5):
                    for team, plan in zip(teams, (first, second), strict=True):
                        plan(team, k)
                        commit(team, k + 1)
                    for team in teams:
                        team.wait_for_selector(f".sg-exercise-charts[data-rounds='{k + 1}']", timeout=TIMEOUT)
                    if k == 1:
                        time.sleep(0.5)
                        paths.append(_shot(teams[0], out_dir / "dashboard_exercise.png", full=False))
                teams[0].wait_for_selector(".sg-debrief .sg-lessons", timeout=TIMEOUT)
                teams[0].set_viewport_size({"width": 1280, "height": 900})
                time.sleep(0.5)
                paths.append(_shot(teams[0], out_dir / "dashboard_debrief.png", selector=".sg-debrief"))
                fac.wait_for_selector(".sg-teams", timeout=TIMEOUT)
                fac.locator(".sg-compute-effects").click()
                fac.wait_for_selector(".sg-team-effects", timeout=TIMEOUT)
                time.sleep(0.5)
                paths.append(_shot(fac, out_dir / "dashboard_facilitator.png", selector=".sg-facilitator"))
                fac.locator(".sg-presenter-switch input").check()
                fac.wait_for_selector(".sg-presenter", timeout=TIMEOUT)
                time.sleep(1.0)
                fac.set_viewport_size({"width": 1024, "height": 768})
                fac.locator(".sg-teams").scroll_into_view_if_needed()
                paths.append(_shot(fac, out_dir / "dashboard_presenter.png", full=False))
                with teams[0].expect_download() as info:
                    teams[0].locator(".sg-debrief button", has_text="导出" if lang == "zh" else "Export").click()
                exported = Path(sessions) / "debrief.html"
                info.value.save_as(exported)
                doc = open_page(browser, exported.as_uri(), 900, 1200, wait="h1")
                doc.emulate_media(media="print")
                time.sleep(0.3)
                paths.append(_shot(doc, out_dir / "dashboard_print.png", full=False))
                browser.close()
        finally:
            stop_server(proc)
    return paths


def _shot(page, path: Path, full: bool = True, selector: str | None = None) -> Path:
    if selector:  # the page scrolls inside a container: make the window as tall as the element first
        height = page.evaluate("(s) => document.querySelector(s).getBoundingClientRect().height", selector)
        width = page.viewport_size["width"]
        page.set_viewport_size({"width": width, "height": int(height) + 300})
        page.wait_for_timeout(800)
        page.locator(selector).screenshot(path=str(path))
    else:
        page.screenshot(path=str(path), full_page=full)
    return path


if __name__ == "__main__":
    for p in screenshots():
        print(p)
