"""Start the Solara server for the dashboard (used by ``safegov dashboard``)."""

from __future__ import annotations

import ipaddress
import os
import socket
import sys
from pathlib import Path

from sim.errors import InputError

from .i18n import DEFAULT_LANG_ENV

DIR_ENV = "SAFEGOV_DASHBOARD_DIR"  # also sessions.DIR_ENV (not imported here: it pulls in the model)
ROOT = Path(__file__).resolve().parents[2]

APP = "safegov.dashboard.app"
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_port(host: str, port: int) -> None:
    """Fail with one line if the address cannot be bound (port in use, unknown host)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise InputError("dashboard", "--host", f"cannot resolve {host!r} ({exc.strerror})") from None
    family, _, _, _, addr = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as s:
        try:
            s.bind(addr)
        except OSError as exc:
            raise InputError("dashboard", "--port", f"cannot listen on {host}:{port} ({exc.strerror})") from None


def check_sessions_dir(path) -> Path:
    """The sessions folder must be a writable directory (created if missing); one line otherwise."""
    p = Path(path).expanduser()
    if p.exists() and not p.is_dir():
        raise InputError("dashboard", "--sessions", f"{p} exists and is not a folder")
    try:
        p.mkdir(parents=True, exist_ok=True)
        probe = p / f".write-test-{os.getpid()}"
        probe.write_text("", encoding="utf-8")
        probe.unlink()
    except OSError as exc:
        raise InputError("dashboard", "--sessions", f"cannot write to {p} ({exc.strerror})") from None
    return p.resolve()


def serve(host: str = "127.0.0.1", port: int = 8765, lang: str = "zh", sessions: str | None = None) -> int:
    """Run the server in this process until interrupted (production mode, no browser, no telemetry).

    ``sessions``: folder where classes and teams are saved (default ``outputs/dashboard``)."""
    folder = check_sessions_dir(sessions or os.environ.get(DIR_ENV) or ROOT / "outputs" / "dashboard")
    check_port(host, port)
    print(f"safegov dashboard: http://{host}:{port} (Ctrl-C to stop); exercises saved in {folder}", flush=True)
    os.environ[DEFAULT_LANG_ENV] = lang
    os.environ[DIR_ENV] = str(folder)
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    os.environ.setdefault("SOLARA_THEME_LOADER", "plain")
    if not is_loopback(host):
        sys.stderr.write(f"safegov dashboard: warning: serving on {host}, reachable from other machines; "
                         "the dashboard has no login. Use --host 127.0.0.1 unless the network is trusted.\n")
    from solara.__main__ import cli as solara_cli

    from .assets import ensure_assets, serve_offline

    ensure_assets()
    serve_offline()  # the CDN route serves the local cache only: nothing deleted, nothing fetched

    args = ["run", APP, "--host", host, "--port", str(port), "--production", "--no-open",
            "--no-check-version", "--log-level", "warning"]
    try:
        solara_cli.main(args, prog_name="solara", standalone_mode=False)
    except SystemExit as exc:  # click may exit
        return int(exc.code or 0)
    return 0
