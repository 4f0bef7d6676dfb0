"""Argument types shared by sub-commands: they raise one-line errors naming the flag.

Paths given on the command line are checked for what can be checked without touching the file
system (empty, a NUL byte, too long); what the path points at (a folder where a file is
expected, a read-only folder ...) is checked by ``sim.inputs`` before the command does any work.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sim.inputs import SCENARIO_DIR, find_scenario, path_text


def int_in(low: int, high: int, what: str):
    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what} (a whole number), got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"expected {what} between {low} and {high}, got {value}")
        return value

    return parse


def _path(text: str, what: str) -> Path:
    try:
        return Path(path_text(text, what))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def input_file(text: str) -> Path:
    """A file to read (spec, scenario path)."""
    return _path(text, "file name")


def out_dir(text: str) -> Path:
    """An output folder (``--out``); "" is an error, not the working directory."""
    return _path(text, "folder")


def out_file(text: str) -> Path:
    """A file to write (``--scenario-out``)."""
    return _path(text, "file name")


def scenario_path(text: str) -> Path:
    """A scenario path as given, or a bare name looked up in the scenarios folder ('baseline')."""
    return find_scenario(_path(text, "scenario file or name"))


DEFAULT_SCENARIO = SCENARIO_DIR / "baseline.toml"
