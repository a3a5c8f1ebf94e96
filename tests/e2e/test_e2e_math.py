"""Math (issue 16 item 15): `$...$` and `$$...$$` in markdown cells and `reflow.md` are drawn by
KaTeX in the app (its chunk fetched only when a page has math) and in the HTML export opened
from file:// with every request refused, KaTeX's fonts included."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS, cell, open_notebook, shot

pytestmark = pytest.mark.e2e

NOTEBOOK = r"""# %% [markdown]
# Euler: $e^{i\pi} + 1 = 0$, and a price of $5 or $10 stays prose (so does \$3).
#
# $$
# \int_0^1 x^2\,dx = \frac{1}{3}
# $$

# %%
import reflow

n = 3
reflow.md(f"The sum $\\sum_{{k=1}}^{{{n}}} k = {n * (n + 1) // 2}$ and `$not math$`")
"""

FONTS_READY = """async (el) => {
  await document.fonts.ready;
  const family = getComputedStyle(el.querySelector('.katex .mord, .katex .mathnormal') || el).fontFamily;
  return { family, loaded: document.fonts.check('16px KaTeX_Main') && document.fonts.check('16px KaTeX_Math') };
}"""


def _check_math(scope) -> None:
    md = cell_markdown = scope.locator(".notebook .cell").nth(0).locator(".markdown.rendered")
    expect(md.locator(".katex")).to_have_count(2)
    expect(md.locator(".katex-display")).to_have_count(1)
    expect(md.locator(".rw-math-pending")).to_have_count(0)
    text = md.inner_text()
    assert "$5 or $10 stays prose (so does $3)" in text
    out = scope.locator(".notebook .cell").nth(1).locator(".outputs")
    expect(out.locator(".katex")).to_have_count(1)
    expect(out.locator("code")).to_have_text("$not math$")
    assert "6" in out.locator(".katex").inner_text()
    fonts = cell_markdown.evaluate(FONTS_READY)
    assert "KaTeX" in fonts["family"] and fonts["loaded"], fonts


def test_math_in_markdown_cells_and_reflow_md_in_the_app_and_the_offline_export(serve, page, browser, tmp_path):
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    server = serve(NOTEBOOK)
    open_notebook(page, server)
    expect(cell(page, 2).locator(".outputs .katex")).to_be_visible()
    _check_math(page)
    assert [u for u in requested if "/assets/katex-" in u], "KaTeX comes as its own chunk"
    shot(page, "math-app")

    page.click("[data-action=export-html]")  # written beside the notebook; the notice says where
    notice = page.locator("[data-export-notice=exported]")
    expect(notice).to_have_attribute("data-path", re.compile(r"\.html$"))
    out = Path(notice.get_attribute("data-path") or "")
    html = out.read_text(encoding="utf-8")
    assert "var ReflowMath=" in html  # KaTeX, inlined: this page has math
    (ARTIFACTS / "math-export.html").write_bytes(out.read_bytes()) if ARTIFACTS.is_dir() else None

    url = out.resolve().as_uri()
    attempted: list[str] = []
    violations: list[str] = []
    ctx = browser.new_context(viewport={"width": 1200, "height": 900}, color_scheme="light", offline=True)
    try:
        pg = ctx.new_page()
        errors: list[str] = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.on("request", lambda r: attempted.append(r.url))
        pg.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
        ctx.route("**/*", lambda r: r.continue_() if r.request.url == url else r.abort())
        pg.goto(url)
        pg.wait_for_selector("html[data-ready='1']")
        _check_math(pg)
        shot(pg, "math-export-offline")
        assert errors == [] and violations == []
    finally:
        ctx.close()
    assert [u for u in attempted if u != url and not u.startswith(("data:", "blob:"))] == []


def test_a_page_without_math_fetches_no_katex(serve, page):
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    server = serve("# %% [markdown]\n# Prices: $5 and $10, `$x$`.\n\n# %%\nprint('costs $5')\n")
    open_notebook(page, server)
    expect(cell(page, 2)).to_contain_text("costs $5")
    expect(cell(page, 1).locator(".markdown.rendered")).to_contain_text("Prices: $5 and $10")
    assert cell(page, 1).locator(".katex, .rw-math-pending").count() == 0
    assert not [u for u in requested if "/assets/katex-" in u or ".woff2" in u], requested
