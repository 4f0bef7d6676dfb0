"""Solara's browser assets: installed once from the npm registry, then served offline only.

Solara's page loads its front end (Vuetify app, RequireJS, Font Awesome) through the server's
``/_solara/cdn/`` route, which serves files from a cache folder and otherwise fetches them from a
public CDN - and, for a request naming a cached *folder*, deletes that folder first (a GET to
``/_solara/cdn/font-awesome@4.5.0/css`` removed Font Awesome's stylesheets). Machines here reach
package registries only, so:

- ``ensure_assets`` fills the cache with the exact npm packages Solara's page template names,
  using the ordinary ``npm pack`` client, and verifies every file the pages need: the files the
  template loads, the fonts and images their stylesheets name, and every file of each package as
  recorded when it was installed (``.safegov-files.json``). Nothing is fetched when all are there.
- ``serve_offline`` makes the route serve from the cache only: a file that is there is sent, any
  other request is a 404; nothing is deleted and nothing is fetched at run time.

Mesa's SolaraViz page (docs/viz.md) also needs the grid layout that Solara's ``GridDraggable``
widget imports from the CDN: ``ensure_assets(extra=viz_assets())``, or from a shell
``python -m safegov.dashboard.assets --viz``.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PATTERN = re.compile(r"\{\{\s*cdn\s*\}\}/((?:@[\w.-]+/)?[\w.-]+)@(\d[\w.-]*)/")
REFERENCE = re.compile(r"""\{\{\s*cdn\s*\}\}((?:\{\{[^}]*\}\}|[^"'\s<>{])+)""")
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""")
RECORD = ".safegov-files.json"  # every file of a package as installed: relative path -> size in bytes
#: How a Solara widget (a .vue file) names a CDN package: ``${this.getCdn()}/pkg@1.2.3/...``.
WIDGET_PATTERN = re.compile(r"getCdn\(\)\}/((?:@[\w.-]+/)?[\w.-]+)@(\d[\w.-]*)/")


def cache_dir() -> Path:
    from solara.server import settings

    return Path(settings.assets.proxy_cache_dir)


def _template() -> str:
    import solara.server

    return (Path(solara.server.__file__).parent / "templates" / "solara.html.j2").read_text(encoding="utf-8")


def wanted() -> list[tuple[str, str]]:
    """(package, version) pairs the page template loads from the CDN route."""
    from solara.server import settings

    found = dict.fromkeys(PATTERN.findall(_template()))
    fa = settings.assets.fontawesome_path.strip("/").split("/")[0]  # font-awesome@4.5.0
    if "@" in fa:
        name, _, ver = fa.rpartition("@")
        found[(name, ver)] = None
    return list(found)


def _vuetify3() -> bool:
    import ipyvuetify

    return int(ipyvuetify.__version__.split(".")[0]) >= 3


def _needed() -> list[tuple[str, str]]:
    v3 = _vuetify3()
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


def _wanted(extra: list[tuple[str, str]] | tuple = ()) -> list[tuple[str, str]]:
    return list(dict.fromkeys([*_needed(), *extra]))


def page_files() -> list[str]:
    """Files (relative to the cache) the page loads: the template's references, rendered for the
    installed ipywidgets and ipyvuetify, plus what their stylesheets name (fonts, images)."""
    import ipywidgets
    from solara.server import settings

    packages = {f"{n}@{v}" for n, v in _needed()}
    major = ipywidgets.__version__.split(".")[0]
    files: list[str] = []
    for ref in REFERENCE.findall(_template()):
        path = re.sub(r"\{\{\s*ipywidget_major_version\s*\}\}", major, ref)
        path = re.sub(r"\{\{\s*assets\.fontawesome_path\s*\}\}", settings.assets.fontawesome_path, path)
        path = path.lstrip("/")
        if "{{" not in path and any(path.startswith(p + "/") for p in packages):
            files.append(path)
    # a development build (x.js beside x.min.js) is loaded only in solara's dev mode
    files = [f for f in files if not (f.endswith(".js") and f[:-3] + ".min.js" in files)]
    base = cache_dir()
    for css in [f for f in files if f.endswith(".css")]:
        try:
            text = (base / css).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue  # reported as missing itself
        for url in CSS_URL.findall(text):
            if url.startswith(("data:", "http:", "https:", "//", "#")):
                continue
            rel = url.split("?")[0].split("#")[0]
            target = (Path(css).parent / rel).as_posix()
            parts: list[str] = []
            for part in target.split("/"):
                if part == "..":
                    if parts:
                        parts.pop()
                elif part not in ("", "."):
                    parts.append(part)
            files.append("/".join(parts))
    return list(dict.fromkeys(files))


def missing_files(extra: list[tuple[str, str]] | tuple = ()) -> dict[str, list[str]]:
    """Package -> files it lacks (empty files count as lacking); only packages with a problem."""
    base = cache_dir()
    problems: dict[str, list[str]] = {}
    needed = [f"{n}@{v}" for n, v in _wanted(extra)]
    for package in needed:
        folder = base / package
        lacking = [] if (folder / "package.json").is_file() else ["package.json"]
        record = folder / RECORD
        if record.is_file():
            try:
                sizes = json.loads(record.read_text(encoding="utf-8"))
            except (ValueError, OSError):
                sizes = {}
                lacking.append(RECORD)
            for rel, size in sizes.items():
                p = folder / rel
                if not p.is_file() or p.stat().st_size != size:
                    lacking.append(rel)
        if lacking:
            problems[package] = lacking
    for rel in page_files():
        package = next((p for p in needed if rel.startswith(p + "/")), None)
        p = base / rel
        if package is not None and (not p.is_file() or p.stat().st_size == 0):
            problems.setdefault(package, [])
            if rel[len(package) + 1:] not in problems[package]:
                problems[package].append(rel[len(package) + 1:])
    return problems


def missing(extra: list[tuple[str, str]] | tuple = ()) -> list[tuple[str, str]]:
    """(package, version) pairs to (re)install: absent or missing any file the pages need."""
    broken = missing_files(extra)
    return [(n, v) for n, v in _wanted(extra) if f"{n}@{v}" in broken]


def _record(folder: Path) -> None:
    sizes = {p.relative_to(folder).as_posix(): p.stat().st_size
             for p in sorted(folder.rglob("*")) if p.is_file() and p.name != RECORD}
    from sim.outputs import atomic_text

    atomic_text(folder / RECORD, json.dumps(sizes, indent=0, sort_keys=True) + "\n")


def ensure_assets(quiet: bool = False, extra: list[tuple[str, str]] | tuple = ()) -> list[str]:
    """Install missing or incomplete packages into Solara's cache with ``npm pack``; returns what
    was installed. Packages cached before files were recorded get their record written.
    ``extra``: more (package, version) pairs, e.g. ``viz_assets()`` for Mesa's SolaraViz page."""
    todo = missing(extra)
    base = cache_dir()
    for name, ver in _wanted(extra):  # complete but unrecorded (installed by an earlier version)
        folder = base / f"{name}@{ver}"
        if (name, ver) not in todo and folder.is_dir() and not (folder / RECORD).exists():
            with contextlib.suppress(OSError):  # a read-only cache is verified, not recorded
                _record(folder)
    if not todo:
        return []
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("the dashboard's browser assets are missing and npm is not installed; install Node.js "
                           f"and npm, or these npm packages into {cache_dir()}: "
                           + ", ".join(f"{n}@{v}" for n, v in todo))
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
            _record(staging / "package")
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                shutil.rmtree(target)
            shutil.move(str(staging / "package"), str(target))
            done.append(f"{name}@{ver}")
    still = missing_files(extra)
    if still:
        raise RuntimeError("the dashboard's browser assets are incomplete after installing them: "
                           + "; ".join(f"{p}: {', '.join(f[:3])}" for p, f in still.items()))
    return done


# ---------------------------------------------------------------------------- serving offline


def cached_path(base_cache_dir, path: str) -> Path:
    """The cached file for a ``/_solara/cdn/<path>`` request, or FileNotFoundError (a 404).

    Replaces Solara's ``cdn_helper.get_path``, which deletes a cached folder named by a request
    and fetches anything it lacks from the public CDN.
    """
    from solara.server.utils import path_is_child_of

    base = Path(base_cache_dir)
    parts = path.replace("\\", "/").split("/")
    store_path = Path(path) if len(parts) != 1 else Path(path) / "__main.js"
    cache_path = base / store_path
    if not path_is_child_of(cache_path, base):
        raise PermissionError("Trying to read from outside of cache directory")
    if cache_path.is_file():
        return cache_path
    raise FileNotFoundError(f"{path}: not in the offline asset cache {base} (safegov serves assets offline only)")


def _no_fetch(url, *args, **kwargs):
    raise RuntimeError(f"safegov serves the dashboard offline: not fetching {url}")


def serve_offline() -> None:
    """Make Solara's CDN route serve from the local cache only (call before the server starts).

    ``solara.server.starlette`` binds ``get_path`` from ``cdn_helper`` when it is imported, which
    must happen after Solara's command line has named the app: so only ``cdn_helper`` is patched
    here, and the starlette module too if something imported it already.
    """
    import sys

    from solara.server import cdn_helper

    def get_data(base_cache_dir, path):
        return cached_path(base_cache_dir, path).read_bytes()

    cdn_helper.get_path = cached_path
    cdn_helper.get_data = get_data
    cdn_helper.fetch_from_cdn = _no_fetch
    started = sys.modules.get("solara.server.starlette")
    if started is not None:
        started.get_path = cached_path  # the name the route's StaticCdn.lookup_path calls


if __name__ == "__main__":  # python -m safegov.dashboard.assets [--viz]
    installed = ensure_assets(extra=viz_assets() if "--viz" in sys.argv[1:] else ())
    print("installed " + ", ".join(installed) if installed else f"all assets present in {cache_dir()}")
