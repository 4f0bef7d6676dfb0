"""Argument types shared by sub-commands: they raise one-line errors naming the flag."""

from __future__ import annotations

import argparse
from pathlib import Path

from sim.scenario import SCENARIO_DIR


def int_in(low: int, high: int, what: str):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what} (a whole number), got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"expected {what} between {low} and {high}, got {value}")
        return value

    return parse


def scenario_path(text: str) -> Path:
    """A scenario path as given, or a bare name looked up in scenarios/ ('baseline')."""
    path = Path(text)
    if not path.exists() and not path.suffix:
        candidate = SCENARIO_DIR / f"{text}.toml"
        if candidate.exists():
            return candidate
    return path


DEFAULT_SCENARIO = SCENARIO_DIR / "baseline.toml"
