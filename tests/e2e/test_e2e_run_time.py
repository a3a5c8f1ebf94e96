"""Issue 16 item 14: each cell shows how long its last run took (measured in the kernel), and a
running cell counts up."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import cell, open_notebook, set_code

pytestmark = pytest.mark.e2e

NB = """\
# %%
x = 1

# %%
y = x + 1
"""


def test_run_time_after_each_run_and_a_counter_while_running(serve, page):
    server = serve(NB)
    open_notebook(page, server)
    quick = cell(page, 2).locator(".run-time[data-seconds]")
    expect(quick).to_have_text(re.compile(r"^(< 0\.01|\d+\.\d\d?) s$"))  # the opening run, timed

    set_code(page, 1, "import time\ntime.sleep(1.2)\nx = 2")
    page.keyboard.press("ControlOrMeta+Enter")
    counter = cell(page, 1).locator(".run-time.running")
    expect(counter).to_be_visible()
    # the counter moves while the cell runs (waited on, not timed)
    page.wait_for_function(
        "() => Number(document.querySelector('.notebook .cell .run-time.running')?.dataset.elapsed ?? 0) >= 0.3"
    )
    done = cell(page, 1).locator(".run-time[data-seconds]")
    expect(done).to_be_visible()
    seconds = float(done.get_attribute("data-seconds") or "0")
    assert seconds >= 1.2  # the kernel's measure of a 1.2 s sleep
    expect(done).to_have_text(re.compile(r"^\d\.\d s$"))
    expect(cell(page, 1).locator(".run-time.running")).to_have_count(0)

    # a reload (a reconnecting page) still shows the last run's time: the session remembers it
    page.reload()
    page.wait_for_selector('.kernel[data-kernel="idle"]')
    expect(cell(page, 1).locator(".run-time[data-seconds]")).to_have_attribute("data-seconds", str(seconds))


def test_the_run_time_pill_above_a_cell_is_not_clipped(serve, page):
    """The pill sits half above its cell; off-screen slots skip paint (content-visibility), which
    clips a slot's painting to its box unless a clip margin lets the pill out. Hit testing follows
    the clip, so the pill's top edge answers elementFromPoint only when it is really shown."""
    server = serve(NB)
    open_notebook(page, server)
    pill = cell(page, 2).locator(".run-time[data-seconds]")
    expect(pill).to_be_visible()
    hit = pill.evaluate(
        """el => {
            const r = el.getBoundingClientRect();
            const top = document.elementFromPoint(r.left + r.width / 2, r.top + 2);
            const slot = el.closest('.cell-slot').getBoundingClientRect();
            return {insidePill: el.contains(top), pillTop: r.top, slotTop: slot.top};
        }"""
    )
    assert hit["pillTop"] < hit["slotTop"], hit  # the pill does reach above its slot: the case under test
    assert hit["insidePill"], hit
