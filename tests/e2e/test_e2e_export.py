"""The top bar's Export buttons in the real browser: the file is written beside the notebook, the page
says where, and "Show in folder" opens that folder (issue 16 item 18); the GET endpoint still downloads."""

from __future__ import annotations

import shlex
import sys
import time
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import Page, expect

from .conftest import Server, cell, open_notebook

pytestmark = pytest.mark.e2e

NOTEBOOK = "# %%\nx = 6\n\n# %%\nprint('x times 7 is', x * 7)\n"


@pytest.fixture
def opened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The server's folder opener, substituted: it appends the folder it was asked to show to a file."""
    record = tmp_path / "opened.txt"
    script = "import sys; open(sys.argv[1], 'a').write(sys.argv[2] + chr(10))"
    monkeypatch.setenv("REFLOW_FOLDER_OPENER", shlex.join([sys.executable, "-c", script, str(record)]))
    return record


def test_export_buttons_write_beside_the_notebook_and_say_where(
    serve: Callable[..., Server], page: Page, tmp_path: Path, opened: Path
) -> None:
    server = serve(NOTEBOOK)
    open_notebook(page, server)
    expect(cell(page, 2)).to_contain_text("x times 7 is 42")
    folder = tmp_path.resolve()

    page.click("[data-action=export-html]")
    notice = page.locator("[data-export-notice=exported]")
    expect(notice).to_have_attribute("data-path", str(folder / "nb.html"))
    expect(notice).to_contain_text(f"Exported to {folder / 'nb.html'}")
    html = (folder / "nb.html").read_text()
    assert "x times 7 is 42" in html and 'id="reflow-state"' in html

    page.click("[data-action=export-ipynb]")
    expect(notice).to_have_attribute("data-path", str(folder / "nb.ipynb"))
    notebook = nbformat.read(str(folder / "nb.ipynb"), as_version=4)  # type: ignore[no-untyped-call]  # joins lines
    nbformat.validate(notebook)
    assert any(o.get("text") == "x times 7 is 42\n" for o in notebook.cells[1].outputs)

    # Show in folder runs the platform opener (substituted) on the exported file's folder.
    with page.expect_response(lambda r: r.url.endswith("/reveal")) as reveal:
        notice.locator("[data-action=show-in-folder]").click()
    assert reveal.value.status == 200
    assert _wait_for_text(opened).splitlines() == [str(folder)]


def _wait_for_text(path: Path, timeout: float = 20) -> str:
    """The opener is a detached process: wait until it has written its record."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().endswith("\n"):
            text: str = path.read_text()
            return text
        time.sleep(0.05)
    raise AssertionError(f"{path} was not written")


def test_show_in_folder_refuses_a_path_the_server_did_not_export(
    serve: Callable[..., Server], page: Page, tmp_path: Path, opened: Path
) -> None:
    server = serve(NOTEBOOK)
    open_notebook(page, server)
    session = page.evaluate("location.pathname.split('/')[2]")
    statuses = page.evaluate(
        """async ([session, paths]) => {
          const out = [];
          for (const path of paths) {
            const r = await fetch(`/s/${session}/reveal`, {method: "POST", body: JSON.stringify({path})});
            out.push(r.status);
          }
          return out;
        }""",
        [session, [str(tmp_path / "nb.py"), "/etc/passwd", str(tmp_path), ""]],
    )
    assert statuses == [403, 403, 403, 403]
    assert not opened.exists()  # no opener ran


def test_export_endpoint_still_downloads(serve: Callable[..., Server], page: Page) -> None:
    server = serve(NOTEBOOK)
    open_notebook(page, server)
    expect(cell(page, 2)).to_contain_text("x times 7 is 42")
    session = page.evaluate("location.pathname.split('/')[2]")
    with page.expect_download() as dl:
        page.evaluate(
            """(url) => { const a = document.createElement('a'); a.href = url; a.download = '';
                 document.body.appendChild(a); a.click(); a.remove(); }""",
            f"/s/{session}/export/html",
        )
    assert dl.value.suggested_filename == "nb.html"
