"""Drive the dashboard in Debian's Chromium (browser tests and the README screenshots).

``python -m safegov.dashboard.browser`` starts a server on a free localhost port, plays both
modes and writes docs/dashboard_explore.png and docs/dashboard_exercise.png.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, lang: str = "en", timeout: float = 90.0, log=None) -> subprocess.Popen:
    """``safegov dashboard`` in a subprocess on 127.0.0.1:port; returns once it accepts connections."""
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "safegov.cli", "dashboard", "--port", str(port), "--lang", lang],
                            cwd=ROOT, env=env, stdout=log or subprocess.DEVNULL, stderr=subprocess.STDOUT,
                            start_new_session=True)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"dashboard server exited with status {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            time.sleep(0.3)
    stop_server(proc)
    raise RuntimeError(f"dashboard server did not listen on port {port} within {timeout:.0f} s")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


# ------------------------------------------------------------------------------------ actions
def open_page(browser, url: str, width: int = 1400, height: int = 1000):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(url)
    page.wait_for_selector("img.sg-explore-chart", timeout=90_000)
    return page


def nudge_slider(page, lever: str, presses: int = 10, key: str = "ArrowRight") -> str:
    thumb = page.locator(f".sg-lever-{lever} [role=slider]").first
    thumb.focus()
    for _ in range(presses):
        thumb.press(key)
    return thumb.get_attribute("aria-valuenow")


def run_year(page, month: int, timeout: float = 60_000) -> None:
    page.locator(".sg-run-year").click()
    page.wait_for_selector(f"img.sg-explore-chart[data-month='{month}']", timeout=timeout)


def play_exercise(page, rounds: int = 5, before_commit=None, timeout: float = 120_000) -> None:
    page.locator(".sg-mode-exercise").click()
    page.locator(".sg-start").click()
    page.wait_for_selector(".sg-commit", timeout=timeout)
    for k in range(rounds):
        if before_commit:
            before_commit(page, k)
        page.locator(".sg-commit").click()
        page.wait_for_selector(f"img.sg-exercise-chart[data-rounds='{k + 1}']", timeout=timeout)


def screenshots(out_dir: Path = ROOT / "docs", lang: str = "zh") -> list[Path]:
    from playwright.sync_api import sync_playwright

    port = free_port()
    proc = start_server(port, lang)
    paths = []
    try:
        with sync_playwright() as pw:
            browser = launch(pw)
            page = open_page(browser, f"http://127.0.0.1:{port}/", 1500, 1900)
            nudge_slider(page, "informatisation", 20)
            run_year(page, 12)
            nudge_slider(page, "training_rate", 15)
            run_year(page, 24)
            run_year(page, 36)
            time.sleep(1.0)
            paths.append(out_dir / "dashboard_explore.png")
            page.screenshot(path=str(paths[-1]))

            def allocate(page, k):
                if k == 1:
                    nudge_slider(page, "grid_workers_per_grid", 30, "ArrowLeft")
                    nudge_slider(page, "training_rate", 25)
                    nudge_slider(page, "informatisation", 30)

            page.set_viewport_size({"width": 1500, "height": 1100})
            play_exercise(page, 3, allocate)
            time.sleep(1.0)
            paths.append(out_dir / "dashboard_exercise.png")
            page.screenshot(path=str(paths[-1]))
            play_exercise_rest(page, 3, 5)
            page.set_viewport_size({"width": 1500, "height": 3000})
            time.sleep(1.0)
            paths.append(out_dir / "dashboard_debrief.png")
            page.locator(".sg-debrief").screenshot(path=str(paths[-1]))
            browser.close()
    finally:
        stop_server(proc)
    return paths


def play_exercise_rest(page, done: int, rounds: int, timeout: float = 120_000) -> None:
    for k in range(done, rounds):
        page.locator(".sg-commit").click()
        page.wait_for_selector(f"img.sg-exercise-chart[data-rounds='{k + 1}']", timeout=timeout)
    page.wait_for_selector(".sg-debrief .sg-lessons", timeout=timeout)


if __name__ == "__main__":
    for p in screenshots():
        print(p)
