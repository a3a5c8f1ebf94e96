"""Where the app's non-Python resources live: a checkout, an installed wheel, or a frozen app.

Every lookup of a shipped file goes through here so that the three layouts stay
in one place instead of being guessed in each module:

- **checkout** (``pip install -e .``): the repo's ``ui/dist``, ``ui/build/export``,
  ``engine/``, ``examples/``, ``installers/icons``;
- **wheel**: package data under ``reflow_desktop/static/...`` and
  ``reflow_desktop/examples``; the engine is the site-packages ``reflow``;
- **frozen** (PyInstaller one-folder app, ``sys.frozen``): the same package-data
  layout under ``sys._MEIPASS``, the engine as *plain files* in
  ``sys._MEIPASS/engine`` (kernels run in another interpreter and import it from
  PYTHONPATH, so it cannot live inside the app's PYZ archive), and uv's binary
  in ``sys._MEIPASS/bin``. ``installers/reflow.spec`` builds exactly this layout.

Standard library only, no imports of the rest of the app, so any module (and
the PyInstaller spec) can use it cheaply.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
# desktop/reflow_desktop -> repo root; only meaningful in a checkout (checked by is_checkout()).
REPO_ROOT = PACKAGE_DIR.parent.parent
UV_NAME = "uv.exe" if sys.platform == "win32" else "uv"
ICON_NAMES = ("reflow.svg", "reflow.png", "reflow.ico", "reflow.icns")


def is_frozen() -> bool:
    """True inside the PyInstaller-built app."""
    return bool(getattr(sys, "frozen", False)) and hasattr(sys, "_MEIPASS")


def bundle_root() -> Path | None:
    """The frozen app's resource root (``sys._MEIPASS``), else None."""
    return Path(sys._MEIPASS).resolve() if is_frozen() else None  # type: ignore[attr-defined]  # PyInstaller sets it


def is_checkout() -> bool:
    """True when running from the source tree (editable install or PYTHONPATH)."""
    return (REPO_ROOT / "engine" / "reflow").is_dir() and (REPO_ROOT / "desktop" / "reflow_desktop").is_dir()


def _package_roots() -> Iterator[Path]:
    """Directories laid out like the ``reflow_desktop`` package's data, best first."""
    root = bundle_root()
    if root is not None:
        yield root / "reflow_desktop"
    yield PACKAGE_DIR


def _checkout(*parts: str) -> list[Path]:
    return [REPO_ROOT.joinpath(*parts)] if is_checkout() and not is_frozen() else []


def ui_dist_candidates() -> list[Path]:
    """Where the built web UI (``index.html`` + assets) may be."""
    return _checkout("ui", "dist") + [p / "static" / "ui" for p in _package_roots()]


def ui_dist_dir() -> Path | None:
    """The built web UI, or None when it has not been built."""
    return next((c for c in ui_dist_candidates() if (c / "index.html").is_file()), None)


def export_bundle_candidates() -> list[Path]:
    """Where the static export bundle (``reflow-export.js/.css``) may be."""
    return _checkout("ui", "build", "export") + [p / "static" / "export" for p in _package_roots()]


def examples_candidates() -> list[Path]:
    """Where the example notebooks may be."""
    return _checkout("examples") + [p / "examples" for p in _package_roots()]


def examples_dir() -> Path | None:
    """The first examples directory holding at least one ``.py``."""
    return next((c for c in examples_candidates() if c.is_dir() and any(c.glob("*.py"))), None)


def engine_dir() -> Path:
    """The directory to put on a kernel's PYTHONPATH so that ``import reflow`` finds the engine.

    Frozen: ``_MEIPASS/engine`` (plain ``.py`` files). Otherwise the parent of the
    imported ``reflow`` package (repo ``engine/`` or site-packages).
    """
    root = bundle_root()
    if root is not None and (root / "engine" / "reflow" / "__init__.py").is_file():
        return root / "engine"
    if is_checkout():
        return REPO_ROOT / "engine"
    import reflow

    return Path(reflow.__file__).resolve().parent.parent


def bundled_uv() -> Path | None:
    """The uv binary shipped inside the frozen app, else None (callers then use the uv package / PATH)."""
    root = bundle_root()
    if root is None:
        return None
    for cand in (root / "bin" / UV_NAME, root / UV_NAME):
        if cand.is_file():
            return cand
    return None


def icon_candidates() -> list[Path]:
    """Directories that may hold the app icon."""
    return _checkout("installers", "icons") + [p / "static" / "icons" for p in _package_roots()]


def icon_path(name: str | None = None) -> Path | None:
    """The app icon (``reflow.svg`` first unless ``name`` is given), or None."""
    names = (name,) if name else ICON_NAMES
    for d in icon_candidates():
        for n in names:
            if (d / n).is_file():
                return d / n
    return None


def describe() -> dict[str, str | None]:
    """Every resolved location, for `reflow --resources`-style diagnostics and tests."""

    def s(p: Path | None) -> str | None:
        return str(p) if p is not None else None

    return {
        "frozen": str(is_frozen()),
        "ui_dist": s(ui_dist_dir()),
        "export_bundle": s(next((c for c in export_bundle_candidates() if c.is_dir()), None)),
        "examples": s(examples_dir()),
        "engine": s(engine_dir()),
        "uv": s(bundled_uv()),
        "icon": s(icon_path()),
    }
