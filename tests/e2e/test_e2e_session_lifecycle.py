"""Session lifecycle in a real browser (issue 16): a notebook file that does not exist yet, and the
shipped examples. Each test starts the real `reflow edit` server on the path a user types."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import ROOT, Server, _need_ui, cell, open_notebook, set_code

pytestmark = pytest.mark.e2e

WAIT_S = 60.0  # readiness wait for a file the server writes, never a performance limit


def wait_until(pred: Callable[[], bool], what: str) -> None:
    """Poll a file-system condition the server brings about (there is no event to subscribe to)."""
    deadline = time.monotonic() + WAIT_S
    while not pred():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.05)


@pytest.fixture
def edit_server() -> Iterator[Callable[[Path], Server]]:
    """edit_server(path) -> `reflow edit PATH --no-open`, for a path the test chooses (it may not exist)."""
    _need_ui()
    servers: list[Server] = []

    def start(path: Path) -> Server:
        s = Server(path)
        servers.append(s)
        return s

    yield start
    for s in servers:
        s.stop()


@pytest.mark.uv
def test_a_new_file_from_the_command_line_gets_its_own_environment(edit_server, page, tmp_path, monkeypatch):
    """`reflow edit new.py` for a file not there yet: its own uv environment, the Packages panel usable."""
    monkeypatch.setenv("UV_PYTHON_DOWNLOADS", "never")
    monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path / "uv-cache"))
    monkeypatch.setenv("REFLOW_CACHE_DIR", str(tmp_path / "reflow-cache"))
    monkeypatch.setenv("REFLOW_ENVIRONMENTS", "1")
    path = tmp_path / "new.py"
    server = edit_server(path)
    open_notebook(page, server)
    page.get_by_role("tab", name="Packages").click()
    expect(page.locator(".pkg-env")).to_have_attribute("data-state", "ready")
    expect(page.locator(".pkg-env-path")).to_contain_text(str(tmp_path / "reflow-cache"))
    page.locator(".pkg-add-input").fill("six")
    expect(page.get_by_role("button", name="Add", exact=True)).to_be_enabled()
    set_code(page, 1, "import sys\nsys.prefix")
    page.keyboard.press("ControlOrMeta+Enter")
    expect(cell(page, 1).locator(".outputs .plain")).to_contain_text(str(tmp_path / "reflow-cache"))
    assert path.is_file()  # written at once, like the welcome window's New


def test_a_shipped_example_is_edited_as_the_users_own_copy(edit_server, page, tmp_path, monkeypatch):
    """`./dev open examples/intro.py` / `reflow edit examples/intro.py`: edits and outputs go to the
    user's copy; the example and its folder stay as shipped (no autosave into it, no __reflow__/)."""
    examples = ROOT / "examples"
    example = examples / "intro.py"
    before = example.read_bytes()
    sidecar = examples / "__reflow__"
    had_sidecar = sidecar.exists()
    data = tmp_path / "user-data"
    monkeypatch.setenv("REFLOW_DATA_DIR", str(data))
    monkeypatch.setenv("REFLOW_ENVIRONMENTS", "0")  # files are the point here, not packages
    copy = data / "examples" / "intro.py"
    server = edit_server(example)
    try:
        open_notebook(page, server)
        radius = page.locator(".notebook .cell").filter(has_text="radius = 3.0").first
        number = int(radius.locator(".cell-num").inner_text())
        set_code(page, number, "radius = 5.0")
        page.keyboard.press("ControlOrMeta+Enter")
        expect(page.locator(".notebook .outputs").filter(has_text="A circle of radius 5.0")).to_be_visible()
        wait_until(lambda: copy.is_file() and "radius = 5.0" in copy.read_text(), "the edit autosaved into the copy")
        wait_until(lambda: (copy.parent / "__reflow__").is_dir(), "outputs saved beside the copy")
        assert example.read_bytes() == before
        assert sidecar.exists() == had_sidecar
    finally:
        server.stop()  # its last writes (closing flushes) happen before the clean-up below
        if example.read_bytes() != before:  # the old behaviour edits the checkout: put it back
            example.write_bytes(before)
        if not had_sidecar and sidecar.exists():
            shutil.rmtree(sidecar)
