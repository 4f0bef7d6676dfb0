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
        super().__init__(where + problem)


class ScenarioError(InputError):
    """A scenario file is malformed."""
