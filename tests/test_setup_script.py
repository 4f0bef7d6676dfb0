"""scripts/setup.sh does nothing (no output, well under a second) when .venv matches pyproject.toml."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

FAKE_PYTHON = """#!/usr/bin/env bash
# Stands in for .venv/bin/python: records every call; 'pip install -e' creates the safegov script.
echo "$@" >> "$(dirname "$0")/calls.log"
if [ "$1 $2 $3" = "-m pip install" ] && [ "$4" = "-e" ]; then
  printf '#!/bin/sh\\n' > "$(dirname "$0")/safegov"; chmod +x "$(dirname "$0")/safegov"
fi
"""


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "p"
    (project / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "setup.sh", project / "scripts" / "setup.sh")
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    bin_dir = project / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").write_text(FAKE_PYTHON)
    (bin_dir / "python").chmod(0o755)
    return project


def _setup(project: Path) -> tuple[subprocess.CompletedProcess, float]:
    started = time.perf_counter()
    proc = subprocess.run(["bash", "scripts/setup.sh"], cwd=project, capture_output=True, text=True, timeout=60)
    return proc, time.perf_counter() - started


def _installs(project: Path) -> int:
    log = project / ".venv" / "bin" / "calls.log"
    return sum("install -e" in line for line in log.read_text().splitlines()) if log.exists() else 0


def test_setup_is_a_silent_no_op_when_the_venv_is_current(tmp_path):
    project = _project(tmp_path)
    first, _ = _setup(project)
    assert first.returncode == 0, first.stderr
    assert _installs(project) == 1 and first.stdout == "" and first.stderr.count("\n") == 1  # one line saying so
    again, seconds = _setup(project)
    assert again.returncode == 0 and again.stdout == "" and again.stderr == ""
    assert _installs(project) == 1 and seconds < 1.0, seconds
    # a changed pyproject.toml (a new dependency) installs again
    with (project / "pyproject.toml").open("a") as fh:
        fh.write("\n# changed\n")
    changed, _ = _setup(project)
    assert changed.returncode == 0 and _installs(project) == 2


def test_a_failed_install_shows_the_log_and_leaves_no_stamp(tmp_path):
    project = _project(tmp_path)
    python = project / ".venv" / "bin" / "python"
    python.write_text("#!/usr/bin/env bash\necho 'ERROR: no matching distribution for mesa' >&2\nexit 1\n")
    proc, _ = _setup(project)
    assert proc.returncode == 1 and "no matching distribution" in proc.stderr
    assert not (project / ".venv" / ".safegov-setup").exists()


def test_project_metadata_uses_an_spdx_license():
    """setuptools deprecates ``license = { text = ... }``; the SPDX string gives no warning."""
    import tomllib

    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert meta["project"]["license"] == "MIT"
    assert any(r.startswith("setuptools>=77") for r in meta["build-system"]["requires"])
