"""Issue 16 item 10: when the kernel dies, the banner stays in view and the cell that was running
is marked; an interrupt the running code swallows offers "Restart kernel"."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import cell, open_notebook, set_code

pytestmark = pytest.mark.e2e

# enough cells that the page scrolls
NB = "".join(f"# %%\nv{i} = {i}\nprint(v{i})\n\n" for i in range(30))

LOOP = "import time\nwhile True:\n    try:\n        time.sleep(0.1)\n    except KeyboardInterrupt:\n        pass"


def _in_view(page, selector: str) -> bool:
    return page.evaluate(
        """(sel) => { const r = document.querySelector(sel)?.getBoundingClientRect();
                      return !!r && r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight; }""",
        selector,
    )


@pytest.mark.parametrize("crash", ["import os\nos._exit(1)", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"])
def test_kernel_death_marks_the_running_cell_and_the_banner_stays_in_view(serve, page, crash):
    server = serve(NB)
    open_notebook(page, server)
    set_code(page, 3, crash)
    page.keyboard.press("ControlOrMeta+Enter")
    banner = page.locator('[data-banner="kernel-dead"]')
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("It was running cell 3")
    expect(cell(page, 3)).to_have_class(re.compile(r"\bcrashed\b"))
    expect(cell(page, 3).locator("[data-crashed]")).to_have_text("kernel died here")
    expect(page.locator(".cell.crashed")).to_have_count(1)

    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_function("() => window.scrollY > 400")
    assert _in_view(page, '[data-banner="kernel-dead"]')  # sticky under the header
    box = cell(page, 3).bounding_box()
    assert box is not None and box["y"] + box["height"] < 0  # the crashed cell scrolled away, the banner did not

    page.locator('[data-action="goto-crashed"]').click()  # the banner leads to the cell
    expect(cell(page, 3)).to_have_class(re.compile(r"\bselected\b"))

    # a page that connects after the death shows the same
    page.reload()
    expect(page.locator('[data-banner="kernel-dead"]')).to_contain_text("It was running cell 3")
    expect(cell(page, 3).locator("[data-crashed]")).to_be_visible()


def test_an_interrupt_the_code_swallows_offers_a_restart(serve, page):
    page.add_init_script("localStorage.setItem('reflow.interruptGraceMs', '700')")
    server = serve(NB)
    open_notebook(page, server)

    # an interrupt that works: the cell stops and no restart is offered
    set_code(page, 1, "import time\ntime.sleep(60)")
    page.keyboard.press("ControlOrMeta+Enter")
    expect(cell(page, 1).locator('[data-status="running"]')).to_be_visible()
    page.locator('[data-action="interrupt"]').click()
    expect(cell(page, 1).locator('[data-status="interrupted"]')).to_be_visible()
    expect(page.locator('[data-banner="interrupt-stuck"]')).to_have_count(0)

    # a loop that catches KeyboardInterrupt keeps running: after the grace period, the offer
    set_code(page, 1, LOOP)
    page.keyboard.press("ControlOrMeta+Enter")
    expect(cell(page, 1).locator('[data-status="running"]')).to_be_visible()
    page.locator('[data-action="interrupt"]').click()
    offer = page.locator('[data-banner="interrupt-stuck"]')
    expect(offer).to_be_visible()
    expect(cell(page, 1).locator('[data-status="running"]')).to_be_visible()  # still running
    offer.locator('[data-action="restart-stuck"]').click()
    expect(offer).to_have_count(0)
