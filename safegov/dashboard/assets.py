"""Solara's browser assets, installed once from the npm registry (no CDN at run time).

Solara's page loads its front end (Vuetify app, RequireJS, Font Awesome) through the server's
``/_solara/cdn/`` route, which serves files from a cache folder and otherwise fetches them from a
public CDN. Machines here reach package registries only, so ``ensure_assets`` fills the cache
with the exact npm packages Solara's page template names, using the ordinary ``npm pack``
client, before the server starts. Nothing is fetched when the files are there already.

Mesa's SolaraViz page (docs/viz.md) also needs the grid layout that Solara's ``GridDraggable``
widget imports from the CDN: ``ensure_assets(extra=viz_assets())``, or from a shell
``python -m safegov.dashboard.assets --viz``.
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
#: How a Solara widget (a .vue file) names a CDN package: ``${this.getCdn()}/pkg@1.2.3/...``.
WIDGET_PATTERN = re.compile(r"getCdn\(\)\}/((?:@[\w.-]+/)?[\w.-]+)@(\d[\w.-]*)/")


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


def widget_assets(widget: str) -> list[tuple[str, str]]:
    """(package, version) pairs a Solara widget (``solara/widgets/vue/<widget>.vue``) imports from
    the CDN; the Vuetify-3 variant (``<widget>_v3.vue``) when ipyvuetify 3 is installed."""
    import ipyvuetify
    import solara

    folder = Path(solara.__file__).parent / "widgets" / "vue"
    v3 = int(ipyvuetify.__version__.split(".")[0]) >= 3
    path = folder / f"{widget}_v3.vue" if v3 and (folder / f"{widget}_v3.vue").exists() else folder / f"{widget}.vue"
    return list(dict.fromkeys(WIDGET_PATTERN.findall(path.read_text(encoding="utf-8"))))


def viz_assets() -> list[tuple[str, str]]:
    """What Mesa's SolaraViz page needs beyond the page template: the draggable grid layout."""
    return widget_assets("gridlayout")


def missing(extra: list[tuple[str, str]] | tuple = ()) -> list[tuple[str, str]]:
    base = cache_dir()
    wanted_now = list(dict.fromkeys([*_needed(), *extra]))
    return [(n, v) for n, v in wanted_now if not (base / f"{n}@{v}" / "package.json").exists()]


def ensure_assets(quiet: bool = False, extra: list[tuple[str, str]] | tuple = ()) -> list[str]:
    """Install missing packages into Solara's cache with ``npm pack``. Returns what was installed.
    ``extra``: more (package, version) pairs, e.g. ``viz_assets()`` for Mesa's SolaraViz page."""
    todo = missing(extra)
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


if __name__ == "__main__":  # python -m safegov.dashboard.assets [--viz]
    installed = ensure_assets(extra=viz_assets() if "--viz" in sys.argv[1:] else ())
    print("installed " + ", ".join(installed) if installed else f"all assets present in {cache_dir()}")
