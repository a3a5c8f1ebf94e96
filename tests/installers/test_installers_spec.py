"""The PyInstaller spec, build script and per-OS installer sources are well formed (no build)."""

from __future__ import annotations

import ast
import importlib.util
import os
import re
import subprocess
import sys
import tomllib
import types
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
INSTALLERS = ROOT / "installers"


class _Recorded:
    """Stands in for one of PyInstaller's spec classes (Analysis, PYZ, EXE, COLLECT, BUNDLE)."""

    calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]]

    def __init__(self, kind: str, *args: Any, **kwargs: Any) -> None:
        self.kind, self.args, self.kwargs = kind, args, kwargs
        if kind == "Analysis":  # what PyInstaller's analysis would find, as (dest name, source, kind)
            self.pure = [
                ("reflow", "", "PYMODULE"),
                ("reflow.graph", "", "PYMODULE"),
                ("reflow_desktop.cli", "", "PYMODULE"),
            ]
            self.datas = [(str(Path(dest) / Path(src).name), src, "DATA") for src, dest in kwargs["datas"]]
            self.datas += [
                ("PySide6/Qt/translations/qtbase_de.qm", "", "DATA"),
                ("PySide6/Qt/translations/qtwebengine_locales/de.pak", "", "DATA"),
                ("PySide6/Qt/translations/qtwebengine_locales/en-US.pak", "", "DATA"),
            ]
            self.binaries = kwargs["binaries"]
            self.scripts: list[Any] = [  # runtime hooks first, the entry script last
                ("rthook_reflow", "", "PYSOURCE"),
                ("pyi_rth_traitlets", "", "PYSOURCE"),
                ("pyi_rth_pyside6", "", "PYSOURCE"),
                ("launcher", "", "PYSOURCE"),
            ]


