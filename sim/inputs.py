"""The one input kit: every file, spec and flag a user gives is read and checked here.

One job each, used by every spec module (scenarios, sweeps, sensitivity, calibration) and the
command line:

- ``read_toml``: TOML with limits (file size, nesting depth, integer size; devices, pipes and
  folders refused), every problem one ``InputError`` naming the file;
- ``StrictModel`` and ``validation_error``: pydantic models that coerce nothing (no "3" for 3,
  no ``true`` for 1, no NaN or infinity) and the one formatter that turns a pydantic error
  into one line naming the key, what was expected (type, bounds, description) and what was
  found, with a did-you-mean for every unknown key;
- ``suggest``: the did-you-mean;
- ``check_param``: the one bounds check of a value against the declaration (``sim.params``);
- ``resolve_callable``: ``"package.module:function"`` -> the function;
- ``find_scenario``: the one scenario-by-name lookup (a path, or a bare name in the installed
  scenarios folder, whatever the working directory);
- ``check_runs``: design size limits, refused with the number before anything is allocated;
- ``safe_file_name``, ``check_output_dir``, ``check_output_file``, ``path_text``: output places
  are checked (writable, not a file, not under a file, nothing created outside what the user
  named) before any work starts.

Errors are ``sim.errors.InputError`` (or the class a caller passes): the command line prints
them on one line and exits with status 2.
"""

from __future__ import annotations

import difflib
import errno
import importlib
import math
import os
import re
import stat
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from sim.errors import InputError

#: Largest input file read (bytes). Scenario and spec files are a few kB; a sweep table in a
#: TOML file of this size holds tens of thousands of points.
MAX_FILE_BYTES = 4 * 2**20
#: Deepest nesting of arrays and tables in a TOML file (the specs use at most 4).
MAX_DEPTH = 24
#: Largest integer accepted anywhere (a 64-bit seed); longer integers are refused, not parsed.
MAX_INT = 2**63 - 1
#: Longest ``extends`` chain (a chain of 1,200 files is valid input and works).
MAX_EXTENDS = 4096
#: Most runs one batch may plan (design points x replicates). 200,000 runs take about 10 s and
#: 400 MB just to plan; larger designs are refused with their size before anything is allocated.
MAX_RUNS = 250_000
#: Longest path accepted (bytes) and longest path component (the Linux limits).
MAX_PATH = 4096
MAX_NAME = 255

#: Folders searched for a bare scenario name (``"baseline"``): $SAFEGOV_SCENARIOS (if set),
#: then the scenarios folder installed beside the ``sim`` package.
SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"


# ============================================================================ describing values


def describe(value: Any, limit: int = 60) -> str:
    """A short, TOML-flavoured description of a value for error messages: ``'3' (str)``."""
    if isinstance(value, bool):
        return f"{str(value).lower()} (bool)"
    if isinstance(value, dict):
        return f"a table of {len(value)} keys"
    if isinstance(value, (list, tuple)):
        return f"an array of {len(value)}"
    if isinstance(value, float) and not math.isfinite(value):
        return f"{value} (float)"
    text = repr(value)
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return f"{text} ({type(value).__name__})"


def suggest(key: str, allowed, *, listed: int = 30) -> str:
    """'; did you mean 'x'?' for a close match, else '; expected one of: ...' (the did-you-mean)."""
    allowed = [str(a) for a in allowed]
    close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
    if close:
        return f"; did you mean '{close[0]}'?"
    if not allowed:
        return ""
    if len(allowed) > listed:
        return f"; expected one of {len(allowed)} names, e.g. {', '.join(allowed[:8])}, ..."
    return f"; expected one of: {', '.join(allowed)}"


# ================================================================================= paths


