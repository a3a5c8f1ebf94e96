"""docs/automation.md is a contract: every `data-testid` it lists is on the page, where it says.

One notebook shows every kind of element the table names (code and markdown cells, printed
text, a long windowed output, an error, HTML, an image, a toast); the test reads the table
from the document itself, so a hook documented but not rendered (or renamed) fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

from .conftest import WAIT_MS, cell, open_notebook

DOC = Path(__file__).resolve().parents[2] / "docs" / "automation.md"

NOTEBOOK = """\
# %%
import base64
from IPython.display import HTML, Image, display
print("hello")
display(HTML("<b>bold</b>"))
display(Image(data=base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)))

# %%
for i in range(1000):
    print("line", i)

# %%
1 / 0

# %% [markdown]
# Some *text*

# %%
spare = 1
"""


def documented_testids() -> list[str]:
    """The hooks named in the table's first column (`a`, `b` pairs count as two)."""
    ids: list[str] = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("| `"):
            first = line.split("|")[1]
            ids += [t for t in re.findall(r"`([a-z0-9-]+)`", first) if t != "data-testid"]  # not the header
    return ids


def test_every_documented_testid_is_on_the_page(serve, page):
    ids = documented_testids()
    assert len(ids) >= 30 and "cell" in ids and "output-window" in ids  # the table was read
    server = serve(NOTEBOOK)
    open_notebook(page, server)
    expect(cell(page, 3).get_by_test_id("output-error")).to_have_count(1, timeout=WAIT_MS)
    expect(page.get_by_test_id("output-window")).to_have_attribute("data-lines", "1000", timeout=WAIT_MS)
    expect(page.get_by_test_id("output-image")).to_have_count(1, timeout=WAIT_MS)
    # a toast: delete the spare cell (the "deleted — Undo" notice)
    spare = cell(page, 5)
    spare.scroll_into_view_if_needed()
    spare.hover()  # the toolbar shows on hover or selection
    spare.get_by_test_id("cell-delete").click()
    expect(page.get_by_test_id("notice")).not_to_have_count(0, timeout=WAIT_MS)
    missing = [t for t in ids if page.get_by_test_id(t).count() == 0]
    assert not missing, f"documented in docs/automation.md but not on the page: {missing}"
    # the attributes the document promises
    first = page.get_by_test_id("cell").first
    assert first.get_attribute("data-cell-kind") == "code"
    assert first.get_attribute("data-status") in {"idle", "error", "stale", "edited"}
    assert page.get_by_test_id("kernel-status").get_attribute("data-kernel") == "idle"
    assert page.get_by_test_id("app").get_attribute("data-connection") == "open"
    kinds = {o.get_attribute("data-output-kind") for o in page.get_by_test_id("output").all()}
    assert kinds == {"stream", "data", "error"}
    assert page.get_by_test_id("cell-markdown").count() == 1
