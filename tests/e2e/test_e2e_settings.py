"""The Settings page in a browser: this notebook's output position (saved in its
[tool.reflow] block), the vim keymap inside cell editors, user settings on disk."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import cell, open_notebook, shot

pytestmark = pytest.mark.e2e

WAIT_S = 60.0  # readiness wait, never a performance limit

NB = """\
# /// script
# requires-python = ">=3.11"
# ///

# %%
a = 1
b = 2

# %%
print("total", a + b)
"""


@pytest.fixture(autouse=True)
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The server subprocess keeps its user settings in the test's tmp dir."""
    d = tmp_path / "config"
    monkeypatch.setenv("REFLOW_CONFIG_DIR", str(d))
    return d


def wait_file(path: Path, pred) -> str:
    """The file's text once `pred` holds (readiness wait)."""
    deadline = time.monotonic() + WAIT_S
    while True:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        if pred(text) or time.monotonic() > deadline:
            return text
        time.sleep(0.05)


def after_block(text: str) -> str:
    return text[text.index("# ///\n", text.index("# /// script") + 1) + len("# ///\n") :]


def outputs_above_code(page, n: int) -> bool:
    c = cell(page, n)
    out = c.locator(".outputs").bounding_box()
    code = c.locator(".cell-code").bounding_box()
    assert out and code
    return out["y"] < code["y"]


def open_settings(page) -> None:
    page.locator('[data-action="settings"]').click()
    expect(page.get_by_role("dialog", name="Settings")).to_be_visible()


def test_output_position_moves_outputs_and_is_saved_in_the_block(serve, page, tmp_path):
    server = serve(NB)
    nb = tmp_path / "nb.py"
    open_notebook(page, server)
    expect(cell(page, 2).locator(".outputs")).to_contain_text("total 3")
    assert not outputs_above_code(page, 2)

    open_settings(page)
    dialog = page.get_by_role("dialog", name="Settings")
    expect(dialog.locator('[data-setting="notebook-output"] [data-value="below"]')).to_have_attribute(
        "aria-checked", "true"
    )
    dialog.locator('[data-setting="notebook-output"] [data-value="above"]').click()
    expect(dialog.locator('[data-setting="notebook-output"] [data-value="above"]')).to_have_attribute(
        "aria-checked", "true"
    )
    shot(page, "settings-page")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(cell(page, 2).locator(".outputs")).to_contain_text("total 3")
    assert outputs_above_code(page, 2)

    text = wait_file(nb, lambda t: 'output = "above"' in t)
    assert '# [tool.reflow]\n# output = "above"\n' in text
    assert after_block(text) == after_block(NB)  # the cells are byte-identical

    page.reload()
    page.wait_for_selector('.kernel[data-kernel="idle"]')
    expect(cell(page, 2).locator(".outputs")).to_contain_text("total 3")
    assert outputs_above_code(page, 2)
    open_settings(page)
    expect(page.locator('[data-setting="notebook-output"] [data-value="above"]')).to_have_attribute(
        "aria-checked", "true"
    )


def test_user_settings_are_stored_and_vim_keys_act_inside_the_editor(serve, page, config_dir):
    server = serve(NB)
    open_notebook(page, server)
    open_settings(page)
    page.locator('[data-setting="keymap"] [data-value="vim"]').click()
    page.locator('[data-setting="theme"] [data-value="dark"]').click()
    page.locator('select[data-setting="font_size"]').select_option("16")
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    shot(page, "settings-page-dark")
    page.locator('[data-action="close-settings"]').click()

    settings_file = config_dir / "settings.json"
    stored = json.loads(wait_file(settings_file, lambda t: '"font_size": 16' in t))
    assert stored["keymap"] == "vim" and stored["theme"] == "dark" and stored["font_size"] == 16

    # vim: click into cell 1 (normal mode), gg dd deletes the first line, not the cell
    first = cell(page, 1)
    first.locator(".cm-host").click()
    first.locator(".cm-content").click()
    first.locator(".cm-editor.cm-focused").wait_for()
    expect(first.locator(".cm-scroller.cm-vimMode")).to_have_count(1)
    for key in ["g", "g", "d", "d"]:
        page.keyboard.press(key)
    expect(first.locator(".cm-content")).to_have_text("b = 2")
    expect(page.locator(".notebook .cell")).to_have_count(2)

    # insert mode: Escape goes back to vim's normal mode and stays in the editor
    page.keyboard.press("O")
    page.keyboard.type("c = 3")
    page.keyboard.press("Escape")
    expect(first.locator(".cm-editor.cm-focused")).to_have_count(1)
    expect(first.locator(".cm-content")).to_contain_text("c = 3")
    page.keyboard.press("d")
    page.keyboard.press("d")
    expect(first.locator(".cm-content")).to_have_text("b = 2")
    # Escape in normal mode leaves the editor: the notebook's command keys work again
    page.keyboard.press("Escape")
    expect(first.locator(".cm-editor.cm-focused")).to_have_count(0)
    expect(first).to_have_class(re.compile(r"\bselected\b"))

    # a reload keeps the user's settings (they live in the config dir, not the page)
    page.reload()
    page.wait_for_selector('.kernel[data-kernel="idle"]')
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    second = cell(page, 2)
    second.locator(".cm-host").click()
    second.locator(".cm-content").click()
    second.locator(".cm-editor.cm-focused").wait_for()
    expect(second.locator(".cm-scroller.cm-vimMode")).to_have_count(1)
    page.keyboard.press("0")  # vim: start of line, then delete a character (not an insert)
    page.keyboard.press("x")
    expect(second.locator(".cm-content")).to_have_text('rint("total", a + b)')