def run_spec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, platform: str = "linux") -> dict[str, Any]:
    """Execute reflow.spec as PyInstaller would, with its build classes recording what they are given."""
    stage = tmp_path / "stage"
    (stage / "ui" / "dist" / "assets").mkdir(parents=True)
    (stage / "ui" / "dist" / "index.html").write_text("<!doctype html>")
    (stage / "ui" / "dist" / "assets" / "index-1.js").write_text("")
    (stage / "ui" / "build" / "export").mkdir(parents=True)
    (stage / "ui" / "build" / "export" / "reflow-export.js").write_text("")
    monkeypatch.setenv("REFLOW_STAGE_DIR", str(stage))
    monkeypatch.delenv("REFLOW_KEEP_TRANSLATIONS", raising=False)
    metadata: list[str] = []
    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_submodules = lambda package: [package]  # type: ignore[attr-defined]
    hooks.copy_metadata = lambda dist: metadata.append(dist) or [(f"{dist}.dist-info", f"{dist}.dist-info")]  # type: ignore[attr-defined]
    for name in ("PyInstaller", "PyInstaller.utils"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    monkeypatch.setitem(sys.modules, "PyInstaller.utils.hooks", hooks)
    monkeypatch.setattr(sys, "platform", platform)
    made: dict[str, list[_Recorded]] = {}

    def maker(kind: str) -> Any:
        def make(*args: Any, **kwargs: Any) -> _Recorded:
            obj = _Recorded(kind, *args, **kwargs)
            made.setdefault(kind, []).append(obj)
            return obj

        return make

    namespace: dict[str, Any] = {
        "__name__": "__main__",
        "SPECPATH": str(INSTALLERS),
        **{k: maker(k) for k in ("Analysis", "PYZ", "EXE", "COLLECT", "BUNDLE")},
    }
    exec(compile((INSTALLERS / "reflow.spec").read_text(encoding="utf-8"), "reflow.spec", "exec"), namespace)
    return {"made": made, "metadata": metadata, "ns": namespace}


def test_spec_hands_pyinstaller_the_key_decisions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = run_spec(tmp_path, monkeypatch)
    [a] = spec["made"]["Analysis"]
    # unused Qt modules measured in the feasibility study are excluded
    for mod in ("QtDataVisualization", "QtQuick", "QtQml", "QtQuickWidgets", "QtPositioning"):
        assert f"PySide6.{mod}" in a.kwargs["excludes"]
    # the engine ships as plain files and is kept out of the PYZ archive
    assert any(dest == "engine/reflow" and src.endswith("__init__.py") for src, dest in a.kwargs["datas"])
    assert [e[0] for e in a.pure] == ["reflow_desktop.cli"]
    # only English Chromium locales and no Qt translations are kept
    names = [e[0] for e in a.datas]
    assert "PySide6/Qt/translations/qtwebengine_locales/en-US.pak" in names
    assert not any(n.endswith((".qm", "/de.pak")) for n in names)
    # jupyter_client needs its entry points in the frozen app
    assert "jupyter_client" in spec["metadata"]
    assert [Path(dest) for _src, dest in a.kwargs["binaries"]] == [Path("bin")]
    assert spec["made"]["COLLECT"][0].args[-1] is a.datas


def test_spec_macos_bundle_opens_python_scripts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    [bundle] = run_spec(tmp_path, monkeypatch, platform="darwin")["made"]["BUNDLE"]
    types_ = bundle.kwargs["info_plist"]["CFBundleDocumentTypes"]
    assert any("public.python-script" in t["LSItemContentTypes"] for t in types_)
    assert all(t["LSHandlerRank"] == "Alternate" for t in types_)  # offered, never made the default


def test_spec_layout_is_where_resources_looks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Lay out a bundle exactly as the spec tells PyInstaller to, then ask resources.py where things are."""
    [a] = run_spec(tmp_path, monkeypatch)["made"]["Analysis"]
    bundle = tmp_path / "_internal"
    for src, dest in [*a.kwargs["datas"], *a.kwargs["binaries"]]:
        target = bundle / dest / Path(src).name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(b"")  # what matters is where the file lands
    from reflow_desktop import resources

    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    assert resources.is_frozen()
    assert resources.engine_dir() == bundle / "engine"
    assert resources.ui_dist_dir() == bundle / "reflow_desktop" / "static" / "ui"
    assert (resources.export_bundle_candidates()[0] / "reflow-export.js").is_file()
    assert resources.examples_dir() == bundle / "reflow_desktop" / "examples"
    icon = resources.icon_path()
    assert icon is not None and icon.parent == bundle / "reflow_desktop" / "static" / "icons"
    uv = resources.bundled_uv()
    assert uv is not None and uv.parent == bundle / "bin"


def _load_build():
    spec = importlib.util.spec_from_file_location("reflow_installers_build", INSTALLERS / "build.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_build_script_imports_and_knows_the_version(monkeypatch) -> None:
    build = _load_build()
    monkeypatch.delenv("REFLOW_VERSION", raising=False)
    with open(ROOT / "pyproject.toml", "rb") as f:
        assert build.version() == tomllib.load(f)["project"]["version"]
    assert build.human(1536) == "2 KB" and build.human(5 * 2**20) == "5.0 MB"


def test_launcher_and_runtime_hook_parse() -> None:
    for name in ("launcher.py", "rthook_reflow.py", "smoke_driver.py"):
        ast.parse((INSTALLERS / name).read_text(encoding="utf-8"), filename=name)


def test_debian_control_template() -> None:
    text = (INSTALLERS / "linux" / "control.in").read_text(encoding="utf-8")
    fields = dict(re.findall(r"^([A-Za-z-]+): (.*)$", text, re.M))
    for key in ("Package", "Version", "Architecture", "Maintainer", "Depends", "Description"):
        assert key in fields
    assert fields["Package"] == "reflow" and "@VERSION@" in text and "@ARCH@" in text
    assert "libnss3" in text and "libxcb-cursor0" in text


def test_inno_setup_script_has_associations_and_uninstall() -> None:
    text = (INSTALLERS / "windows" / "reflow.iss").read_text(encoding="utf-8")
    for section in ("[Setup]", "[Files]", "[Icons]", "[Registry]", "[Tasks]"):
        assert section in text
    assert "{autoprograms}" in text  # Start menu entry
    assert r"SystemFileAssociations\.py\shell\Reflow.Open" in text and "Open with Reflow" in text
    assert r".py\OpenWithProgids" in text
    assert "uninsdeletekey" in text and "ChangesAssociations=yes" in text
    assert re.search(r"AppId=\{\{[0-9A-F-]{36}\}", text)


def test_ci_workflow_builds_all_three() -> None:
    text = (ROOT / ".github" / "workflows" / "installers.yml").read_text(encoding="utf-8")
    for os_name in ("ubuntu", "windows", "macos"):
        assert os_name in text
    assert "installers/build.py" in text and "actions/upload-artifact" in text
    try:
        import yaml
    except ImportError:
        return
    data = yaml.safe_load(text)
    assert "build" in data["jobs"]


BUILD_TOOLS = ("setuptools", "pkg_resources", "distutils", "_distutils_hack")


def test_spec_skips_the_runtime_hooks_the_launch_does_not_need(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """traitlets' hook imported traitlets before the app's first line, for warnings only."""
    spec = run_spec(tmp_path, monkeypatch)
    [a] = spec["made"]["Analysis"]
    assert [e[0] for e in a.scripts] == ["rthook_reflow", "pyi_rth_pyside6", "launcher"]
    [exe] = spec["made"]["EXE"]
    assert exe.args[1] is a.scripts


def test_spec_leaves_the_build_tools_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Collected, they bring runtime hooks that import pkg_resources and setuptools at every launch."""
    [a] = run_spec(tmp_path, monkeypatch)["made"]["Analysis"]
    assert set(BUILD_TOOLS) <= set(a.kwargs["excludes"])


def test_the_app_starts_without_the_build_tools(tmp_path: Path) -> None:
    """What the frozen app imports to open a notebook window works with setuptools & co. missing."""
    script = f"""
import importlib.abc, sys
class Missing(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {BUILD_TOOLS!r}:
            raise ModuleNotFoundError(name)
sys.meta_path.insert(0, Missing())
for m in list(sys.modules):
    if m.split(".")[0] in {BUILD_TOOLS!r}:
        del sys.modules[m]
import reflow_desktop.cli, reflow_desktop.shell.app, reflow_desktop.shell.windows, reflow_desktop.shell.popout
import reflow_desktop.server.app, reflow_desktop.session.kernel_pool, jupyter_client.provisioning
import keyring, webview.platforms.qt
from jupyter_client.provisioning import KernelProvisionerFactory
assert any(ep.name == "local-provisioner" for ep in KernelProvisionerFactory.instance()._get_all_provisioners())
print("ok")
"""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_API": "pyside6"}
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120
    )
    assert out.returncode == 0 and out.stdout.strip().endswith("ok"), out.stderr[-2000:]
