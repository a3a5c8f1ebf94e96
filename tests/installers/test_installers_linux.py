"""The Linux desktop integration files: .desktop entry and shared-mime-info type."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "installers" / "linux"
NS = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
MIME = "application/x-reflow-notebook"


def _desktop() -> configparser.SectionProxy:
    cp = configparser.ConfigParser(interpolation=None, strict=True)
    cp.optionxform = str  # keys are case-sensitive
    cp.read(LINUX / "reflow.desktop", encoding="utf-8")
    return cp["Desktop Entry"]


def test_desktop_entry_fields() -> None:
    d = _desktop()
    assert d["Type"] == "Application" and d["Name"] == "Reflow" and d["Icon"] == "reflow"
    assert d["Exec"] == "reflow %f"  # the CLI takes one notebook; single-instance forwards it
    assert MIME in d["MimeType"].split(";")


@pytest.mark.skipif(
    shutil.which("desktop-file-validate") is None,
    reason="desktop-file-validate not installed (apt-get install desktop-file-utils)",
)
def test_desktop_entry_validates() -> None:
    r = subprocess.run(["desktop-file-validate", str(LINUX / "reflow.desktop")], capture_output=True, text=True)
    assert r.returncode == 0 and not r.stdout.strip(), r.stdout + r.stderr


def test_mime_xml_has_the_magic_rules() -> None:
    root = ET.parse(LINUX / "reflow-mime.xml").getroot()
    assert root.tag == f"{{{NS['m']}}}mime-info"
    mt = root.find("m:mime-type", NS)
    assert mt is not None and mt.get("type") == MIME
    assert mt.find("m:sub-class-of", NS).get("type") == "text/x-python3"
    glob = mt.find("m:glob", NS)
    assert glob.get("pattern") == "*.py" and int(glob.get("weight")) < 50  # below text/x-python's 50
    values = {m.get("value") for m in mt.iterfind("m:magic/m:match", NS)}
    assert {"# /// script", "# %%"} <= values


@pytest.mark.skipif(
    shutil.which("update-mime-database") is None or shutil.which("gio") is None, reason="needs shared-mime-info and gio"
)
def test_mime_type_classifies_notebooks(tmp_path: Path) -> None:
    """Against a private MIME database: notebooks get our type, plain scripts stay Python."""
    pkgs = tmp_path / "share" / "mime" / "packages"
    pkgs.mkdir(parents=True)
    shutil.copy(LINUX / "reflow-mime.xml", pkgs / "reflow.xml")
    subprocess.run(["update-mime-database", str(tmp_path / "share" / "mime")], check=True, capture_output=True)
    files = {
        "pep723.py": "# /// script\n# dependencies = []\n# ///\nx = 1\n",
        "cells.py": "import os\n\n# %%\nx = 1\n",
        "plain.py": "import os\nprint(os.getcwd())\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    env = {
        "XDG_DATA_DIRS": f"{tmp_path / 'share'}:/usr/share",
        "XDG_DATA_HOME": str(tmp_path / "nohome"),
        "PATH": "/usr/bin:/bin",
    }

    def kind(name: str) -> str:
        out = subprocess.run(
            ["gio", "info", "-a", "standard::content-type", str(tmp_path / name)],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        ).stdout
        return out.split("content-type:")[-1].strip()

    assert kind("pep723.py") == MIME
    assert kind("cells.py") == MIME
    assert kind("plain.py") == "text/x-python"
