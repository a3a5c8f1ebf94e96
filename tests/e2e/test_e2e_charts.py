"""Vega-Lite and Plotly outputs: drawn interactive in the app (tooltip, modebar), and
the session's HTML export draws both offline, from file://, with every request refused."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS, WAIT_MS, cell, export_html, open_notebook, shot

pytestmark = pytest.mark.e2e

# What Altair and plotly.py emit, written by hand (no need to install them): raw MIME bundles.
NOTEBOOK = """# %%
from IPython.display import display

# %%
_spec = {
    "$schema": "https://vega.github.io/schema/vega-lite/v5.20.1.json",
    "width": 300, "height": 200,
    "data": {"values": [{"fruit": "apple", "count": 80}, {"fruit": "banana", "count": 90},
                        {"fruit": "cherry", "count": 85}]},
    "mark": {"type": "bar", "tooltip": True},
    "encoding": {"x": {"field": "fruit", "type": "nominal"},
                 "y": {"field": "count", "type": "quantitative", "scale": {"domain": [0, 100]}}},
    "params": [{"name": "zoom", "select": {"type": "interval", "encodings": ["y"]}, "bind": "scales"}],
}
display({"application/vnd.vegalite.v5+json": _spec, "text/plain": "<VegaLite 5 object>"}, raw=True)

