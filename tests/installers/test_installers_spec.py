"""The PyInstaller spec, build script and per-OS installer sources are well formed (no build)."""

from __future__ import annotations

import ast
import importlib.util
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
INSTALLERS = ROOT / "installers"


def test_spec_parses_and_keeps_the_key_decisions() -> None:
    text = (INSTALLERS / "reflow.spec").read_text(encoding="utf-8")
    ast.parse(text, filename="reflow.spec")
    # unused Qt modules measured in the feasibility study are excluded
    for mod in ("QtDataVisualization", "QtQuick", "QtQml", "QtQuickWidgets", "QtPositioning"):
        assert f'"PySide6.{mod}"' in text
    # the engine ships as plain files and is kept out of the PYZ archive
    assert '_tree(engine, "engine/reflow")' in text
    assert 'e[0] != "reflow" and not e[0].startswith("reflow.")' in text
    # jupyter_client needs its entry points in the frozen app
    assert "copy_metadata" in text and '"jupyter_client"' in text
    for dest in ("reflow_desktop/static/ui", "reflow_desktop/static/export", "reflow_desktop/examples",
                 "reflow_desktop/static/icons"):
        assert f'"{dest}"' in text
    assert 'binaries = [(str(_uv_binary()), "bin")]' in text
    # macOS document types
    assert "CFBundleDocumentTypes" in text and "public.python-script" in text


def test_spec_layout_matches_resources_module() -> None:
    """The spec's destinations are the ones resources.py looks in when frozen."""
    res = (ROOT / "desktop" / "reflow_desktop" / "resources.py").read_text(encoding="utf-8")
    assert 'root / "engine"' in res and 'root / "bin" / UV_NAME' in res
    assert '"static" / "ui"' in res and '"static" / "export"' in res and '"static" / "icons"' in res


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
