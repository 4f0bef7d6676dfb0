"""Solara's browser assets, installed once from the npm registry (no CDN at run time).

Solara's page loads its front end (Vuetify app, RequireJS, Font Awesome) through the server's
``/_solara/cdn/`` route, which serves files from a cache folder and otherwise fetches them from a
public CDN. Machines here reach package registries only, so ``ensure_assets`` fills the cache
with the exact npm packages Solara's page template names, using the ordinary ``npm pack``
client, before the server starts. Nothing is fetched when the files are there already.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PATTERN = re.compile(r"\{\{\s*cdn\s*\}\}/((?:@[\w.-]+/)?[\w.-]+)@(\d[\w.-]*)/")


def cache_dir() -> Path:
    from solara.server import settings

    return Path(settings.assets.proxy_cache_dir)


def wanted() -> list[tuple[str, str]]:
    """(package, version) pairs the page template loads from the CDN route."""
    import solara.server
    from solara.server import settings

    template = Path(solara.server.__file__).parent / "templates" / "solara.html.j2"
    found = dict.fromkeys(PATTERN.findall(template.read_text(encoding="utf-8")))
    fa = settings.assets.fontawesome_path.strip("/").split("/")[0]  # font-awesome@4.5.0
    if "@" in fa:
        name, _, ver = fa.rpartition("@")
        found[(name, ver)] = None
    return list(found)


def _needed() -> list[tuple[str, str]]:
    import ipyvuetify

    v3 = int(ipyvuetify.__version__.split(".")[0]) >= 3
    out = []
    for name, ver in wanted():
        # vuetify 2 and 3 apps: only the one matching ipyvuetify is loaded
        if name.endswith(("solara-vuetify-app", "solara-vuetify3-app")) and name.endswith("3-app") != v3:
            continue
        out.append((name, ver))
    return out


def missing() -> list[tuple[str, str]]:
    base = cache_dir()
    return [(n, v) for n, v in _needed() if not (base / f"{n}@{v}" / "package.json").exists()]


def ensure_assets(quiet: bool = False) -> list[str]:
    """Install missing packages into Solara's cache with ``npm pack``. Returns what was installed."""
    todo = missing()
    if not todo:
        return []
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("the dashboard's browser assets are missing and npm is not installed; install Node.js "
                           f"and npm, or these npm packages into {cache_dir()}: "
                           + ", ".join(f"{n}@{v}" for n, v in todo))
    base = cache_dir()
    done = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, ver in todo:
            if not quiet:
                sys.stderr.write(f"safegov dashboard: installing browser asset {name}@{ver} (npm)\n")
            out = subprocess.run([npm, "pack", f"{name}@{ver}", "--pack-destination", tmp, "--silent"],
                                 capture_output=True, text=True, timeout=300, check=False)
            if out.returncode != 0:
                raise RuntimeError(f"npm pack {name}@{ver} failed: {out.stderr.strip()[-300:]}")
            tgz = Path(tmp) / out.stdout.strip().splitlines()[-1]
            target = base / f"{name}@{ver}"
            staging = Path(tmp) / "x"
            shutil.rmtree(staging, ignore_errors=True)
            staging.mkdir()
            with tarfile.open(tgz) as tf:
                tf.extractall(staging, filter="data")
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                shutil.rmtree(target)
            shutil.move(str(staging / "package"), str(target))
            done.append(f"{name}@{ver}")
    return done
