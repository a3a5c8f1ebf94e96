"""The top bar's Export buttons download what the page shows, in the real browser."""

from __future__ import annotations

import nbformat
import pytest
from playwright.sync_api import expect

from .conftest import cell, open_notebook

pytestmark = pytest.mark.e2e

NOTEBOOK = "# %%\nx = 6\n\n# %%\nprint('x times 7 is', x * 7)\n"


def test_export_buttons_download_html_and_ipynb(serve, page, tmp_path):
    server = serve(NOTEBOOK)
    open_notebook(page, server)
    expect(cell(page, 2)).to_contain_text("x times 7 is 42")

    with page.expect_download() as html_dl:
        page.click("[data-action=export-html]")
    html_path = tmp_path / "out.html"
    html_dl.value.save_as(html_path)
    assert html_dl.value.suggested_filename == "nb.html"
    html = html_path.read_text()
    assert "x times 7 is 42" in html and 'id="reflow-state"' in html

    with page.expect_download() as nb_dl:
        page.click("[data-action=export-ipynb]")
    nb_path = tmp_path / "out.ipynb"
    nb_dl.value.save_as(nb_path)
    notebook = nbformat.read(str(nb_path), as_version=4)  # joins multi-line text fields
    nbformat.validate(notebook)
    assert any(o.get("text") == "x times 7 is 42\n" for o in notebook.cells[1].outputs)