CACHED = """\
# %%
import reflow

# %%
with reflow.persistent_cache("slow"):
    total = sum(range(100000))
print("total", total)
"""


def test_restored_from_cache_badge_and_clear_cache(serve, page):
    server = serve(CACHED)
    open_notebook(page, server)
    second = cell(page, 2)
    expect(second.locator(".outputs")).to_contain_text("total 4999950000")
    expect(second.locator(".cache-badge")).to_have_count(0)  # first run computed and stored it

    second.click()
    second.locator(".tb-btn.run").click()
    expect(second.locator(".cache-badge")).to_contain_text("restored from cache · saved")
    expect(second.locator(".outputs")).to_contain_text("total 4999950000")  # replayed print
    shot(page, "cache-badge")

    page.reload()  # a reconnect still shows it
    page.wait_for_selector('.kernel[data-kernel="idle"]')
    expect(cell(page, 2).locator(".cache-badge")).to_contain_text("restored from cache")

    cell(page, 2).click()
    cell(page, 2).locator('[data-action="clear-cell-cache"]').click()
    expect(page.locator(".toast")).to_contain_text("Cleared this cell's cache (1 saved result)")
    open_settings(page)
    page.locator('[data-action="clear-notebook-cache"]').click()
    expect(page.locator(".toast", has_text="Cleared the notebook's cache")).to_have_count(1)
    page.keyboard.press("Escape")

    cell(page, 2).locator(".tb-btn.run").click()  # computed again: no badge
    expect(cell(page, 2).locator('.status-pill[data-status="running"]')).to_have_count(0)
    expect(cell(page, 2).locator(".outputs")).to_contain_text("total 4999950000")
    expect(cell(page, 2).locator(".cache-badge")).to_have_count(0)


SEND = """(detail) => {
  const e = new CustomEvent("reflow:command", { detail, cancelable: true });
  window.dispatchEvent(e);
  return e.defaultPrevented;
}"""


def test_shell_menu_commands_are_claimed_by_the_page(serve, page):
    server = serve(NB)
    open_notebook(page, server)
    expect(cell(page, 2).locator(".outputs")).to_contain_text("total 3")

    assert page.evaluate(SEND, {"command": "open_settings"}) is True
    expect(page.get_by_role("dialog", name="Settings")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog", name="Settings")).to_have_count(0)

    assert page.evaluate(SEND, {"command": "set_view", "view": "app"}) is True
    expect(page.locator(".cell-toolbar")).to_have_count(0)
    expect(page.locator(".cm-host")).to_have_count(0)
    expect(cell(page, 2).locator(".outputs")).to_contain_text("total 3")
    page.locator("body").click()
    page.keyboard.press("d")
    page.keyboard.press("d")  # no editing commands in the app view
    expect(page.locator(".notebook .cell")).to_have_count(2)
    assert page.evaluate(SEND, {"command": "set_view", "view": "code"}) is True
    expect(page.locator(".cm-host").first).to_be_visible()

    assert page.evaluate(SEND, {"command": "set_theme", "theme": "dark"}) is True
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    assert page.evaluate(SEND, {"command": "show_shortcuts"}) is True
    assert page.evaluate(SEND, {"command": "interrupt"}) is False  # the shell does that itself
    assert page.evaluate(SEND, {"command": "set_view", "view": "sideways"}) is False
