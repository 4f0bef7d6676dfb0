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


def read_toml(path, source: str | None = None, error: type[InputError] = InputError) -> tuple[dict, str]:
    """Parse a TOML file; any problem (missing, unreadable, not UTF-8, bad TOML) is one
    ``error(source, None, ...)`` naming the file. Returns (data, text)."""
    import tomllib
    from pathlib import Path

    path = Path(path)
    source = source or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(source, None, "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(source, None, f"cannot read file ({exc.__class__.__name__}: {exc})") from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        raise error(source, None, f"not valid TOML ({exc})") from None