# %%
_fig = {
    "data": [{"type": "scatter", "mode": "lines+markers", "name": "squares",
              "x": [1, 2, 3, 4, 5], "y": [1, 4, 9, 16, 25]}],
    "layout": {"title": {"text": "Squares by Plotly"}, "width": 560, "height": 360},
}
display({"application/vnd.plotly.v1+json": _fig, "text/html": "<div>needs plotly.js from a CDN</div>"}, raw=True)
"""


def _hover_middle_bar(page, scope) -> None:
    """Move the mouse onto the middle bar ("banana") like a user would."""
    bar = scope.locator(".vega-embed svg.marks .mark-rect path").nth(1)
    box = bar.bounding_box()
    assert box and box["height"] > 100
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    # come from the lower right: the tooltip opens below-right of the pointer, so the
    # pointer never lands on it (which would hide it, as for any vega-tooltip)
    page.mouse.move(cx + 20, cy + 20)
    page.mouse.move(cx, cy, steps=4)


def _check_charts(page, scope, name: str) -> None:
    """Both charts drawn; the Vega-Lite tooltip appears on hover; Plotly has its modebar."""
    vega = scope.locator(".output-chart.chart-vega")
    expect(vega).to_have_attribute("data-state", "ready")
    expect(vega.locator(".vega-embed svg.marks")).to_be_visible()
    expect(vega.locator(".mark-rect path")).to_have_count(3)
    plotly = scope.locator(".output-chart.chart-plotly")
    expect(plotly).to_have_attribute("data-state", "ready")
    expect(plotly.locator("svg.main-svg").first).to_be_visible()
    expect(plotly.locator(".scatterlayer .trace")).to_have_count(1)
    expect(plotly.locator(".gtitle")).to_have_text("Squares by Plotly")
    # Plotly's own toolbar, without the logo / cloud links
    assert plotly.locator(".modebar-container .modebar-btn").count() > 3
    assert plotly.locator(".modebar-btn--logo").count() == 0
    assert plotly.locator("[data-title*='Chart Studio'], [data-title*='cloud']").count() == 0
    outputs = "\n".join(scope.locator(".outputs").all_inner_texts())
    assert "needs plotly.js from a CDN" not in outputs  # the chart, not the HTML fallback
    vega.scroll_into_view_if_needed()
    _hover_middle_bar(page, vega)
    tip = page.locator("#vg-tooltip-element.visible")
    expect(tip).to_be_visible()
    expect(tip).to_contain_text("banana")
    expect(tip).to_contain_text("90")
    shot(page, f"{name}-tooltip")
    _zoom_and_hover(page, vega, plotly)
    shot(page, f"{name}-zoomed")


def _axis_labels(scope, selector: str) -> list[str]:
    return scope.locator(selector).evaluate_all("els => els.map(e => e.textContent.trim())")


def _zoom_and_hover(page, vega, plotly) -> None:
    """Wheel-zoom the Vega-Lite chart (its scale-bound interval), hover and drag-zoom Plotly."""
    y_labels = ".mark-text.role-axis-label text"
    before = _axis_labels(vega, y_labels)
    bar = vega.locator(".mark-rect path").nth(0).bounding_box()
    page.mouse.move(bar["x"] + bar["width"] / 2, bar["y"] + 20)
    page.mouse.wheel(0, -400)
    page.wait_for_function(
        "([el, before]) => [...el.querySelectorAll('.mark-text.role-axis-label text')]"
        ".map(t => t.textContent.trim()).join('|') !== before",
        arg=[vega.element_handle(), "|".join(before)],
    )
    page.mouse.move(10, 10)

    plotly.scroll_into_view_if_needed()
    point = plotly.locator(".scatterlayer .point").nth(2).bounding_box()
    page.mouse.move(point["x"] + point["width"] / 2 + 15, point["y"] + point["height"] / 2 + 15)
    page.mouse.move(point["x"] + point["width"] / 2, point["y"] + point["height"] / 2, steps=3)
    expect(plotly.locator(".hoverlayer .hovertext")).to_be_visible()
    expect(plotly.locator(".hoverlayer .hovertext")).to_contain_text("9")
    x_before = _axis_labels(plotly, ".xtick text")
    drag = plotly.locator(".nsewdrag").first.bounding_box()
    x0, y0 = drag["x"] + drag["width"] * 0.2, drag["y"] + drag["height"] * 0.2
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x0 + drag["width"] * 0.3, y0 + drag["height"] * 0.5, steps=6)
    page.mouse.up()
    page.wait_for_function(
        "([el, before]) => [...el.querySelectorAll('.xtick text')].map(t => t.textContent.trim()).join('|') !== before",
        arg=[plotly.element_handle(), "|".join(x_before)],
    )


def test_vega_lite_and_plotly_in_the_app_and_in_the_offline_export(serve, page, browser, tmp_path):
    server = serve(NOTEBOOK)
    open_notebook(page, server)
    expect(cell(page, 3).locator(".output-chart")).to_be_visible(timeout=WAIT_MS)
    _check_charts(page, page.locator("main"), "charts-app")
    cell(page, 3).scroll_into_view_if_needed()
    cell(page, 3).locator(".output-chart").hover()
    expect(cell(page, 3).locator(".modebar")).to_be_visible()
    shot(page, "charts-app-plotly")

    out = export_html(page)
    html = out.read_text(encoding="utf-8")
    assert html.count("<script>") == 3  # plotly, vega, the page: each allowed by its hash
    (ARTIFACTS / "charts-export.html").write_bytes(out.read_bytes()) if ARTIFACTS.is_dir() else None

    # opened from disk with the network refused: every request but the file itself is aborted
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
        _check_charts(pg, pg.locator("main"), "charts-export-offline")
        assert errors == [] and violations == []
    finally:
        ctx.close()
    assert [u for u in attempted if u != url and not u.startswith(("data:", "blob:"))] == []


def test_a_notebook_without_charts_loads_and_exports_no_chart_code(serve, page, tmp_path):
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    server = serve("# %%\nx = 6\n\n# %%\nprint('x times 7 is', x * 7)\n")
    open_notebook(page, server)
    expect(cell(page, 2)).to_contain_text("x times 7 is 42")
    assert not [u for u in requested if "/assets/vega-" in u or "/assets/plotly-" in u], requested

    out = export_html(page)
    html = out.read_text(encoding="utf-8")
    assert out.stat().st_size < 400_000
    assert html.count("<script>") == 1
    assert "var ReflowChartVega=" not in html and "var ReflowChartPlotly=" not in html
    assert "vega-embed" not in html and "Plotly.newPlot" not in html and "plotly.js" not in html.lower()
