"""resources.py finds every shipped file in the checkout, and in a frozen layout."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from reflow_desktop import resources

ROOT = Path(__file__).resolve().parents[2]


def test_checkout_locations() -> None:
    assert resources.is_checkout()
    assert not resources.is_frozen()
    assert resources.engine_dir() == ROOT / "engine"
    assert resources.examples_dir() == ROOT / "examples"
    assert resources.icon_path() == ROOT / "installers" / "icons" / "reflow.svg"
    assert resources.bundled_uv() is None
    assert ROOT / "ui" / "dist" == resources.ui_dist_candidates()[0]
    assert ROOT / "ui" / "build" / "export" == resources.export_bundle_candidates()[0]
    if (ROOT / "ui" / "dist" / "index.html").is_file():
        assert resources.ui_dist_dir() == ROOT / "ui" / "dist"
    assert set(resources.describe()) >= {"ui_dist", "export_bundle", "examples", "engine", "uv", "icon"}


@pytest.fixture
def frozen(tmp_path, monkeypatch) -> Path:
    """A fake PyInstaller bundle with the layout reflow.spec produces."""
    root = tmp_path / "_internal"
    (root / "engine" / "reflow").mkdir(parents=True)
    (root / "engine" / "reflow" / "__init__.py").write_text("")
    ui = root / "reflow_desktop" / "static" / "ui"
    ui.mkdir(parents=True)
    (ui / "index.html").write_text("<!doctype html>")
    export = root / "reflow_desktop" / "static" / "export"
    export.mkdir(parents=True)
    (export / "reflow-export.js").write_text("")
    (export / "reflow-export.css").write_text("")
    ex = root / "reflow_desktop" / "examples"
    ex.mkdir(parents=True)
    (ex / "intro.py").write_text("# %%\nx = 1\n")
    icons = root / "reflow_desktop" / "static" / "icons"
    icons.mkdir(parents=True)
    (icons / "reflow.svg").write_text("<svg/>")
    (root / "bin").mkdir()
    (root / "bin" / resources.UV_NAME).write_text("")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(root), raising=False)
    return root.resolve()


def test_frozen_locations(frozen: Path) -> None:
    assert resources.is_frozen()
    assert resources.engine_dir() == frozen / "engine"
    assert resources.ui_dist_dir() == frozen / "reflow_desktop" / "static" / "ui"
    assert resources.examples_dir() == frozen / "reflow_desktop" / "examples"
    assert resources.icon_path() == frozen / "reflow_desktop" / "static" / "icons" / "reflow.svg"
    assert resources.bundled_uv() == frozen / "bin" / resources.UV_NAME


def test_app_lookups_go_through_resources(frozen: Path) -> None:
    """The modules that need shipped files find the frozen copies (one-line hooks)."""
    from reflow_desktop.envs import uv
    from reflow_desktop.exporting.html import bundle_dir
    from reflow_desktop.server.static import ui_dist_dir
    from reflow_desktop.session.kernel import engine_dir, kernel_env
    from reflow_desktop.shell.welcome import examples_dir

    assert ui_dist_dir() == frozen / "reflow_desktop" / "static" / "ui"
    assert bundle_dir() == frozen / "reflow_desktop" / "static" / "export"
    assert examples_dir() == frozen / "reflow_desktop" / "examples"
    assert engine_dir() == frozen / "engine"
    assert kernel_env()["PYTHONPATH"].split(__import__("os").pathsep)[0] == str(frozen / "engine")
    uv.find_uv.cache_clear()
    try:
        assert uv.find_uv() == frozen / "bin" / resources.UV_NAME
    finally:
        uv.find_uv.cache_clear()
