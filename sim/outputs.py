"""Write a run's tables, summary, manifest and figures to a folder.

Every file is written under a temporary name and renamed into place, so an interrupted write
never leaves a half file where a complete one is expected, and files already in the folder are
only replaced by complete new ones.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from sim.provenance import git_commit, package_versions
from sim.run import RunResult


def _atomic(path: Path, write) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


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
        path = out_dir / name
        _atomic(path, write)
        written.append(path)

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
