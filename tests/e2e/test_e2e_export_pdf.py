"""The top bar's PDF button in a real browser (no desktop app): the server prints the page with a
headless Qt in a child process and writes the PDF beside the notebook; the page says where."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .conftest import WAIT_MS, Server, cell, open_notebook

pytestmark = pytest.mark.e2e

NOTEBOOK = "# %% [markdown]\n# # Browser printed\n\n# %%\nx = 6\n\n# %%\nprint('x times 7 is', x * 7)\n"


def test_pdf_button_writes_a_pdf_beside_the_notebook(serve: Callable[..., Server], page: Page, tmp_path: Path) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils not installed")
    pytest.importorskip("qtpy.QtWebEngineCore")
    server = serve(NOTEBOOK)
    open_notebook(page, server)
    expect(cell(page, 3)).to_contain_text("x times 7 is 42")
    folder = tmp_path.resolve()

    page.click("[data-action=export-pdf]")
    notice = page.locator("[data-export-notice=exported]")
    expect(notice).to_have_attribute("data-path", str(folder / "nb.pdf"), timeout=WAIT_MS * 3)  # a Qt starts
    expect(notice).to_contain_text(f"Exported to {folder / 'nb.pdf'}")
    text = subprocess.run(["pdftotext", str(folder / "nb.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    assert "Browser printed" in text and "x times 7 is 42" in text and "x = 6" in text