def path_text(text: str | os.PathLike, what: str = "path") -> str:
    """The text of a path if it can name a file (no NUL byte, within the OS limits), else ValueError."""
    s = os.fspath(text)
    if isinstance(s, bytes):
        s = s.decode("utf-8", "surrogateescape")
    if not s.strip():
        raise ValueError(f"expected a {what}, got an empty string")
    if "\x00" in s:
        raise ValueError(f"expected a {what}, got one with a NUL byte")
    if len(s.encode("utf-8", "surrogateescape")) > MAX_PATH:
        raise ValueError(f"expected a {what} of at most {MAX_PATH} bytes, got {len(s)} characters")
    long = next((part for part in Path(s).parts if len(part.encode("utf-8", "surrogateescape")) > MAX_NAME), None)
    if long is not None:
        raise ValueError(f"expected a {what} whose parts have at most {MAX_NAME} bytes, got one of {len(long)} "
                         f"characters ({long[:20]}...)")
    return s


def _is_bare_name(text: str) -> bool:
    return bool(text) and "/" not in text and os.sep not in text and text not in (".", "..")


def scenario_dirs() -> list[Path]:
    """Folders where bare scenario names are looked up, first match wins."""
    dirs = []
    env = os.environ.get("SAFEGOV_SCENARIOS")
    if env:
        dirs.append(Path(env))
    dirs.append(SCENARIO_DIR)
    return dirs


def find_scenario(text: str | os.PathLike, base_dir: str | os.PathLike | None = None) -> Path:
    """The one scenario-by-name lookup.

    ``text`` is a path (relative to ``base_dir``, default the working directory) or a bare name
    (``"baseline"`` or ``"baseline.toml"``) looked up in ``scenario_dirs()``. A path that exists
    wins; otherwise a bare name that exists in a scenarios folder (or ``scenarios/NAME.toml``, the
    project-relative form, in the installed folder); otherwise the path as given (reading it then
    reports "file not found").
    """
    s = os.fspath(text)
    path = Path(s)
    if base_dir is not None and not path.is_absolute():
        path = Path(base_dir) / path
    try:
        if path.exists():
            return path
    except (OSError, ValueError):  # too long, NUL byte: read_toml reports it in one line
        return path
    if _is_bare_name(s):
        name = s if s.endswith(".toml") else f"{s}.toml"
        for folder in scenario_dirs():
            candidate = folder / name
            try:
                if candidate.is_file():
                    return candidate
            except (OSError, ValueError):
                continue
    parts = Path(s).parts
    if base_dir is None and len(parts) == 2 and parts[0] == SCENARIO_DIR.name:  # "scenarios/x.toml" from any cwd
        candidate = SCENARIO_DIR / parts[1]
        if candidate.is_file():
            return candidate
    return path


def known_scenarios() -> list[str]:
    """Bare names of the scenarios in the scenarios folders (for did-you-mean)."""
    names: dict[str, None] = {}
    for folder in scenario_dirs():
        if folder.is_dir():
            names.update(dict.fromkeys(sorted(p.stem for p in folder.glob("*.toml"))))
    return list(names)


def safe_file_name(name: str, fallback: str = "scenario", limit: int = 80) -> str:
    """A name usable as one path component: letters, digits, '-', '_', '.'; no leading dot.

    Names come from scenario files (``name = "../../x"``); they never choose a folder.
    """
    out = "".join(ch if (ch.isalnum() or ch in "-_.") and ch.isprintable() else "_" for ch in str(name))
    out = re.sub(r"_+", "_", out).lstrip("._")[:limit].rstrip(".")
    return out or fallback


