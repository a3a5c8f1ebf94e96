"""Issue 20 item 2: a cell's output history in the real UI (Chromium, real kernel, real sidecar).

Run, edit, run again; the history steps back to the first run's output and code, compares the two
side by side (text and images), and "restore this code" puts the first code back and runs it.
"""

from __future__ import annotations

import base64
import struct
import time
import zlib

import pytest
from playwright.sync_api import expect

from .conftest import WAIT_MS, cell, leave_editor, open_notebook, set_code

pytestmark = pytest.mark.e2e


def png(rgb: tuple[int, int, int]) -> str:
    """A 2x2 PNG of one colour, base64."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes(rgb) * 2 for _ in range(2))
    body = chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw))
    return base64.b64encode(b"\x89PNG\r\n\x1a\n" + body + chunk(b"IEND", b"")).decode()


RED, BLUE = png((220, 30, 30)), png((30, 30, 220))


def code(label: str, image: str) -> str:
    return (
        "import base64\n"
        "class Picture:\n"
        f"    def _repr_png_(self): return base64.b64decode('{image}')\n"
        f"print('{label} run')\n"
        "Picture()"
    )


FIRST, SECOND = code("first", RED), code("second", BLUE)
NB = f"# %%\n{FIRST}\n"


def test_step_back_compare_and_restore_an_earlier_run(serve, page, tmp_path):
    server = serve(NB)
    open_notebook(page, server)
    c = cell(page, 1)
    expect(c.locator(".outputs")).to_contain_text("first run", timeout=WAIT_MS)  # the opening run

    set_code(page, 1, SECOND)
    page.keyboard.press("ControlOrMeta+Enter")
    leave_editor(page)
    expect(c.locator(".outputs")).to_contain_text("second run", timeout=WAIT_MS)
    expect(c).to_have_attribute("data-status", "idle", timeout=WAIT_MS)

    # open the history: the newest run first, with the code that produced it
    c.get_by_test_id("history-toggle").click()
    panel = c.get_by_test_id("history-panel")
    expect(panel.get_by_test_id("history-position")).to_have_text("2 of 2", timeout=WAIT_MS)
    expect(panel.get_by_test_id("history-code")).to_have_text(SECOND)
    expect(panel.get_by_test_id("history-when")).to_contain_text("ran ")

    # step back: the first output and the first code (read-only: no editor in the panel)
    panel.get_by_test_id("history-older").click()
    expect(panel.get_by_test_id("history-position")).to_have_text("1 of 2")
    run = panel.get_by_test_id("history-run")
    expect(run.get_by_test_id("history-code")).to_have_text(FIRST)
    expect(run.get_by_test_id("history-outputs")).to_contain_text("first run")
    expect(run.get_by_test_id("history-outputs")).not_to_contain_text("second run")
    expect(run.locator("img[data-testid=output-image]")).to_have_attribute("src", f"data:image/png;base64,{RED}")
    expect(panel.locator(".cm-editor")).to_have_count(0)
    expect(c.locator(".outputs").first).to_contain_text("second run")  # the cell itself still shows the latest

    # compare: both runs side by side, older on the left, with their images and a text diff
    panel.get_by_test_id("history-compare").click()
    comparison = panel.get_by_test_id("history-comparison")
    older, newer = comparison.get_by_test_id("history-older-run"), comparison.get_by_test_id("history-newer-run")
    expect(older.get_by_test_id("history-outputs")).to_contain_text("first run")
    expect(newer.get_by_test_id("history-outputs")).to_contain_text("second run")
    expect(older.locator("img[data-testid=output-image]")).to_have_attribute("src", f"data:image/png;base64,{RED}")
    expect(newer.locator("img[data-testid=output-image]")).to_have_attribute("src", f"data:image/png;base64,{BLUE}")
    diff = comparison.get_by_test_id("history-diff")
    expect(diff.locator(".diff-removed")).to_have_text(["- first run"])  # the pictures' reprs are not text
    expect(diff.locator(".diff-added")).to_have_text(["+ second run"])
    left, right = older.bounding_box(), newer.bounding_box()
    assert left and right and left["x"] + left["width"] <= right["x"] + 1  # side by side, not stacked

    # restore the first run's code: it goes into the cell as an edit and runs
    older.get_by_test_id("history-restore").click()
    expect(c.locator(".cm-content")).to_have_text(FIRST.replace("\n", ""), timeout=WAIT_MS)
    expect(c.locator(".outputs").first).to_contain_text("first run", timeout=WAIT_MS)
    expect(c).to_have_attribute("data-status", "idle", timeout=WAIT_MS)
    # the restored code is the notebook's code now (autosaved like a user's edit), and the history is on disk
    nb = tmp_path / "nb.py"
    wait_until(lambda: FIRST in nb.read_text(encoding="utf-8") and SECOND not in nb.read_text(encoding="utf-8"))
    assert (tmp_path / "__reflow__" / "history" / "nb.py" / "index.json").is_file()


def wait_until(condition, timeout_s: float = WAIT_MS / 1000) -> None:
    """Wait for a condition on disk (the server's autosave), checked every 50 ms."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)
