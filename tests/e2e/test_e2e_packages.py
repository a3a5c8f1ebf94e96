"""The Packages panel in a real browser with real uv: add a package, watch uv's
progress, see it listed, use it; and the one-click install from a ModuleNotFoundError."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import cell, open_notebook, set_code, shot

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
    expect(page.locator(".pkg-env")).to_have_attribute("data-state", "ready")
    expect(page.locator('.kernel[data-kernel="idle"]')).to_be_visible()
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
    expect(cell(page, 1).locator(".outputs .plain")).to_contain_text("'iniconfig'")
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
