"""Issue 19 item 1 in Chromium: the notebook's language server (python-lsp-server + ruff) in the
editor. An undefined name is underlined with the server's message; F12 and Ctrl-click on a name
jump to the cell that defines it; F2 renames a global in every cell, through the normal edit path,
so the cells run again, the outputs follow and the file is saved with the new name."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import WAIT_MS, cell, open_notebook

pytestmark = pytest.mark.e2e


def focus_at(page, n: int, line: int, column: int) -> None:
    """Click into cell n's editor and put the cursor at (line, column), 0-based, with the keyboard."""
    c = cell(page, n)
    c.scroll_into_view_if_needed()
    c.locator(".cm-content").click()
    c.locator(".cm-editor.cm-focused").wait_for()
    page.keyboard.press("ControlOrMeta+Home")
    for _ in range(line):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Home")
    for _ in range(column):
        page.keyboard.press("ArrowRight")


def word_box(page, n: int, word: str) -> dict[str, float]:
    """The screen box of the first occurrence of ``word`` in cell n's editor text."""
    handle = cell(page, n).locator(".cm-content")
    box = handle.evaluate(
        """(root, word) => {
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const at = node.textContent.indexOf(word);
                if (at < 0) continue;
                const range = document.createRange();
                range.setStart(node, at);
                range.setEnd(node, at + word.length);
                const r = range.getBoundingClientRect();
                return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
            }
            return null;
        }""",
        word,
    )
    assert box is not None, f"{word!r} not in cell {n}"
    return box


def test_an_undefined_name_is_underlined_with_the_servers_message(serve, page):
    server = serve("# %%\nprint(later_defined)\nprint(never_defined)\n\n# %%\nlater_defined = 1\n")
    open_notebook(page, server)
    focus_at(page, 1, 0, 0)  # the first focus starts the server (if the idle kernel has not already)
    marks = cell(page, 1).locator(".cm-lintRange-error")
    expect(marks).to_have_count(1, timeout=WAIT_MS)  # later_defined comes from the cell below: no error
    expect(marks.first).to_have_text("never_defined")
    box = marks.first.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator(".cm-tooltip-lint")).to_contain_text("Undefined name `never_defined`", timeout=WAIT_MS)
    expect(cell(page, 2).locator(".cm-lintRange-error")).to_have_count(0)

    # typing the definition clears it (the edit reaches the server as an incremental change)
    focus_at(page, 2, 1, 0)
    page.keyboard.insert_text("never_defined = 2\n")
    expect(marks).to_have_count(0, timeout=WAIT_MS)


DEFINE_AND_USE = "# %%\nrate = 3\n\n# %%\nimport math\n\n# %%\ntotal = rate * 2\nprint('total is', total)\n"


def test_f12_and_ctrl_click_go_to_the_defining_cell(serve, page):
    server = serve(DEFINE_AND_USE)
    open_notebook(page, server)
    expect(cell(page, 3).locator(".outputs")).to_contain_text("total is 6", timeout=WAIT_MS)
    focus_at(page, 3, 0, 9)  # on `rate` in "total = rate * 2"
    page.keyboard.press("F12")
    target = cell(page, 1)
    expect(target.locator(".cm-editor.cm-focused")).to_be_visible(timeout=WAIT_MS)
    expect(target).to_have_class(re.compile(r"\bselected\b"))
    # the cursor is on the definition: typing lands in front of `rate = 3`
    page.keyboard.insert_text("#")
    expect(target.locator(".cm-content")).to_have_text("#rate = 3", timeout=WAIT_MS)
    page.keyboard.press("Backspace")
    expect(target.locator(".cm-content")).to_have_text("rate = 3", timeout=WAIT_MS)

    focus_at(page, 3, 1, 0)  # back in the reader, then Ctrl-click the name
    expect(cell(page, 3).locator(".cm-editor.cm-focused")).to_be_visible()
    at = word_box(page, 3, "rate")
    page.keyboard.down("Control")
    page.mouse.click(at["x"], at["y"])
    page.keyboard.up("Control")
    expect(target.locator(".cm-editor.cm-focused")).to_be_visible(timeout=WAIT_MS)


RENAME = (
    "# %%\nbase = 10\n\n"
    "# %%\ntotal = base * 2\nprint('total is', total)\n\n"
    "# %%\nimport uuid\nprint('base is', base, 'run', uuid.uuid4().hex[:8])\n"
)


def test_rename_changes_every_cell_and_the_outputs_follow(serve, page, tmp_path):
    server = serve(RENAME)
    open_notebook(page, server)
    reader = cell(page, 3).locator(".outputs")
    expect(reader).to_contain_text("base is 10", timeout=WAIT_MS)
    before = reader.inner_text()
    focus_at(page, 1, 0, 1)  # inside `base` in "base = 10"
    page.keyboard.press("F2")
    box = page.get_by_test_id("lsp-rename-input")
    expect(box).to_be_visible(timeout=WAIT_MS)
    expect(box).to_have_value("base")
    box.fill("start")
    box.press("Enter")

    expect(cell(page, 1).locator(".cm-content")).to_have_text("start = 10", timeout=WAIT_MS)
    expect(cell(page, 2).locator(".cm-content")).to_contain_text("total = start * 2", timeout=WAIT_MS)
    third = cell(page, 3).locator(".cm-content, .code-static")
    expect(third).to_contain_text("print('base is', start, 'run'", timeout=WAIT_MS)  # the string is not a name

    # the changed cells ran again with the new name: a fresh run id, the same values, no error anywhere
    expect(reader).not_to_have_text(before, timeout=WAIT_MS)
    expect(reader).to_contain_text("base is 10", timeout=WAIT_MS)
    expect(cell(page, 2).locator(".outputs")).to_contain_text("total is 20")
    expect(page.locator("[data-testid=output-error]")).to_have_count(0)

    # and the file is saved with it, as any edit
    path = tmp_path / "nb.py"
    for _ in range(600):  # polls for the autosave to land (a hang guard, not a time limit)
        if "start = 10" in path.read_text():
            break
        page.wait_for_timeout(100)
    text = path.read_text()
    assert "start = 10" in text and "total = start * 2" in text and "'base is', start," in text
    assert re.search(r"\bbase\b(?! is)", text) is None


def test_completions_merge_the_kernels_and_the_servers(serve, page):
    # `ran_value` is in the kernel (its cell ran); `never_ran_value` only in the code (its cell stops first)
    server = serve("# %%\nran_value = 1\n\n# %%\nraise SystemExit('stop')\nnever_ran_value = 2\n\n# %%\nx = 0\n")
    open_notebook(page, server)
    focus_at(page, 3, 0, 5)
    page.keyboard.press("End")
    page.keyboard.insert_text("\n")
    page.keyboard.type("ran_v")
    options = page.locator(".cm-tooltip-autocomplete li")
    expect(options.filter(has_text="ran_value")).to_have_count(1, timeout=WAIT_MS)  # both know it: listed once
    for _ in "ran_v":
        page.keyboard.press("Backspace")
    page.keyboard.type("never_ran")
    expect(options.filter(has_text="never_ran_value")).to_have_count(1, timeout=WAIT_MS)  # the server's
