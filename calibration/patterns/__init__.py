"""The pattern battery: ``safegov patterns`` (plan the runs, run them, evaluate, report).

    from calibration.patterns import run_battery
    result = run_battery("quick", out="outputs/patterns-quick", workers=2)

See battery.py for the patterns, scales.py for ``quick`` and ``full``, levers.py for what each
lever exists for (shared with the lever-liveness test).
"""

from __future__ import annotations

import time
from pathlib import Path

from calibration.patterns.battery import BASELINE, HISTORY, Pattern, Result, evaluate, plan
from calibration.patterns.scales import SCALES, Scale
from calibration.patterns.simulate import run_jobs

__all__ = ["BASELINE", "HISTORY", "SCALES", "Pattern", "Result", "Scale", "run_battery"]

ROOT = Path(__file__).resolve().parents[2]


def _resolve(path: str) -> str:
    p = Path(path)
    return str(p if p.is_absolute() or p.exists() else ROOT / p)


def run_battery(
    scale: str | Scale = "quick",
    out: Path | None = None,
    workers: int = 0,
    baseline: str = BASELINE,
    history: str = HISTORY,
    seed: int = 0,
    progress=None,
) -> Result:
    """Run every pattern at ``scale`` and, when ``out`` is given, write the outputs there."""
    sc = SCALES[scale] if isinstance(scale, str) else scale
    started = time.perf_counter()
    jobs = plan(sc, _resolve(baseline), _resolve(history), seed=seed)
    summaries = run_jobs(jobs, workers=workers, progress=progress)
    result = evaluate(sc, summaries)
    if out is not None:
        from calibration.patterns.report import write
        from sim.provenance import git_commit, package_versions

        manifest = {
            "scale": sc.name,
            "runs": len(jobs),
            "elapsed_s": time.perf_counter() - started,
            "seed": seed,
            "baseline": baseline,
            "history": history,
            "workers": workers,
            "git_commit": git_commit(),
            "versions": package_versions(),
            "setup": sc.setup,
        }
        write(result, Path(out), manifest)
    return result
