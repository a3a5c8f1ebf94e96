"""The Packages panel in a real browser with real uv: add a package, watch uv's
progress, see it listed, use it; and the one-click install from a ModuleNotFoundError."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import WAIT_MS, cell, open_notebook, set_code, shot

pytestmark = [pytest.mark.e2e, pytest.mark.uv]

NOTEBOOK = """\
# /// script
# requires-python = ">=3.11"
# dependencies = []
# ///

# %%
x = 1
x
"""


@pytest.fixture(autouse=True)
def isolated_uv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The server subprocess inherits these: uv cache and environments in the test's temp dir."""
    monkeypatch.setenv("UV_PYTHON_DOWNLOADS", "never")
    monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path / "uv-cache"))
    monkeypatch.setenv("REFLOW_CACHE_DIR", str(tmp_path / "reflow-cache"))
    monkeypatch.setenv("REFLOW_ENVIRONMENTS", "1")


def open_packages(page) -> None:
    page.get_by_role("tab", name="Packages").click()
    expect(page.locator(".pkg-env")).to_have_attribute("data-state", "ready")


def test_add_package_from_the_panel_then_import_it(serve, page, tmp_path):
    server = serve(NOTEBOOK)
    open_notebook(page, server)
    open_packages(page)
    expect(page.locator(".pkg-env-path")).to_contain_text(str(tmp_path / "reflow-cache"))
    page.locator(".pkg-add-input").fill("six")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator(".pkg-log")).to_be_visible()  # uv's progress streams in
    expect(page.locator(".pkg-dep")).to_contain_text("six")  # listed once uv wrote the block
    expect(page.locator(".pkg-env")).to_have_attribute("data-state", "ready", timeout=WAIT_MS)
    # the kernel restarts in the new environment and runs the notebook again (auto mode)
    expect(page.locator('.kernel[data-kernel="idle"]')).to_be_visible(timeout=WAIT_MS)
    assert "six" in (tmp_path / "nb.py").read_text().split("# ///", 2)[1]

    set_code(page, 1, "import six\nsix.__name__")
    page.keyboard.press("ControlOrMeta+Enter")
    expect(cell(page, 1).locator(".outputs .plain")).to_contain_text("'six'")


def test_module_not_found_offers_install_and_reruns(serve, page, tmp_path):
    server = serve(NOTEBOOK)
    open_notebook(page, server)
    set_code(page, 1, "import iniconfig\niniconfig.__name__")
    page.keyboard.press("ControlOrMeta+Enter")
    button = cell(page, 1).locator(".install-btn")
    expect(button).to_contain_text("Install iniconfig and add it to this notebook")
    button.click()
    # the error's own text names 'iniconfig' too: wait for the value and no error box
    expect(cell(page, 1).locator(".outputs .plain")).to_contain_text("'iniconfig'", timeout=WAIT_MS)
    expect(cell(page, 1).locator(".error-box")).to_have_count(0)
    assert "iniconfig" in (tmp_path / "nb.py").read_text().split("# ///", 2)[1]


def test_unresolvable_package_shows_uvs_message_and_keeps_the_kernel(serve, page, tmp_path):
    server = serve(NOTEBOOK)
    before = (tmp_path / "nb.py").read_bytes()
    open_notebook(page, server)
    open_packages(page)
    page.locator(".pkg-add-input").fill("this-package-does-not-exist-reflow-xyz")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator(".pkg-env")).to_have_attribute("data-state", "failed")
    expect(page.locator(".pkg-error")).to_contain_text("this-package-does-not-exist-reflow-xyz")
    shot(page, "packages-failed")
    assert (tmp_path / "nb.py").read_bytes() == before
    set_code(page, 1, "40 + 2")
    page.keyboard.press("ControlOrMeta+Enter")
    expect(cell(page, 1).locator(".outputs .plain")).to_contain_text("42")


GATED = """\
# /// script
# requires-python = ">=3.11"
# dependencies = []
# [tool.reflow]
# runtime = "{mode}"
# ///

# %%
import pathlib
import time

gate = pathlib.Path({gate!r})

# %%
while not gate.exists():  # the test opens the gate: until then this cell runs
    time.sleep(0.02)
"second"

# %%
third = 40 + 2
third
"""


def test_auto_mode_comes_back_after_adding_a_package_outputs_kept_until_replaced(serve, page, tmp_path):
    """Issue 16 item 3: the kernel restarts in the new environment and the notebook runs again; while the
    run has not reached a cell, that cell still shows its last output (marked, not current)."""
    gate = tmp_path / "gate"
    gate.touch()
    server = serve(GATED.format(mode="auto", gate=str(gate)))
    open_notebook(page, server)
    expect(cell(page, 3).locator(".outputs .plain")).to_contain_text("42")
    gate.unlink()  # the re-run will wait in cell 2
    open_packages(page)
    page.locator(".pkg-add-input").fill("six")
    page.get_by_role("button", name="Add", exact=True).click()
    # uv builds the new environment, then the new kernel runs the notebook again
    expect(cell(page, 2)).to_have_class(re.compile(r"\bstatus-running\b"), timeout=WAIT_MS)
    # cell 3 has not run again yet: its last output is still on screen, marked as not current
    expect(cell(page, 3)).to_have_class(re.compile(r"\bstatus-(stale|queued)\b"))
    expect(cell(page, 3).locator(".outputs .plain")).to_contain_text("42")
    gate.touch()
    expect(cell(page, 2).locator(".outputs .plain")).to_contain_text("'second'")
    expect(cell(page, 3)).not_to_have_class(re.compile(r"\bstatus-(stale|queued|running)\b"))
    expect(cell(page, 3).locator(".outputs .plain")).to_contain_text("42")
    expect(page.locator(".pkg-dep")).to_contain_text("six")


def test_lazy_mode_marks_cells_stale_after_adding_a_package_outputs_kept(serve, page, tmp_path):
    gate = tmp_path / "gate"
    gate.touch()
    server = serve(GATED.format(mode="lazy", gate=str(gate)))
    open_notebook(page, server)
    for n in (1, 2, 3):  # lazy: nothing ran on open; run each cell once
        cell(page, n).locator(".cm-content").click()
        page.keyboard.press("ControlOrMeta+Enter")
        expect(cell(page, n)).not_to_have_class(re.compile(r"\bstatus-(stale|queued|running)\b"))
    expect(cell(page, 3).locator(".outputs .plain")).to_contain_text("42")
    open_packages(page)
    page.locator(".pkg-add-input").fill("six")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator(".pkg-dep")).to_contain_text("six", timeout=WAIT_MS)
    expect(page.locator(".pkg-env")).to_have_attribute("data-state", "ready", timeout=WAIT_MS)
    expect(page.locator('.kernel[data-kernel="idle"]')).to_be_visible(timeout=WAIT_MS)
    for n in (2, 3):
        expect(cell(page, n)).to_have_class(re.compile(r"\bstatus-stale\b"))
    expect(cell(page, 2).locator(".outputs .plain")).to_contain_text("'second'")
    expect(cell(page, 3).locator(".outputs .plain")).to_contain_text("42")
