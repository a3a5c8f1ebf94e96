"""Errors as users read them in a real browser (issue 16): one syntax error with its line and caret,
none while the user is still typing, one picture per matplotlib figure and none from a failed cell,
cells named by number -- never by internal id."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import cell, leave_editor, open_notebook

pytestmark = pytest.mark.e2e

BROKEN = """\
# %%
a = 1

# %%
x = (a +

# %%
b = a + 1
b
"""


def test_syntax_error_shows_once_with_line_and_caret(serve, page):
    server = serve(BROKEN)
    open_notebook(page, server)
    broken = cell(page, 2)
    expect(cell(page, 3).locator(".outputs")).to_contain_text("2")
    boxes = broken.locator(".error-box")
    expect(boxes).to_have_count(1)
    expect(boxes).to_contain_text("'(' was never closed")
    tb = boxes.locator(".tb")
    expect(tb).to_contain_text('File "<cell 2>", line 1')
    lines = tb.inner_text().splitlines()
    i = lines.index("    x = (a +")
    assert lines[i + 1] == "        ^", lines
    # running it again still shows one error, not the static one and the run's
    broken.locator(".cm-content").click()
    page.keyboard.press("ControlOrMeta+Enter")
    expect(boxes).to_have_count(1)


def test_no_error_while_typing_then_one_after_a_pause(serve, page):
    server = serve("# %%\na = 1\n\n# %%\nb = 2\n")
    open_notebook(page, server)
    target = cell(page, 2)
    target.locator(".cm-content").click()
    target.locator(".cm-editor.cm-focused").wait_for()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.press("Delete")
    # record, in the page, whether an error was ever shown while the kernel's verdict was held
    page.evaluate(
        """(el) => {
          window.__typing = { shown: false, held: false };
          const look = () => {
            if (el.dataset.heldErrors) window.__typing.held = true;
            if (el.dataset.heldErrors === undefined && el.querySelector('.error-box')) window.__typing.shown = true;
          };
          window.__typingObserver = new MutationObserver(look);
          window.__typingObserver.observe(el, { subtree: true, childList: true, attributes: true });
        }""",
        target.element_handle(),
    )
    # every prefix of this line past "b = 1 if" is a syntax error (no `else` yet; no brackets, which
    # the editor closes by itself). The user types at a thinking pace:
    # gaps longer than the editor's edit debounce (350 ms, so the kernel checks each prefix and
    # answers while the user types) yet shorter than a typing pause.
    page.keyboard.type("b = 1 if")
    page.keyboard.type(" a == 1", delay=550)
    seen = page.evaluate("() => { window.__typingObserver.disconnect(); return window.__typing; }")
    assert seen["held"], "the kernel's syntax error arrived while typing (and was held)"
    assert not seen["shown"], "no error was shown while the user was typing"
    # a pause: the one error shows, with its caret
    expect(target.locator(".error-box")).to_have_count(1)
    expect(target.locator(".error-box")).to_contain_text("expected 'else'")
    expect(target.locator(".error-box .tb")).to_contain_text("b = 1 if a == 1")
    expect(target.locator(".error-box .tb")).to_contain_text("^")
    # finishing the line makes it valid; running it works at once
    page.keyboard.type(" else 0")
    page.keyboard.press("ControlOrMeta+Enter")
    leave_editor(page)
    expect(target.locator(".error-box")).to_have_count(0)
    expect(target).not_to_have_attribute("data-held-errors", re.compile(".+"))
    expect(page.locator(".var", has=page.locator(".v-name", has_text=re.compile("^b$")))).to_contain_text("1")


ID_LIKE = re.compile(r"\bcell [a-z0-9]{6,}\b|<cell [a-z0-9]{6,}>")


def all_error_text(page) -> str:
    return "\n".join(page.locator(".error-box").all_inner_texts())


def test_messages_name_cells_by_number_never_by_id(serve, page):
    server = serve(
        "# %% [markdown]\n# Names\n\n# %%\nx = 1\n\n# %%\ny = x + 1\n\n# %%\np = q\n\n# %%\nq = p\n\n"
        "# %%\nr = 1 / 0\n\n# %%\ns = r + 1\n"
    )
    open_notebook(page, server)
    expect(cell(page, 4).locator(".error-box")).to_contain_text("cycle: cell 4")
    expect(cell(page, 7).locator(".error-box")).to_contain_text("not run: ancestor cell 6 raised ZeroDivisionError")
    # delete the definer of x (cell 2): its reader says which cell it was, by first line
    cell(page, 2).click()
    leave_editor(page)
    page.keyboard.press("d")
    page.keyboard.press("d")
    reader = cell(page, 2)
    expect(reader.locator(".error-box")).to_contain_text("the deleted cell `x = 1`")
    text = all_error_text(page)
    assert not ID_LIKE.search(text), text


PLOTS = """\
# /// script
# requires-python = ">=3.11"
# dependencies = ["matplotlib"]
# ///

# %%
import matplotlib.pyplot as plt

# %%
fig, ax = plt.subplots()
ax.plot([1, 2, 3])
fig

# %%
fig2, ax2 = plt.subplots()
ax2.plot([1, 2])
raise ValueError("boom")
"""


def test_one_picture_per_figure_and_none_on_failure(serve, page):
    """Needs matplotlib in the notebook's environment (built by uv, from its cache or PyPI)."""
    server = serve(PLOTS)
    page.goto(server.url)
    page.wait_for_selector(".cell")
    page.wait_for_function(
        """() => {
        const k = document.querySelector('.kernel');
        return (k && k.dataset.kernel === 'dead') || document.querySelectorAll('.error-box').length > 0;
    }""",
        timeout=240_000,
    )
    if page.locator('.kernel[data-kernel="dead"]').count() or cell(page, 1).locator(".error-box").count():
        pytest.skip("matplotlib could not be installed into the notebook's environment here")
    expect(cell(page, 3).locator(".error-box")).to_contain_text("boom")
    page.wait_for_selector('.kernel[data-kernel="idle"]')
    expect(cell(page, 2).locator(".outputs img")).to_have_count(1)
    expect(cell(page, 3).locator(".outputs img")).to_have_count(0)
