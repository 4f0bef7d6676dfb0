"""The dashboard stays offline: asset requests are served from the local cache only (never deleted,
never fetched), and ensure_assets() verifies every file the page needs, not only package.json."""

from __future__ import annotations

import time
import urllib.error
import urllib.request

import pytest

from safegov.dashboard import assets


@pytest.fixture()
def no_network(monkeypatch):
    import requests

    def refuse(*args, **kwargs):
        raise AssertionError(f"the dashboard tried to fetch {args[:1]} from the network")

    monkeypatch.setattr(requests, "get", refuse)
    monkeypatch.setattr(requests.Session, "request", refuse)


def test_cached_path_serves_files_only_and_never_deletes_or_fetches(tmp_path, no_network):
    css = tmp_path / "font-awesome@4.5.0" / "css"
    css.mkdir(parents=True)
    (css / "font-awesome.min.css").write_text("body {}")
    assert assets.cached_path(tmp_path, "font-awesome@4.5.0/css/font-awesome.min.css") == css / "font-awesome.min.css"
    with pytest.raises(FileNotFoundError):
        assets.cached_path(tmp_path, "font-awesome@4.5.0/css")  # a folder: Solara's helper deleted it
    assert (css / "font-awesome.min.css").exists()
    with pytest.raises(FileNotFoundError):
        assets.cached_path(tmp_path, "left-pad@1.3.0/index.js")  # not cached: a 404, no fetch
    with pytest.raises(PermissionError):
        assets.cached_path(tmp_path, "../outside.js")


def test_serve_offline_replaces_every_fetching_helper(monkeypatch, no_network):
    from solara.server import cdn_helper

    for name in ("get_path", "get_data", "fetch_from_cdn"):
        monkeypatch.setattr(cdn_helper, name, getattr(cdn_helper, name))  # restored after the test
    assets.serve_offline()
    assert cdn_helper.get_path is assets.cached_path
    with pytest.raises(RuntimeError, match="offline"):
        cdn_helper.fetch_from_cdn("https://cdn.jsdelivr.net/npm/x@1/y.js")


def test_missing_files_sees_a_lost_file_not_only_package_json(tmp_path, monkeypatch):
    monkeypatch.setattr(assets, "cache_dir", lambda: tmp_path)
    name, ver = next((n, v) for n, v in assets._needed() if n == "requirejs")
    folder = tmp_path / f"{name}@{ver}"
    folder.mkdir()
    (folder / "package.json").write_text("{}")
    (folder / "require.js").write_text("var requirejs;")
    (folder / "README.md").write_text("x")
    assets._record(folder)
    assert f"{name}@{ver}" not in assets.missing_files()
    (folder / "README.md").unlink()  # not loaded by the page, but part of the package as installed
    assert assets.missing_files()[f"{name}@{ver}"] == ["README.md"]
    (folder / "README.md").write_text("x")
    (folder / "require.js").write_text("")  # loaded by the page: an empty file is a lost file
    assert "require.js" in assets.missing_files()[f"{name}@{ver}"]
    assert (name, ver) in assets.missing()


def test_page_files_include_the_stylesheets_fonts():
    files = assets.page_files()
    assert any(f.endswith("require.js") for f in files)
    assert any(f.startswith("font-awesome@") and f.endswith(".css") for f in files)
    if (assets.cache_dir() / files[0]).exists():  # with the cache installed, CSS references are followed
        assert any(f.endswith(".woff2") for f in files)


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_the_running_server_never_deletes_or_fetches(tmp_path):
    from safegov.dashboard import browser as B

    try:
        assets.ensure_assets(quiet=True)
    except RuntimeError as exc:  # no npm and no cached front end: an environment limit
        pytest.skip(f"dashboard front-end assets unavailable: {exc}")
    css_dir = assets.cache_dir() / "font-awesome@4.5.0" / "css"
    port = B.free_port()
    with open(tmp_path / "server.log", "wb") as log:
        proc = B.start_server(port, "en", log=log)
        try:
            assert _get(f"http://127.0.0.1:{port}/") == 200  # the page itself still loads
            base = f"http://127.0.0.1:{port}/_solara/cdn"
            assert _get(f"{base}/requirejs@2.3.6/require.js") == 200
            assert _get(f"{base}/font-awesome@4.5.0/css") == 404
            assert css_dir.is_dir() and any(css_dir.iterdir()), "a GET deleted the cached folder"
            started = time.monotonic()
            assert _get(f"{base}/left-pad@1.3.0/index.js") == 404
            assert time.monotonic() - started < 5  # answered from the cache, no CDN round trips
            assert not (assets.cache_dir() / "left-pad@1.3.0").exists()
        finally:
            B.stop_server(proc)
    assert assets.missing() == []
