"""Issue 19 in Chromium: format a cell with Shift-Alt-F and the notebook from the palette (ruff);
create an SQL cell, run it with DuckDB and see its result as the paginated table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import WAIT_MS, cell, leave_editor, open_notebook, set_code

pytestmark = pytest.mark.e2e

MESSY = "# %%\nx  =  [1,2]\n\n# %%\ny = {'k':x}\n\n# %%\nbroken = (\n"


def code_text(page, n: int):
    return cell(page, n).locator(".cm-content, .code-static")


def save_and_read(page, path: Path, expected: str) -> str:
    """Ctrl/⌘-S, then the file once it holds ``expected`` (the save is a message to the server)."""
    page.keyboard.press("ControlOrMeta+s")
    text = ""
    for _ in range(600):  # polls for the write to land (a hang guard, not a time limit)
        text = path.read_text()
        if expected in text:
            break
        page.wait_for_timeout(100)
    return text


def test_shift_alt_f_formats_only_the_cell_being_edited(serve, page, tmp_path):
    server = serve(MESSY)
    open_notebook(page, server)
    cell(page, 2).locator(".cm-content").click()
    page.keyboard.press("Shift+Alt+F")
    expect(code_text(page, 2)).to_have_text('y = {"k": x}', timeout=WAIT_MS)
    expect(page.locator(".toast", has_text="Cell formatted.")).to_be_visible(timeout=WAIT_MS)
    expect(code_text(page, 1)).to_have_text("x  =  [1,2]")  # never touches cells not asked for
    text = save_and_read(page, tmp_path / "nb.py", 'y = {"k": x}')
    assert text == MESSY.replace("y = {'k':x}", 'y = {"k": x}')


def test_palette_formats_the_notebook_and_says_why_a_cell_was_left(serve, page):
    server = serve(MESSY)
    open_notebook(page, server)
    page.locator(".notebook").click(position={"x": 5, "y": 5})
    page.keyboard.press("ControlOrMeta+Shift+P")
    page.keyboard.type("format the notebook")
    palette = page.locator(".palette")
    expect(palette.locator(".palette-item").first).to_have_attribute("data-command", "format-notebook", timeout=WAIT_MS)
    page.keyboard.press("Enter")
    expect(code_text(page, 1)).to_have_text("x = [1, 2]", timeout=WAIT_MS)
    expect(code_text(page, 2)).to_have_text('y = {"k": x}', timeout=WAIT_MS)
    expect(code_text(page, 3)).to_have_text("broken = (")
    toast = page.locator(".toast", has_text="Formatted 2 of 3 cells.")
    expect(toast).to_contain_text(re.compile(r"Cell 3 not formatted: syntax error"), timeout=WAIT_MS)


SQL_NOTEBOOK = """\
# /// script
# requires-python = ">=3.11"
# dependencies = ["pandas", "duckdb"]
# ///

# %%
import pandas as pd
sales = pd.DataFrame({"region": ["north", "south", "north"], "amount": [10, 20, 30]})
"""


def test_sql_cell_over_a_data_frame_shows_the_table(serve, page, tmp_path):
    """Needs pandas and duckdb in the notebook's environment (built by uv, offline from its cache)."""
    server = serve(SQL_NOTEBOOK)
    page.goto(server.url)
    page.wait_for_selector(".cell")
    page.wait_for_function(
        """() => { const k = document.querySelector('.kernel');
                   return k && (k.dataset.kernel === 'idle' || k.dataset.kernel === 'dead'); }""",
        timeout=240_000,
    )
    if page.locator('.kernel[data-kernel="dead"]').count():
        pytest.skip("pandas/duckdb could not be installed into the notebook's environment here")
    cell(page, 1).click(position={"x": 5, "y": 5})
    leave_editor(page)
    page.keyboard.press("ControlOrMeta+Shift+P")
    page.keyboard.type("add an sql cell")
    expect(page.locator(".palette .palette-item").first).to_have_attribute("data-command", "add-sql", timeout=WAIT_MS)
    page.keyboard.press("Enter")
    sql = cell(page, 2)
    expect(sql.locator(".sql-head")).to_have_attribute("data-sql-name", "df1", timeout=WAIT_MS)
    sql.locator(".cm-editor.cm-focused").wait_for(timeout=WAIT_MS)
    page.keyboard.insert_text("SELECT region, SUM(amount)::INTEGER AS total FROM sales GROUP BY region ORDER BY region")
    page.keyboard.press("ControlOrMeta+Enter")
    table = sql.locator("table.rw-table")
    expect(table).to_be_visible(timeout=WAIT_MS)
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table.locator("tbody tr").first).to_contain_text("north")
    expect(table.locator("tbody tr").first).to_contain_text("40")
    text = save_and_read(page, tmp_path / "nb.py", '# %% [sql] name="df1"')
    assert '# %% [sql] name="df1"\n# SELECT region, SUM(amount)::INTEGER AS total FROM sales' in text

    # the query reads `sales`: editing that frame re-runs the SQL cell (auto mode), as for any reader
    set_code(page, 1, 'import pandas as pd\nsales = pd.DataFrame({"region": ["east"], "amount": [7]})')
    page.keyboard.press("ControlOrMeta+Enter")
    expect(table.locator("tbody tr")).to_have_count(1, timeout=WAIT_MS)
    expect(table.locator("tbody tr").first).to_contain_text("east")

    # Make the cell SQL / Python: the same text is then Python (and a syntax error)
    sql.click(position={"x": 5, "y": 5})
    leave_editor(page)
    page.keyboard.press("ControlOrMeta+Shift+P")
    page.keyboard.type("make the cell sql")
    expect(page.locator(".palette .palette-item").first).to_have_attribute(
        "data-command", "toggle-sql", timeout=WAIT_MS
    )
    page.keyboard.press("Enter")
    expect(sql.locator(".sql-head")).to_have_count(0, timeout=WAIT_MS)
