"""Documentation inside the product (issue 16 item 17): the UI's Help (the side panel's Keys tab)
links to the docs page the app serves -- the API reference built from the docstrings and the
example gallery -- which opens in the same browser session (no token in the link)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import open_notebook, shot

pytestmark = pytest.mark.e2e


def test_help_links_to_the_api_reference_and_gallery(serve, page):
    server = serve("# %%\nx = 1\n")
    open_notebook(page, server)
    if not page.locator(".side-panel").is_visible():
        page.get_by_title("Side panel: variables, dependencies, keys").click()
    page.locator(".side-panel [role=tab]", has_text="Keys").click()
    link = page.locator(".side-panel [data-action=open-docs]")
    expect(link).to_be_visible()
    with page.expect_popup() as popup:
        link.click()
    docs = popup.value
    docs.wait_for_load_state()
    expect(docs).to_have_title("Reflow API reference")
    expect(docs.locator("h2#gallery")).to_be_visible()
    expect(docs.locator("ul.gallery li")).not_to_have_count(0)
    for name in (
        "reflow.ui.slider",
        "reflow.md",
        "reflow.state",
        "reflow.stop",
        "reflow.cache",
        "reflow.persistent_cache",
    ):
        assert docs.locator("h3 code", has_text=name).count() >= 1, name
    expect(docs.get_by_role("heading", name="Markdown cells are static text")).to_be_visible()
    shot(docs, "docs-page")
