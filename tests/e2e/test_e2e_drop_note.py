"""A data file dropped on the page in a real browser (`reflow edit`): a browser never tells the page
where the file is, so the page says that loader cells need the desktop app -- and the drop changes
nothing: no navigation to the file, no text pasted into the editor under it, no new cell."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import cell, open_notebook

pytestmark = pytest.mark.e2e

NOTEBOOK = '# %%\nx = 1\nprint("x is", x)\n'

FILE_DRAG = """() => {
  const dt = new DataTransfer();
  dt.items.add(new File(["region,amount\\nnorth,10\\n"], "sales.csv", { type: "text/csv" }));
  return dt;
}"""


def test_a_file_dropped_in_a_browser_gets_a_note_and_changes_nothing(serve, page) -> None:
    server = serve(NOTEBOOK)
    open_notebook(page, server)
    expect(cell(page, 1).locator(".outputs")).to_contain_text("x is 1")
    url = page.url
    editor = cell(page, 1).locator(".cm-content")
    code = editor.inner_text()
    transfer = page.evaluate_handle(FILE_DRAG)
    for kind in ("dragenter", "dragover", "drop"):
        editor.dispatch_event(kind, {"dataTransfer": transfer})
    expect(page.get_by_text("desktop app only", exact=False)).to_be_visible()
    assert page.url == url
    assert editor.inner_text() == code  # CodeMirror did not paste the file's text
    expect(page.locator(".notebook .cell")).to_have_count(1)
