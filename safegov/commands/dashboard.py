"""``safegov dashboard``: the training dashboard (培训沙盘) in the browser, served on localhost."""

from __future__ import annotations

import argparse
import os
import sys

from safegov.commands.common import int_in, out_dir


def _host(text: str) -> str:
    text = text.strip()
    if not text or any(c.isspace() for c in text) or len(text) > 253:
        raise argparse.ArgumentTypeError(f"expected a host name or IP address, got {text!r}")
    return text


def register(sub) -> None:
    p = sub.add_parser(
        "dashboard", help="serve the training dashboard (explore and exercise modes)",
        description="Serve the training dashboard: explore scenarios with live charts and a map, or run a "
                    "five-year exercise with a budget and a debrief. Binds 127.0.0.1 unless --host says "
                    "otherwise; open http://127.0.0.1:PORT in a browser.")
    p.add_argument("--host", type=_host, default="127.0.0.1",
                   help="interface to bind (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int_in(1, 65535, "a port"), default=8765, help="port (default 8765)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="starting language (default zh)")
    p.add_argument("--sessions", metavar="DIR", type=out_dir, default=None,
                   help="folder where classes and teams' exercises are saved (default outputs/dashboard)")
    p.set_defaults(func=main)


def main(args) -> int:
    from safegov.dashboard.server import serve
    from sim.fonts import NO_CJK_NOTICE, cjk_font

    if cjk_font() is None:  # say so once at start-up rather than draw boxes for Chinese
        sys.stderr.write(f"safegov dashboard: {NO_CJK_NOTICE}\n")

    if args.sessions:  # read by serve(), which checks it before starting (DIR_ENV)
        os.environ["SAFEGOV_DASHBOARD_DIR"] = str(args.sessions)
    return serve(args.host, args.port, args.lang)
