"""The dependency view in Chromium: where each read name comes from, with redefinitions, and the
method-call mutation hint on a cell (issue 13). Real `reflow edit` server and kernel."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .conftest import cell, leave_editor, open_notebook, set_code, shot

NOTEBOOK = """# %%
import math
rows = [1, 2]

# %%
total = sum(rows)

# %%
rows = [10, 20, 30]

# %%
count = len(rows)
rows.append(4)

# %%
print(total, count, math.pi > 3)
"""


def select(page, n: int) -> None:
    cell(page, n).click(position={"x": 5, "y": 5})
    expect(cell(page, n)).to_have_class(re.compile(r"\bselected\b"))


def read_row(page, name: str):
    return page.locator(f'.deps .dep-read[data-name="{name}"]')


def test_each_read_shows_the_cell_it_comes_from(serve, page):
    server = serve(NOTEBOOK)
    open_notebook(page, server)
    expect(cell(page, 5).locator(".outputs")).to_contain_text("3 3 True")
    page.locator(".tab", has_text="Dependencies").click()

    select(page, 4)  # reads rows from the redefinition above it, not from cell 1
    rows = read_row(page, "rows")
    expect(rows.locator(".cell-ref")).to_have_count(1)
    expect(rows.locator(".cell-ref")).to_contain_text("cell 3")
    expect(rows.locator(".cell-ref .dep-line")).to_have_text("rows = [10, 20, 30]")
    expect(rows.locator(".also-defined")).to_contain_text("cell 1")
    expect(page.locator(".deps .dep-title")).to_contain_text("cell 4")
    expect(page.locator(".deps .dep-title")).to_contain_text("count = len(rows)")
    shot(page, "dependencies-reads")

    select(page, 2)  # above the redefinition: the first definer
    rows = read_row(page, "rows")
    expect(rows.locator(".cell-ref")).to_contain_text("cell 1")
    expect(rows.locator(".cell-ref .dep-line")).to_have_text("import math")
    expect(rows.locator(".also-defined")).to_contain_text("cell 3")

    select(page, 5)  # several names from several cells; a built-in from none
    expect(read_row(page, "total").locator(".cell-ref")).to_contain_text("cell 2")
    expect(read_row(page, "count").locator(".cell-ref")).to_contain_text("cell 4")
    expect(read_row(page, "math").locator(".cell-ref")).to_contain_text("cell 1")

    ids = page.locator(".notebook .cell").evaluate_all("els => els.map(e => e.dataset.cellId)")
    panel_text = page.locator(".deps").inner_text()
    assert ids and not [i for i in ids if i in panel_text], (ids, panel_text)  # never internal ids

    read_row(page, "count").locator(".cell-link").click()  # the link goes to the cell
    expect(cell(page, 4)).to_have_class(re.compile(r"\bselected\b"))


def test_method_call_mutation_is_a_hint_naming_the_source_cell(serve, page):
    server = serve(NOTEBOOK)
    open_notebook(page, server)
    expect(cell(page, 5).locator(".outputs")).to_contain_text("3 3 True")
    hint = cell(page, 4).locator(".mutation-hint")
    expect(hint).to_be_visible()
    expect(hint).to_have_attribute("data-hint", "rows")
    expect(hint).to_contain_text("may change rows in place")
    expect(hint.locator(".cell-link")).to_have_text("cell 3")
    expect(cell(page, 4).locator(".error-box")).to_have_count(0)  # a hint, not an error
    expect(cell(page, 4)).not_to_have_class(re.compile(r"status-error"))
    for n in (1, 2, 3, 5):
        expect(cell(page, n).locator(".mutation-hint")).to_have_count(0)
    shot(page, "mutation-hint")

    # Removing the redefinition re-binds the reader to cell 1: view and hint follow.
    set_code(page, 3, "other = 0")
    page.keyboard.press("ControlOrMeta+Enter")
    leave_editor(page)
    expect(hint.locator(".cell-link")).to_have_text("cell 1")
    page.locator(".tab", has_text="Dependencies").click()
    select(page, 4)
    expect(read_row(page, "rows").locator(".cell-ref")).to_contain_text("cell 1")
    expect(read_row(page, "rows").locator(".also-defined")).to_have_count(0)


def test_a_long_first_line_never_wraps_the_cell_label(serve, page):
    """A descendant whose first line is long: its "cell N" label stays on one line and the line is
    cut with an ellipsis (seen in the real window: "cell" and "5" on two lines)."""
    long_line = "table = [(r, round(3.14159 * r**2, 2)) for r in range(1, int(radius) + 2) if r not in skipped_ones]"
    server = serve(f"# %%\nradius = 3.0\nskipped_ones = ()\n\n# %%\n{long_line}\n")
    open_notebook(page, server)
    page.locator(".tab", has_text="Dependencies").click()
    select(page, 1)
    link = page.locator(".deps .dep-list .cell-link").first
    expect(link).to_have_text("cell 2")
    one_line = link.evaluate("el => el.getBoundingClientRect().height < 2 * parseFloat(getComputedStyle(el).fontSize)")
    assert one_line
