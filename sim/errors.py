"""Errors a user can cause, reported as one line naming the file, the key and what was expected."""

from __future__ import annotations


class InputError(Exception):
    """Bad user input (scenario file, CLI flag, spec or data file).

    The CLI prints ``str(error)`` on one line and exits with status 2.
    """

    def __init__(self, source: str, key: str | None, problem: str):
        self.source = source
        self.key = key
        self.problem = problem
        where = f"{source}: {key}: " if key else f"{source}: "
        super().__init__(_one_line(where + problem))


def _one_line(text: str) -> str:
    """Newlines and other control characters (from file names, keys or parser messages) shown
    escaped, so the message stays one line."""
    return "".join(ch if ch.isprintable() or ch == " " else ascii(ch)[1:-1] for ch in str(text))


class ScenarioError(InputError):
    """A scenario file is malformed."""


class StoreError(InputError):
    """An experiment folder cannot be used as it is (damaged beyond repair, or locked by another
    batch). The message says which file and what to do."""


def read_toml(path, source: str | None = None, error: type[InputError] = InputError) -> tuple[dict, str]:
    """Parse a TOML file with the input kit's limits (see ``sim.inputs.read_toml``)."""
    from sim.inputs import read_toml as _read

    return _read(path, source, error)
