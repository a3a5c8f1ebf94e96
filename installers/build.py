"""Build Reflow's installer for the current OS with one command.

    .venv/bin/python installers/build.py            # Linux: .deb + .tar.gz
    .venv\\Scripts\\python installers\\build.py       # Windows: Inno Setup installer (+ .zip)
    .venv/bin/python installers/build.py            # macOS: Reflow.app in a .dmg

Steps: make sure the UI is built (``npm run build`` in ui/ when ui/dist or the
export bundle is missing, or always with ``--rebuild-ui``), snapshot it into
``installers/build/stage`` (so a UI rebuild running meanwhile cannot mix two
builds), render the icons from ``installers/icons/reflow.svg`` with Qt, run
PyInstaller on ``installers/reflow.spec`` (one-folder app in
``installers/build/app``), then package it. Artefacts land in ``installers/dist``.
Needs PyInstaller in the build environment (``pip install pyinstaller``).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

INSTALLERS = Path(__file__).resolve().parent
ROOT = INSTALLERS.parent
BUILD = INSTALLERS / "build"
DIST = INSTALLERS / "dist"
APP_BUILD = BUILD / "app"      # PyInstaller --distpath
STAGE = BUILD / "stage"
ICONS = BUILD / "icons"
NAME = "reflow"


def log(msg: str) -> None:
    print(f"[build] {msg}", flush=True)


def version() -> str:
    """The project version from pyproject.toml (REFLOW_VERSION overrides it, e.g. in CI)."""
    if os.environ.get("REFLOW_VERSION"):
        return os.environ["REFLOW_VERSION"]
    import tomllib

    with open(ROOT / "pyproject.toml", "rb") as f:
        return str(tomllib.load(f)["project"]["version"])


def run(cmd: list[str], **kw: object) -> None:
    log("$ " + " ".join(str(c) for c in cmd))
    subprocess.run(cmd, check=True, **kw)  # type: ignore[call-overload]


# --- UI --------------------------------------------------------------------------------
def ensure_ui(rebuild: bool) -> None:
    """Build ui/ when the app UI or the export bundle is missing (or when asked)."""
    index = ROOT / "ui" / "dist" / "index.html"
    bundle = ROOT / "ui" / "build" / "export" / "reflow-export.js"
    if index.is_file() and bundle.is_file() and not rebuild:
        return
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("build: the UI is not built and npm was not found (install Node.js, then "
                         "`npm ci && npm run build` in ui/)")
    if not (ROOT / "ui" / "node_modules").is_dir():
        run([npm, "ci", "--no-audit", "--no-fund"], cwd=ROOT / "ui")
    run([npm, "run", "build"], cwd=ROOT / "ui")


def stage_ui() -> None:
    """Copy ui/dist and the export bundle, checking that every asset index.html names exists."""
    import re

    if STAGE.exists():
        shutil.rmtree(STAGE)
    for _attempt in range(3):
        dist = STAGE / "ui" / "dist"
        shutil.copytree(ROOT / "ui" / "dist", dist)
        shutil.copytree(ROOT / "ui" / "build" / "export", STAGE / "ui" / "build" / "export")
        html = (dist / "index.html").read_text(encoding="utf-8")
        refs = re.findall(r'(?:src|href)="/?(assets/[^"]+)"', html)
        if all((dist / r).is_file() for r in refs):
            return
        log("ui/dist changed while copying (a UI build is running?); retrying")
        shutil.rmtree(STAGE)
        time.sleep(5)
    raise SystemExit("build: ui/dist is inconsistent (index.html names missing assets); rebuild the UI")


# --- icons -----------------------------------------------------------------------------
def render_icons() -> None:
    """reflow.png (512 px), reflow.ico and reflow.icns from the SVG, drawn by Qt (no extra tools)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QGuiApplication, QImage, QImageWriter, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    ICONS.mkdir(parents=True, exist_ok=True)
    renderer = QSvgRenderer(str(INSTALLERS / "icons" / "reflow.svg"))
    if not renderer.isValid():
        raise SystemExit("build: installers/icons/reflow.svg is not a valid SVG")

    def image(size: int) -> QImage:
        img = QImage(QSize(size, size), QImage.Format.Format_ARGB32)
        img.fill(0)
        p = QPainter(img)
        renderer.render(p)
        p.end()
        return img

    image(512).save(str(ICONS / "reflow.png"))
    image(256).save(str(ICONS / "reflow-256.png"))
    formats = {bytes(f).decode() for f in QImageWriter.supportedImageFormats()}
    if "ico" in formats:
        image(256).save(str(ICONS / "reflow.ico"), "ico")
    if "icns" in formats:
        image(1024).save(str(ICONS / "reflow.icns"), "icns")
    log(f"icons: {', '.join(sorted(p.name for p in ICONS.iterdir()))}")