def _nearest_existing(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists() or candidate.is_symlink():
            return candidate
    return Path(path.anchor or ".")


def _within(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def _check_folder(folder: Path, flag: str, *, may_create_last: bool, parents: bool = False) -> None:
    """``folder`` is, or can become, a writable folder (see check_output_dir)."""
    try:
        existing = _nearest_existing(folder)
        if existing == folder:
            if not folder.is_dir():
                raise InputError(flag, None, f"{folder} is a file, expected a folder")
        elif not existing.is_dir():
            raise InputError(flag, None, f"{existing} is a file, so {folder} cannot be a folder")
        else:
            missing = folder.relative_to(existing).parts
            if not parents and len(missing) > (1 if may_create_last else 0) and not _within(existing, Path.cwd()):
                raise InputError(flag, None, f"folder {existing / missing[0]} does not exist (folders are created "
                                 "only inside the working directory; create it first)")
        if not os.access(existing, os.W_OK | os.X_OK):
            raise InputError(flag, None, f"cannot write in {existing} (read-only, immutable or no permission)")
    except OSError as exc:
        raise InputError(flag, None, f"cannot use {folder} ({exc.strerror or exc})") from None


def check_output_dir(path: str | os.PathLike, flag: str = "--out", *, inside: str | os.PathLike | None = None,
                     parents: bool = False) -> Path:
    """Check an output folder before any work starts; returns it as a Path.

    The folder must be a folder (or not exist yet), every existing part of its path a folder,
    and the nearest existing folder writable. The folder itself may be created; missing
    folders above it only inside the working directory (a typo like ``/nonexistant/x`` is an
    error, not a new top-level folder). ``inside``: the folder must lie within it (default
    output folders built from scenario names). ``parents``: any missing folder may be created
    (a folder inside one the caller already checked, e.g. a store inside a command's --out).
    """
    try:
        text = path_text(path, "folder")
    except ValueError as exc:
        raise InputError(flag, None, str(exc)) from None
    folder = Path(text)
    if inside is not None and not _within(folder, Path(inside)):
        raise InputError(flag, None, f"{folder} lies outside {inside}")
    _check_folder(folder, flag, may_create_last=True, parents=parents)
    return folder


def check_output_file(path: str | os.PathLike, flag: str) -> Path:
    """Check a file to be written: not a folder, its folder usable as by ``check_output_dir``
    (the folder must exist unless it lies inside the working directory), writable."""
    try:
        text = path_text(path, "file name")
    except ValueError as exc:
        raise InputError(flag, None, str(exc)) from None
    target = Path(text)
    try:
        if target.is_dir():
            raise InputError(flag, None, f"{target} is a folder, expected a file name")
        _check_folder(target.parent, flag, may_create_last=False)
        if target.exists() and not os.access(target, os.W_OK):
            raise InputError(flag, None, f"cannot overwrite {target} (read-only or no permission)")
    except OSError as exc:
        raise InputError(flag, None, f"cannot use {target} ({exc.strerror or exc})") from None
    return target


# ================================================================================== TOML


def _walk_limits(data: Any, source: str, error: type[InputError]) -> None:
    """Depth and integer limits over a parsed document (iterative: no recursion to exhaust)."""
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    while stack:
        value, where, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise error(source, where or None, f"nested more than {MAX_DEPTH} levels deep")
        if isinstance(value, dict):
            for k, v in value.items():
                stack.append((v, f"{where}.{k}" if where else str(k), depth + 1))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                stack.append((v, f"{where}[{i}]", depth + 1))
        elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INT:
            raise error(source, where or None, f"integer out of range (more than 64 bits): {str(value)[:24]}...")


def read_toml(path: str | os.PathLike, source: str | None = None,
              error: type[InputError] = InputError) -> tuple[dict, str]:
    """Parse a TOML file with limits; returns (data, text).

    Every problem is one ``error(source, key, ...)``: missing, a folder, a device or pipe, too
    large, unreadable, not UTF-8, not TOML, nested too deeply, an integer too long.
    """
    import tomllib

    try:
        text_path = path_text(path, "file name")
    except ValueError as exc:
        shown = source or (repr(os.fspath(path))[:80] if isinstance(os.fspath(path), str) else "input")
        raise error(shown.replace("\x00", "\\0")[:200], None, str(exc)) from None
    source = source or text_path
    p = Path(text_path)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise error(source, None, "file not found") from None
    except NotADirectoryError:
        raise error(source, None, "file not found (a part of the path is a file, not a folder)") from None
    except OSError as exc:
        raise error(source, None, f"cannot read file ({exc.strerror or exc})") from None
    if stat.S_ISDIR(st.st_mode):
        raise error(source, None, "is a folder, expected a TOML file")
    if not stat.S_ISREG(st.st_mode):
        raise error(source, None, "is not a regular file (a device, pipe or socket), expected a TOML file")
    if st.st_size > MAX_FILE_BYTES:
        raise error(source, None, f"file is {st.st_size:,} bytes, more than the limit of {MAX_FILE_BYTES:,}")
    try:
        with open(p, "rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise error(source, None, f"cannot read file ({exc.strerror or exc})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise error(source, None, f"file is more than the limit of {MAX_FILE_BYTES:,} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(source, None, f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at position {exc.start})") from None
    text = text.removeprefix("\ufeff")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(source, None, f"not valid TOML ({exc})") from None
    except RecursionError:
        raise error(source, None, f"not valid input (arrays or tables nested more than {MAX_DEPTH} levels deep)") from None
    except ValueError as exc:  # e.g. an integer of thousands of digits (int conversion limit)
        why = ("an integer has more than 4300 digits" if "integer string conversion" in str(exc)
               else str(exc).split(":")[0])
        raise error(source, None, f"not valid input ({why})") from None
    except MemoryError:
        raise error(source, None, "not valid input (too large to parse)") from None
    _walk_limits(data, source, error)
    return data, text


def read_text(path: str | os.PathLike, source: str, key: str | None, error: type[InputError] = InputError) -> str:
    """A small UTF-8 text file (a sweep's CSV table) with the same checks as ``read_toml``."""
    try:
        p = Path(path_text(path, "file name"))
        st = os.stat(p)
    except ValueError as exc:
        raise error(source, key, str(exc)) from None
    except FileNotFoundError:
        raise error(source, key, f"file not found: {os.fspath(path)!r}") from None
    except OSError as exc:
        raise error(source, key, f"cannot read {os.fspath(path)!r} ({exc.strerror or exc})") from None
    if stat.S_ISDIR(st.st_mode):
        raise error(source, key, f"{os.fspath(path)!r} is a folder, expected a file")
    if not stat.S_ISREG(st.st_mode):
        raise error(source, key, f"{os.fspath(path)!r} is not a regular file")
    if st.st_size > MAX_FILE_BYTES:
        raise error(source, key, f"{os.fspath(path)!r} is {st.st_size:,} bytes, more than {MAX_FILE_BYTES:,}")
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise error(source, key, f"cannot read {os.fspath(path)!r} ({exc.strerror or exc})") from None
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise error(source, key, f"{os.fspath(path)!r} is not UTF-8 text (byte 0x{raw[exc.start]:02x} at "
                    f"position {exc.start})") from None


# ====================================================================== pydantic: strict + one formatter


class StrictModel(BaseModel):
    """Base of every spec model: unknown keys refused, nothing coerced, no NaN or infinity."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


_TYPE_WORDS = {
    "int_type": "a whole number", "int_parsing": "a whole number", "int_from_float": "a whole number",
    "float_type": "a number", "float_parsing": "a number", "finite_number": "a finite number",
    "string_type": "a string", "bool_type": "true or false", "bool_parsing": "true or false",
    "list_type": "an array", "tuple_type": "an array", "dict_type": "a table", "model_type": "a table",
    "model_attributes_type": "a table", "none_required": "nothing",
}


def _unwrap(tp):
    """Strip Annotated and Optional (X | None -> X)."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
            continue
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) == 1:
                tp = args[0]
                continue
        return tp


def _is_model(tp) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _arm_tag(arm) -> str:
    arm = _unwrap(arm)
    if _is_model(arm):
        return arm.__name__
    origin = typing.get_origin(arm)
    if origin is typing.Literal:
        return "literal"
    if origin is not None:
        return getattr(origin, "__name__", str(origin)).lower()
    return getattr(arm, "__name__", str(arm)).lower()


def _walk_loc(model: type[BaseModel], loc: tuple) -> tuple[list, Any, type[BaseModel] | None]:
    """(the key path without pydantic's union tags, the field at the end or None, the model holding the last key)."""
    parts: list = []
    cur: Any = model
    info = None
    parent: type[BaseModel] | None = None
    for part in loc:
        cur = _unwrap(cur)
        origin = typing.get_origin(cur)
        if _is_model(cur):
            parent = cur
            info = cur.model_fields.get(str(part)) if isinstance(part, str) else None
            parts.append(part)
            cur = info.annotation if info is not None else Any
        elif origin is dict:
            parts.append(part)
            cur, info, parent = typing.get_args(cur)[1], None, None
        elif origin in (list, tuple):
            parts.append(part)
            args = typing.get_args(cur)
            cur, info, parent = (args[0] if args else Any), None, None
        elif origin in (typing.Union, types.UnionType):
            tag = str(part).split("[")[0].lower()
            arms = [a for a in typing.get_args(cur) if a is not type(None)]
            cur = next((a for a in arms if _arm_tag(a).lower() == tag), cur)
        else:
            parts.append(part)
    return parts, info, parent


def _key_text(parts: list) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def _expected_from_annotation(tp) -> str:
    tp = _unwrap(tp)
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        words = [_expected_from_annotation(a) for a in typing.get_args(tp) if a is not type(None)]
        words = list(dict.fromkeys(w for w in words if w))
        if "a whole number" in words and "a number" in words:
            words.remove("a whole number")
        return " or ".join(words)
    if origin is typing.Literal:
        return "one of " + ", ".join(repr(a) for a in typing.get_args(tp))
    if origin is dict or tp is dict or _is_model(tp):
        return "a table"
    if origin in (list, tuple) or tp in (list, tuple):
        return "an array"
    return {bool: "true or false", int: "a whole number", float: "a number", str: "a string"}.get(tp, "")


def _bounds_text(info) -> str:
    ge = le = gt = lt = min_len = None
    for m in getattr(info, "metadata", ()) or ():
        ge = getattr(m, "ge", None) if getattr(m, "ge", None) is not None else ge
        le = getattr(m, "le", None) if getattr(m, "le", None) is not None else le
        gt = getattr(m, "gt", None) if getattr(m, "gt", None) is not None else gt
        lt = getattr(m, "lt", None) if getattr(m, "lt", None) is not None else lt
        min_len = getattr(m, "min_length", None) if getattr(m, "min_length", None) is not None else min_len
    # Annotated[...] inside the annotation (e.g. Annotated[int, Field(ge=1)] | None)
    stack = [info.annotation] if info is not None else []
    while stack:
        tp = stack.pop()
        if typing.get_origin(tp) is typing.Annotated:
            for m in typing.get_args(tp)[1:]:
                for name in ("ge", "le", "gt", "lt"):
                    v = getattr(m, name, None)
                    if v is None:
                        for sub in getattr(m, "metadata", ()) or ():
                            v = getattr(sub, name, None) if v is None else v
                    if v is not None:
                        if name == "ge":
                            ge = v if ge is None else ge
                        elif name == "le":
                            le = v if le is None else le
                        elif name == "gt":
                            gt = v if gt is None else gt
                        else:
                            lt = v if lt is None else lt
            stack.append(typing.get_args(tp)[0])
        elif typing.get_origin(tp) in (typing.Union, types.UnionType):
            stack.extend(typing.get_args(tp))

    def fmt(v) -> str:
        return f"{v:,}" if isinstance(v, int) and abs(v) >= 10_000 else f"{v:g}" if isinstance(v, float) else str(v)

    if ge is not None and le is not None:
        return f" between {fmt(ge)} and {fmt(le)}"
    pieces = []
    for op, v in ((">=", ge), (">", gt), ("<=", le), ("<", lt)):
        if v is not None:
            pieces.append(f"{op} {fmt(v)}")
    if min_len:
        pieces.append(f"with at least {min_len} item{'s' if min_len > 1 else ''}")
    return (" " + " and ".join(pieces)) if pieces else ""


def _expected_from_errors(group: list[dict]) -> str:
    words = list(dict.fromkeys(_TYPE_WORDS[e["type"]] for e in group if e["type"] in _TYPE_WORDS))
    for e in group:
        if e["type"] == "literal_error":
            words.append("one of " + str((e.get("ctx") or {}).get("expected", "")))
    if "a whole number" in words and "a number" in words:
        words.remove("a whole number")
    return " or ".join(words)


_CONSTRAINTS = {"greater_than_equal": ">=", "greater_than": ">", "less_than_equal": "<=", "less_than": "<"}


def validation_error(exc: ValidationError, source: str, model: type[BaseModel], *, prefix: str = "",
                     key_format=None, hints: dict[str, str] | None = None,
                     error: type[InputError] = InputError) -> InputError:
    """The one pydantic error formatter: one line naming the key, the expectation and the value.

    Unknown keys come first (a typo like ``[desing]`` is reported as the unknown key with its
    did-you-mean, not as a missing ``design``), then the first other error in document order.
    ``prefix`` is put before the key; ``key_format(parts)`` replaces the dotted key text;
    ``hints`` maps a key pattern (fnmatch, e.g. ``"factors.*"``) to the expectation to state.
    """
    import fnmatch

    errors = exc.errors(include_url=False)
    errors.sort(key=lambda e: 0 if e["type"] == "extra_forbidden" else 1)
    first = errors[0]
    parts, info, parent = _walk_loc(model, tuple(first["loc"]))
    group = [e for e in errors if _walk_loc(model, tuple(e["loc"]))[0] == parts]
    key = prefix + (key_format(parts) if key_format else _key_text(parts)) if parts else (prefix.strip() or None)
    typ = first["type"]
    value = first.get("input")
    if typ == "extra_forbidden":
        allowed = list(parent.model_fields) if parent is not None else []
        return error(source, key, "unknown key" + suggest(str(parts[-1]), allowed))
    if typ == "missing":
        return error(source, key, "required key is missing")
    custom = [e for e in group if e["type"] in ("value_error", "assertion_error")]
    if custom:
        msg = str(custom[0]["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
        return error(source, key, msg)
    expected = _expected_from_annotation(info.annotation) if info is not None else ""
    expected = expected or _expected_from_errors(group) or "a valid value"
    dotted = _key_text(parts)
    hint = next((h for pattern, h in (hints or {}).items() if fnmatch.fnmatchcase(dotted, pattern)), None)
    if hint is not None:
        return error(source, key, f"expected {hint}, got {describe(value)}")
    bounds = _bounds_text(info) if info is not None else ""
    if not bounds:
        for e in group:
            op = _CONSTRAINTS.get(e["type"])
            if op:
                limit = next(iter((e.get("ctx") or {}).values()), "")
                bounds = f" {op} {limit}"
                break
            if e["type"] in ("too_short", "too_long"):
                n = (e.get("ctx") or {}).get("min_length" if e["type"] == "too_short" else "max_length")
                bounds = f" with {'at least' if e['type'] == 'too_short' else 'at most'} {n} items"
                break
    desc = f" ({info.description})" if info is not None and info.description else ""
    return error(source, key, f"expected {expected}{bounds}{desc}, got {describe(value)}")


def parse_model(model: type[BaseModel], data: Any, source: str, *, prefix: str = "", key_format=None,
                hints: dict[str, str] | None = None, error: type[InputError] = InputError):
    """``model(**data)`` with every problem one ``error`` (see ``validation_error``)."""
    if not isinstance(data, dict):
        raise error(source, prefix.strip() or None, f"expected a table, got {describe(data)}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, source, model, prefix=prefix, key_format=key_format, hints=hints,
                               error=error) from None
    except RecursionError:
        raise error(source, prefix.strip() or None, "nested too deeply") from None


def check_keys(data: dict, allowed, source: str, where: str = "", error: type[InputError] = InputError) -> None:
    """Every key of ``data`` is allowed, else one error with the did-you-mean."""
    allowed = list(allowed)
    for key in data:
        if key not in allowed:
            raise error(source, f"{where}{key}", "unknown key" + suggest(key, allowed))


# ============================================================================= the declaration


def as_number(value: Any) -> float | int | None:
    """``value`` as a plain int or float if it is a real number (numpy scalars included; not
    bool, not a string); else None."""
    if isinstance(value, bool):
        return None
    if hasattr(value, "item") and type(value).__module__ == "numpy":
        value = value.item()
        if isinstance(value, bool):
            return None
    if isinstance(value, (int, float)):
        return value
    return None


def check_param(name: str, value: Any, source: str, key: str, *, low: float | None = None, high: float | None = None,
                error: type[InputError] = InputError) -> float | int:
    """The one bounds check of a parameter value against its declaration (``sim.params``).

    Accepts ints, floats and numpy scalars; a whole-number parameter also accepts a whole float
    (``24.0``). Strings, booleans, NaN, infinity, values outside [low, high] (the declared
    bounds unless narrower ones are given) are one ``error``. Returns int for a whole-number
    parameter, else float.
    """
    from sim import params

    p = params.BY_NAME.get(name)
    if p is None:
        raise error(source, key, "not a declared parameter" + suggest(name, list(params.BY_NAME)) +
                    " (see 'safegov levers')")
    lo = p.low if low is None else low
    hi = p.high if high is None else high
    what = "a whole number" if p.integer else "a number"
    declared = "the declared bounds" if (lo, hi) == (p.low, p.high) else f"declared bounds {p.low:g}..{p.high:g}"
    v = as_number(value)
    if v is None or not math.isfinite(v) or not lo <= v <= hi or (p.integer and float(v) != round(v)):
        raise error(source, key, f"expected {what} between {lo:g} and {hi:g} ({p.unit}; {declared}), "
                    f"got {describe(value)}")
    return int(round(v)) if p.integer else float(v)


# ==================================================================================== callables

_CALLABLE = re.compile(r"[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*:[A-Za-z_][\w]*")


def resolve_callable(text: Any, source: str = "model", key: str | None = None,
                     error: type[InputError] = InputError):
    """The one callable resolver: ``"package.module:function"`` -> the function (imported)."""
    if not isinstance(text, str) or not _CALLABLE.fullmatch(text):
        raise error(source, key, f"expected 'package.module:function', got {describe(text)}")
    module_name, _, attr = text.partition(":")
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:  # ImportError, or the module raising while it is imported
        raise error(source, key, f"cannot import {module_name!r} ({type(exc).__name__}: {exc})") from None
    fn = getattr(module, attr, None)
    if not callable(fn):
        raise error(source, key, f"{module_name!r} has no function {attr!r}")
    return fn


# ================================================================================= design sizes


def check_runs(n: int, source: str, key: str | None, what: str = "the design", *, limit: int = MAX_RUNS,
               error: type[InputError] = InputError) -> int:
    """Refuse a batch of more than ``limit`` runs, before anything is allocated."""
    if n > limit:
        raise error(source, key, f"{what} has {n:,} runs, more than the limit of {limit:,} per batch; use fewer "
                    "points or replicates (or split it into several batches)")
    return n


def oserror_text(exc: OSError) -> str:
    """'File name too long' for an OSError, without the path (callers name the file)."""
    return exc.strerror or errno.errorcode.get(exc.errno or 0, "") or str(exc)
