"""File ▸ Export ▸ PDF…, File ▸ Print… and Edit ▸ Format Notebook in the real desktop app.

The app runs the notebook in its kernel, the menu actions are triggered as clicks fire them,
the dialogs are answered as a user would; the PDFs are read back with poppler.
"""

from __future__ import annotations

import base64
import json
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import pytest
from qt.shell_run import app_env  # type: ignore[import-not-found]  # tests/ is on pytest's path, not mypy's

pytest.importorskip("webview")
pytest.importorskip("qtpy")

pytestmark = pytest.mark.qt

DRIVER = Path(__file__).with_name("pdf_driver.py")


def _png(width: int, height: int) -> bytes:
    """A plain RGB PNG of the given size (a gradient), made without any imaging library."""
    rows = b"".join(
        b"\x00" + b"".join(bytes((x * 255 // width, y * 255 // height, 128)) for x in range(width))
        for y in range(height)
    )

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def _notebook(path: Path) -> None:
    png = base64.b64encode(_png(120, 90)).decode()
    path.write_text(
        "# %% [markdown]\n# # Printed from the menu\n#\n# Markdown prose for the PDF.\n\n"
        '# %%\nprint("pdf marker", 6 * 7)\n\n'
        "# %%\nimport base64\n\n\nclass Picture:\n    def _repr_png_(self):\n"
        f'        return base64.b64decode("{png}")\n\n\nPicture()\n\n'
        "# %%\nugly = [1,2, 3]\n"
    )


def _run(tmp_path: Path, notebook: Path) -> dict[str, Any]:
    out = tmp_path / "out-pdf"
    proc = subprocess.run(
        [sys.executable, str(DRIVER), "pdf", str(out), str(notebook)],
        env=app_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=600,
    )
    result_file = out / "result.json"
    assert result_file.exists(), f"exit {proc.returncode}\n" + proc.stderr[-3000:]
    result: dict[str, Any] = json.loads(result_file.read_text())
    assert "error" not in result, result["error"] + "\n" + proc.stderr[-2000:]
    assert proc.returncode == 0, f"exit {proc.returncode}\n" + proc.stderr[-3000:]
    assert result.get("thread_violations") == [], result.get("thread_violations")
    result["out"] = out
    return result


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def _images(pdf: Path) -> list[tuple[int, int]]:
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in listing.splitlines()[2:] if line.strip()]
    return [(int(r[3]), int(r[4])) for r in rows if r[2] == "image"]


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def test_menu_pdf_export_print_and_format_notebook(tmp_path: Path) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils not installed")
    notebook = tmp_path / "nbs" / "printed.py"
    notebook.parent.mkdir()
    _notebook(notebook)
    r = _run(tmp_path, notebook)
    out: Path = r["out"]
    # the menu items are where a user looks for them
    assert r["menu_of"] == {
        "Export pdf": "Export",
        "Export pdf-no-code": "Export",
        "Print…": "&File",
        "Format Notebook": "&Edit",
    }
    assert r["print_shortcut"] == "Ctrl+P"
    # File ▸ Export ▸ PDF…: what the window shows, code included
    full = _text(out / "menu.pdf")
    assert "Printed from the menu" in full and "Markdown prose for the PDF." in full
    assert 'print("pdf marker", 6 * 7)' in full and "pdf marker 42" in full
    assert (120, 90) in _images(out / "menu.pdf")
    # ... and without code: outputs and prose only
    bare = _text(out / "menu-no-code.pdf")
    assert "pdf marker 42" in bare and "Markdown prose for the PDF." in bare
    assert "print(" not in bare and "_repr_png_" not in bare
    assert (120, 90) in _images(out / "menu-no-code.pdf")
    # the top bar's PDF button went through the same native dialog
    assert r.get("topbar") is True
    assert "pdf marker 42" in _text(out / "topbar.pdf")
    # File ▸ Print…: the printer got pages (Qt rasterises a web page for a printer)
    assert _pages(out / "printed.pdf") >= 1 and _images(out / "printed.pdf")
    assert r["status"].startswith("Sent printed.py to ")
    # Edit ▸ Format Notebook: ruff formatted the cell, the others kept their text
    assert "ugly = [1, 2, 3]" in r["code"]
    assert 'print("pdf marker", 6 * 7)' in r["code"]
    assert r["alive"] is True
