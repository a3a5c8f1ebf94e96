"""The built UI is served from its directory only: no ``..`` and no symlink leads out of it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import http_get as get

SECRET = "top secret, outside the UI directory"


@pytest.fixture
def dist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A built UI in a temporary directory, with a secret file and folder beside it."""
    root = tmp_path / "dist"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text("<!doctype html><title>ui</title>")
    (root / "assets" / "app-C5PY5oFz.js").write_text("console.log('app')")
    (root / "assets" / "app-C5PY5oFz.css").write_text("body{}")
    (root / "assets" / "theme-init.js").write_text("/* copied as it is, no hash in its name */")
    (tmp_path / "secret.txt").write_text(SECRET)
    (tmp_path / "secret_dir").mkdir()
    (tmp_path / "secret_dir" / "inner.js").write_text(SECRET)
    monkeypatch.setattr("reflow_desktop.server.app.ui_dist_dir", lambda: root)
    return root


def url(server, path: str) -> str:
    return f"http://127.0.0.1:{server.port}{path}?token={server.token}"


async def test_assets_are_served_with_type_and_long_cache(server, dist):
    code, headers, body = await get(url(server, "/assets/app-C5PY5oFz.js"))
    assert code == 200 and body == b"console.log('app')"
    assert headers["Content-Type"] in ("text/javascript; charset=utf-8", "application/javascript; charset=utf-8")
    assert "immutable" in headers["Cache-Control"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    code, headers, _ = await get(url(server, "/index.html"))
    assert code == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Cache-Control"] == "no-store"  # not a hashed asset


async def test_an_asset_without_a_content_hash_is_not_cached_for_good(server, dist):
    # theme-init.js keeps its name across builds: cached as immutable, an update would never be fetched
    code, headers, _ = await get(url(server, "/assets/theme-init.js"))
    assert code == 200
    assert "immutable" not in headers["Cache-Control"] and "max-age=31536000" not in headers["Cache-Control"]


async def test_assets_resolve_relative_to_a_session_page(server, dist):
    # ./assets/x from /s/ID is /s/assets/x; from /s/ID/ it is /s/ID/assets/x.
    for path in ("/s/assets/app-C5PY5oFz.css", "/s/abc123/assets/app-C5PY5oFz.css"):
        code, headers, body = await get(url(server, path))
        assert code == 200 and body == b"body{}", path
        assert headers["Content-Type"] == "text/css; charset=utf-8"


async def test_missing_file_and_missing_build_are_404(server, dist, monkeypatch):
    assert (await get(url(server, "/assets/nope.js")))[0] == 404
    monkeypatch.setattr("reflow_desktop.server.app.ui_dist_dir", lambda: None)
    assert (await get(url(server, "/assets/app-C5PY5oFz.js")))[0] == 404


async def test_dot_dot_does_not_leave_the_directory(server, dist):
    for path in ("/assets/%2e%2e/%2e%2e/secret.txt", "/%2e%2e/secret.txt", "/s/x/%2e%2e/%2e%2e/secret.txt"):
        code, _, body = await get(url(server, path))
        assert code in (403, 404), path
        assert SECRET.encode() not in body


@pytest.mark.skipif(os.name == "nt", reason="symlinks need privileges on Windows")
async def test_symlink_out_of_the_directory_is_refused(server, dist):
    (dist / "assets" / "leak.js").symlink_to(dist.parent / "secret.txt")
    (dist / "assets" / "linked").symlink_to(dist.parent / "secret_dir", target_is_directory=True)
    for path in ("/assets/leak.js", "/assets/linked/inner.js", "/s/assets/leak.js"):
        code, _, body = await get(url(server, path))
        assert code == 403, path
        assert SECRET.encode() not in body


@pytest.mark.skipif(os.name == "nt", reason="symlinks need privileges on Windows")
async def test_symlink_within_the_directory_is_served(server, dist):
    (dist / "assets" / "alias.js").symlink_to(dist / "assets" / "app-C5PY5oFz.js")
    code, _, body = await get(url(server, "/assets/alias.js"))
    assert code == 200 and body == b"console.log('app')"


async def test_static_files_need_the_token(server, dist):
    code, _, body = await get(f"http://127.0.0.1:{server.port}/assets/app-C5PY5oFz.js")
    assert code == 403 and b"console.log" not in body
