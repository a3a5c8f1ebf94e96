"""The reactive loop in a real browser: edit, delete, interrupt, restart, 403."""

from __future__ import annotations

import re
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from .conftest import WAIT_MS, cell, open_notebook, set_code, shot

pytestmark = pytest.mark.e2e

CHAIN = """\
# %% [markdown]
# # Chain
# `a` feeds `b`, `b` feeds `c`.

# %%
a = 1

# %%
b = a + 1
print("b is", b)

# %%
c = b * 10
c
"""


def test_edit_cell_updates_descendants(serve, page):
    server = serve(CHAIN)
    open_notebook(page, server)
    expect(cell(page, 3).locator(".outputs")).to_contain_text("b is 2")
    expect(cell(page, 4).locator(".outputs")).to_contain_text("20")

    set_code(page, 2, "a = 5")
    page.keyboard.press("ControlOrMeta+Enter")
    expect(cell(page, 3).locator(".outputs")).to_contain_text("b is 6")
    expect(cell(page, 4).locator(".outputs")).to_contain_text("60")
    # variables panel follows
    expect(page.locator(".var", has=page.locator(".v-name", has_text=re.compile("^c$")))).to_contain_text("60")
    shot(page, "edit-descendants")

    # Shift-Enter runs and moves the selection to the next cell
    set_code(page, 2, "a = 7")
    page.keyboard.press("Shift+Enter")
    expect(cell(page, 4).locator(".outputs")).to_contain_text("80")
    expect(cell(page, 3)).to_have_class(re.compile(r"\bselected\b"))


def test_delete_cell_shows_dependent_error_and_undo(serve, page):
    server = serve(CHAIN)
    open_notebook(page, server)
    expect(cell(page, 4).locator(".outputs")).to_contain_text("20")
    cell(page, 2).click()  # select 'a = 1' (command mode)
    page.keyboard.press("Escape")
    page.keyboard.press("d")
    page.keyboard.press("d")
    expect(page.locator(".notebook .cell")).to_have_count(3)
    # b = a + 1 now fails: a is no longer defined
    b_cell = cell(page, 2)
    expect(b_cell).to_contain_text("a")
    expect(b_cell.locator(".error-box")).to_be_visible()
    expect(b_cell).to_have_class(re.compile(r"status-error"))
    expect(cell(page, 3)).to_have_class(re.compile(r"status-(ancestor-error|error|stale)"))
    shot(page, "delete-dependent-error")

    # Undo from the toast brings the cell and the values back
    page.locator(".toast button.link", has_text="Undo").click()
    expect(page.locator(".notebook .cell")).to_have_count(4)
    expect(cell(page, 4).locator(".outputs")).to_contain_text("20")
    expect(cell(page, 3).locator(".error-box")).to_have_count(0)


def test_interrupt_while_true(serve, page):
    server = serve(
        "# %%\nimport time\n\n# %%\nn = 0\nwhile True:\n    n += 1\n    time.sleep(0.01)\n\n# %%\nafter = n\n"
    )
    page.goto(server.url)
    page.wait_for_selector(".cell")
    expect(cell(page, 2)).to_have_class(re.compile(r"status-running"), timeout=WAIT_MS)  # the kernel has started
    shot(page, "interrupt-running")
    page.locator('button[data-action="interrupt"]').click()
    expect(cell(page, 2)).to_have_class(re.compile(r"status-interrupted"))
    expect(cell(page, 3)).to_have_class(re.compile(r"status-(cancelled|ancestor-error|stale|idle)"))
    expect(page.locator('.kernel[data-kernel="idle"]')).to_be_visible()
    # the kernel still works afterwards
    set_code(page, 1, "import time\nprint('alive')")
    page.keyboard.press("ControlOrMeta+Enter")
    expect(cell(page, 1).locator(".outputs")).to_contain_text("alive")


def test_restart_kernel_keeps_code(serve, page):
    server = serve(CHAIN)
    open_notebook(page, server)
    expect(cell(page, 4).locator(".outputs")).to_contain_text("20")
    set_code(page, 2, "import os\na = os.getpid()")
    page.keyboard.press("ControlOrMeta+Enter")
    expect(cell(page, 3).locator(".outputs")).to_contain_text("b is")
    pid_before = cell(page, 3).locator(".outputs").inner_text()
    page.locator('button[data-action="restart"]').click()
    expect(page.locator(".kernel")).to_have_attribute("data-kernel", re.compile("restarting|starting"))
    expect(page.locator('.kernel[data-kernel="idle"]')).to_be_visible(timeout=WAIT_MS)  # the new kernel is up
    # code stays; run all gives a new kernel's pid
    expect(cell(page, 2)).to_contain_text("os.getpid()")
    page.locator("button", has_text=re.compile("Run (all|stale)")).click()
    expect(cell(page, 3).locator(".outputs")).to_contain_text("b is")
    expect(cell(page, 3).locator(".outputs")).not_to_have_text(pid_before)


def test_kernel_death_shows_restart(serve, page):
    server = serve("# %%\nx = 1\n\n# %%\nimport os\n")
    open_notebook(page, server)
    set_code(page, 2, "import os\nos._exit(1)")
    page.keyboard.press("ControlOrMeta+Enter")
    expect(page.locator('.kernel[data-kernel="dead"]')).to_be_visible()
    banner = page.locator(".banner.error")
    expect(banner).to_contain_text("kernel died")
    shot(page, "kernel-dead")
    set_code(page, 2, "import os")
    banner.locator("button", has_text="Restart kernel").click()
    expect(page.locator('.kernel[data-kernel="idle"]')).to_be_visible(timeout=WAIT_MS)  # the new kernel is up
    expect(cell(page, 2)).to_contain_text("import os")


def test_missing_or_wrong_token_is_403(serve, page):
    server = serve(CHAIN)
    base = server.url.split("?")[0]
    for url in (base, base + "?token=wrong", server.origin + "/"):
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(url, timeout=10)
        assert err.value.code == 403
    resp = page.goto(base)
    assert resp is not None and resp.status == 403
    # the right token works, and the page hides it from the address bar
    open_notebook(page, server)
    assert "token=" not in page.url
