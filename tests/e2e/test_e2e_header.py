"""Issue 16 item 8: the header fits windows down to 600 px: the notebook's name stays readable
(its full path in the tooltip) and less-used commands move into the "⋯" menu."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import open_notebook

pytestmark = pytest.mark.e2e

NAME = "quarterly_sales_report_for_the_board_2026.py"
NB = "# %%\nx = 1\n"
MIN_NAME_PX = 80  # about ten characters of the name
MENU = ["restart", "save", "mode-auto", "mode-lazy", "toggle-output-position", "toggle-theme", "open-settings",
        "export-html", "export-ipynb", "find", "help"]  # fmt: skip

LAYOUT = """() => {
  const bar = document.querySelector("header.topbar");
  const b = bar.getBoundingClientRect();
  const outside = [...bar.children].filter((el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && (r.left < b.left - 0.5 || r.right > b.right + 0.5);
  }).map((el) => el.className);
  const name = bar.querySelector(".doc-title .name");
  return { scroll: bar.scrollWidth, client: bar.clientWidth, page: document.documentElement.scrollWidth,
           width: window.innerWidth, outside, nameWidth: name.getBoundingClientRect().width,
           nameFull: name.scrollWidth, title: name.title };
}"""


@pytest.mark.parametrize("width", [1200, 800, 600])
def test_header_fits_and_every_command_stays_reachable(serve, page, width):
    server = serve(NB, name=NAME)
    page.set_viewport_size({"width": width, "height": 800})
    open_notebook(page, server)
    m = page.evaluate(LAYOUT)
    assert m["scroll"] <= m["client"], m
    assert m["page"] <= m["width"], m  # no horizontal scrolling of the page either
    assert not m["outside"], m
    assert m["nameWidth"] >= min(MIN_NAME_PX, m["nameFull"]), m
    assert m["title"].endswith(NAME)  # the full path on hover
    for action in ("run-all", "interrupt"):  # the everyday buttons stay in the bar
        expect(page.locator(f'header [data-action="{action}"]')).to_be_visible()

    page.locator('[data-action="more"]').click()
    menu = page.locator(".more-menu")
    expect(menu).to_be_visible()
    for command in MENU:
        item = menu.locator(f'[data-command="{command}"]')
        expect(item).to_be_visible()
        box = item.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (command, box)
    menu.locator('[data-command="open-settings"]').click()  # a command run from the menu
    expect(page.locator(".settings-page")).to_be_visible()
    expect(menu).to_have_count(0)


def test_menu_commands_act(serve, page):
    server = serve(NB, name=NAME)
    page.set_viewport_size({"width": 600, "height": 800})
    open_notebook(page, server)
    page.locator('[data-action="more"]').click()
    page.locator('.more-menu [data-command="mode-lazy"]').click()
    page.set_viewport_size({"width": 1300, "height": 800})  # the inline switch shows the mode
    expect(page.locator('[aria-label="Runtime mode"] button', has_text="Lazy")).to_have_attribute(
        "aria-pressed", "true"
    )
