"""``safegov`` command line. Each sub-command lives in ``safegov/commands/<name>.py`` and
exposes ``register(subparsers)``; add a module name to COMMANDS to add a command.

Bad input of any kind (flags, scenario files, specs, data files) ends in one line on stderr
naming the file or flag, the key and what was expected, and exit status 2; never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from sim.errors import InputError

COMMANDS = ("run", "validate", "levers", "compare", "sweep", "results", "sensitivity", "calibrate", "dashboard", "patterns",
            "experiment", "discover", "robust")


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit status 2."""

    def error(self, message: str):
        sys.stderr.write(f"{self.prog}: {message} (see '{self.prog} --help')\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="safegov", description=("Agent-based simulation of work-safety governance (安全生产治理) in Jiangsu.")
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    sub.required = True
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"safegov.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"safegov.commands.{name}":
                continue  # command not built yet
            raise
        module.register(sub)
    return parser


def _one_line_warning(message, category, filename, lineno, line=None) -> str:
    """Warnings reach users as one line each, without the source line that raised them."""
    text = " ".join(str(message).split())
    return f"warning: {text}\n"


def main(argv: list[str] | None = None) -> int:
    import warnings

    saved, warnings.formatwarning = warnings.formatwarning, _one_line_warning
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        try:
            return int(args.func(args) or 0)
        except InputError as exc:
            sys.stderr.write(f"safegov {args.command}: error: {exc}\n")
            return 2
        except KeyboardInterrupt:
            sys.stderr.write("safegov: interrupted\n")
            return 130
        except BrokenPipeError:
            # The reader went away (``safegov levers | head``): stop quietly, like any Unix filter.
            # Point stdout at /dev/null so the interpreter's final flush does not fail again.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return 0
    finally:
        warnings.formatwarning = saved


if __name__ == "__main__":
    raise SystemExit(main())