# --- PyInstaller -----------------------------------------------------------------------
def pyinstaller() -> Path:
    """Run the spec; returns the one-folder app (or Reflow.app on macOS)."""
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        raise SystemExit("build: PyInstaller is not installed: pip install pyinstaller") from None
    env = dict(os.environ, REFLOW_STAGE_DIR=str(STAGE), REFLOW_VERSION=version())
    run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
         "--distpath", str(APP_BUILD), "--workpath", str(BUILD / "pyinstaller"),
         str(INSTALLERS / "reflow.spec")], env=env)
    app = APP_BUILD / ("Reflow.app" if sys.platform == "darwin" else NAME)
    if not app.exists():
        raise SystemExit(f"build: PyInstaller did not produce {app}")
    log(f"app: {app} ({human(dir_size(app))})")
    return app


# --- packaging -------------------------------------------------------------------------
def arch_deb() -> str:
    return {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())


def build_deb(app: Path, compression: str) -> Path:
    """opt/reflow (the app), usr/bin/reflow symlink, .desktop, MIME type, icon; dpkg-deb."""
    ver = version()
    root = BUILD / "deb"
    if root.exists():
        shutil.rmtree(root)
    opt = root / "opt" / NAME
    shutil.copytree(app, opt, symlinks=True)
    (root / "usr" / "bin").mkdir(parents=True)
    (root / "usr" / "bin" / NAME).symlink_to(f"/opt/{NAME}/{NAME}")
    linux = INSTALLERS / "linux"
    share = root / "usr" / "share"
    for src, dest in ((linux / "reflow.desktop", share / "applications" / "reflow.desktop"),
                      (linux / "reflow-mime.xml", share / "mime" / "packages" / "reflow.xml"),
                      (INSTALLERS / "icons" / "reflow.svg", share / "icons" / "hicolor" / "scalable" / "apps" / "reflow.svg")):
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dest)
    png = ICONS / "reflow-256.png"
    if png.is_file():
        dest = share / "icons" / "hicolor" / "256x256" / "apps" / "reflow.png"
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(png, dest)
    debian = root / "DEBIAN"
    debian.mkdir()
    control = (linux / "control.in").read_text(encoding="utf-8")
    control = control.replace("@VERSION@", ver).replace("@ARCH@", arch_deb()) \
                     .replace("@INSTALLED_SIZE@", str(dir_size(root) // 1024))
    (debian / "control").write_text(control, encoding="utf-8")
    shutil.copy2(linux / "postrm", debian / "postrm")  # clears run-time leftovers in /opt/reflow
    for f in root.rglob("*"):  # dpkg wants sane modes whatever the umask was
        if not f.is_symlink():
            f.chmod(0o755 if f.is_dir() or os.access(f, os.X_OK) or f.name == "postrm" else 0o644)
    DIST.mkdir(parents=True, exist_ok=True)
    out = DIST / f"{NAME}_{ver}_{arch_deb()}.deb"
    t0 = time.perf_counter()
    run(["dpkg-deb", "--root-owner-group", f"-Z{compression}", "--build", str(root), str(out)])
    log(f"deb: {out} ({human(out.stat().st_size)}, {time.perf_counter() - t0:.0f} s)")
    return out


def build_tarball(app: Path) -> Path:
    """reflow-VER-linux-ARCH.tar.gz: the app plus share/ files and install-user.sh for ~/.local."""
    ver = version()
    top = f"{NAME}-{ver}-linux-{platform.machine()}"
    DIST.mkdir(parents=True, exist_ok=True)
    out = DIST / f"{top}.tar.gz"
    linux = INSTALLERS / "linux"
    t0 = time.perf_counter()
    extras = [(linux / "reflow.desktop", "share/reflow.desktop"), (linux / "reflow-mime.xml", "share/reflow.xml"),
              (INSTALLERS / "icons" / "reflow.svg", "share/reflow.svg"), (linux / "install-user.sh", "install-user.sh")]
    if shutil.which("tar") and shutil.which("gzip"):
        staging = BUILD / "tar" / top
        if staging.parent.exists():
            shutil.rmtree(staging.parent)
        shutil.copytree(app, staging / NAME, symlinks=True)
        for src, rel in extras:
            (staging / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, staging / rel)
        run(["tar", "-C", str(staging.parent), "-czf", str(out), top])
    else:
        with tarfile.open(out, "w:gz") as tar:
            tar.add(app, arcname=f"{top}/{NAME}")
            for src, rel in extras:
                tar.add(src, arcname=f"{top}/{rel}")
    log(f"tarball: {out} ({human(out.stat().st_size)}, {time.perf_counter() - t0:.0f} s)")
    return out


def build_windows(app: Path) -> list[Path]:
    """Inno Setup installer (iscc from PATH or the default install folder) and a portable zip."""
    ver = version()
    DIST.mkdir(parents=True, exist_ok=True)
    out: list[Path] = []
    zip_base = DIST / f"{NAME}-{ver}-windows-x64"
    shutil.make_archive(str(zip_base), "zip", root_dir=app.parent, base_dir=app.name)
    out.append(zip_base.with_suffix(".zip"))
    iscc = shutil.which("iscc") or next((str(p) for p in (
        Path(os.environ.get("ProgramFiles(x86)", r"C:\Program Files (x86)")) / "Inno Setup 6" / "ISCC.exe",
        Path(os.environ.get("ProgramFiles", r"C:\Program Files")) / "Inno Setup 6" / "ISCC.exe") if p.is_file()), None)
    if iscc is None:
        log("Inno Setup (iscc) not found: only the zip was built (choco install innosetup)")
        return out
    run([iscc, f"/DAppVersion={ver}", f"/DSourceDir={app}", f"/DOutputDir={DIST}",
         f"/DIconFile={ICONS / 'reflow.ico'}", str(INSTALLERS / "windows" / "reflow.iss")])
    out.append(DIST / f"Reflow-{ver}-setup.exe")
    return out


def build_macos(app: Path) -> list[Path]:
    """Reflow.app into a compressed .dmg (with an /Applications link) via make_dmg.sh."""
    ver = version()
    DIST.mkdir(parents=True, exist_ok=True)
    dmg = DIST / f"Reflow-{ver}-macos-{platform.machine()}.dmg"
    run(["bash", str(INSTALLERS / "macos" / "make_dmg.sh"), str(app), str(dmg)])
    return [dmg]


# --- helpers ---------------------------------------------------------------------------
def dir_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(f.lstat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def human(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit in ("B", "KB") else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rebuild-ui", action="store_true", help="run `npm run build` in ui/ first")
    ap.add_argument("--skip-app", action="store_true", help="reuse installers/build/app (packaging only)")
    ap.add_argument("--deb-compression", default="xz", choices=("xz", "gzip", "zstd", "none"),
                    help="dpkg-deb compression (xz: smallest, ~2.5 min here; gzip/zstd: faster)")
    ap.add_argument("--formats", default="",
                    help="comma list to build on Linux: deb,tar (default both; none: only the app folder)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    if args.skip_app:
        app = APP_BUILD / ("Reflow.app" if sys.platform == "darwin" else NAME)
        if not app.exists():
            raise SystemExit(f"build: --skip-app but {app} does not exist")
    else:
        ensure_ui(args.rebuild_ui)
        stage_ui()
        render_icons()
        app = pyinstaller()
    artefacts: list[Path] = []
    if sys.platform.startswith("linux"):
        formats = set(filter(None, args.formats.split(","))) or {"deb", "tar"}
        if "deb" in formats:
            if shutil.which("dpkg-deb"):
                artefacts.append(build_deb(app, args.deb_compression))
            else:
                log("dpkg-deb not found: skipping the .deb")
        if "tar" in formats:
            artefacts.append(build_tarball(app))
    elif sys.platform == "win32":
        artefacts += build_windows(app)
    elif sys.platform == "darwin":
        artefacts += build_macos(app)
    log(f"done in {time.perf_counter() - t0:.0f} s; app folder {human(dir_size(app))}")
    for a in artefacts:
        log(f"  {a}  {human(a.stat().st_size)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
