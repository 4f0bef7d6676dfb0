"""Write a run's tables, summary, manifest and figures to a folder.

Every file is written under a temporary name and renamed into place, so an interrupted write
never leaves a half file where a complete one is expected, and files already in the folder are
only replaced by complete new ones.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sim.provenance import git_commit, package_versions

if TYPE_CHECKING:
    from sim.run import RunResult

TMP_MARK = ".tmp-"  # temporary files are named .<name>.tmp-<pid>-<random>


def atomic_write(path: str | os.PathLike, write, *, sync: bool = False) -> Path:
    """Write ``path`` atomically: ``write(tmp)`` fills a temporary file in the same folder, which
    is then renamed into place. The one atomic write of the project (run outputs, stores,
    sensitivity and calibration reports, figures).

    The temporary file never stays behind when anything fails (an exception, Ctrl-C): it is
    removed and the error re-raised; the old file, if any, is untouched. Only a SIGKILL or a
    power loss can leave a ``.<name>.tmp-*`` file, which stores remove when they are opened.
    ``sync``: fsync the file before the rename (survives power loss, about 4 ms a file).
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name[:180]}{TMP_MARK}{os.getpid()}-{uuid.uuid4().hex[:8]}")
    try:
        write(tmp)
        if sync:
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return path


def atomic_text(path: str | os.PathLike, text: str, *, sync: bool = False) -> Path:
    """``atomic_write`` of UTF-8 text."""
    return atomic_write(path, lambda p: Path(p).write_text(text, encoding="utf-8"), sync=sync)


def atomic_json(path: str | os.PathLike, data, *, sync: bool = False) -> Path:
    """``atomic_write`` of indented UTF-8 JSON (non-JSON values as strings)."""
    return atomic_text(path, json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n", sync=sync)


def manifest(result: RunResult) -> dict:
    sc = result.scenario
    return {
        "scenario": sc.name,
        "scenario_text": sc.text(),
        "scenario_files": [path for path, _ in sc.sources],
        "parameters": sc.values(),
        "schedule": [{"month": e.month, "levers": e.levers} for e in sc.schedule],
        "setup": sc.setup.model_dump(),
        "seed": result.seed,
        "replicate": result.replicate,
        "months": result.months,
        "versions": package_versions(),
        "git": git_commit(),
        "command": sys.argv,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def write_run(result: RunResult, out_dir: Path, figures: bool = True) -> list[Path]:
    """Write everything a run produced into ``out_dir``; returns the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []

    def put(name: str, write) -> None:
        written.append(atomic_write(out_dir / name, write))

    put("monthly.parquet", lambda p: result.monthly.to_parquet(p, index=False))
    put("annual.csv", lambda p: result.annual.to_csv(p, index=False))
    put("accidents.parquet", lambda p: result.accidents.to_parquet(p, index=False))
    put("summary.json", lambda p: p.write_text(json.dumps(result.summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"))
    put(
        "manifest.json",
        lambda p: p.write_text(json.dumps(manifest(result), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"),
    )
    if figures:
        from sim.figures import run_figures

        written += run_figures(result, out_dir)
    return written
