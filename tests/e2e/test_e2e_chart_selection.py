"""reflow.ui.chart in Chromium with real Altair, pandas and plotly (from PyPI, in the
notebook's own uv environment): a brush and a click on Vega-Lite charts and a box select
on a Plotly figure re-run the cells that read the selection; the export draws the charts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS, cell, shot

pytestmark = [pytest.mark.e2e, pytest.mark.uv]

NOTEBOOK = """# /// script
# requires-python = ">=3.11"
# dependencies = ["altair", "pandas", "plotly"]
# ///

# %%
import itertools
import altair as alt
import pandas as pd
import plotly.express as px
import reflow

df = pd.DataFrame({"name": list("abcdef"), "x": [1, 2, 3, 6, 8, 9], "y": [1, 2, 3, 6, 8, 9], "c": list("pqpqpq")})
runs = itertools.count()
axis = alt.Scale(domain=[0, 10])

# %%
sel = reflow.ui.chart(
    alt.Chart(df).mark_point(size=200, filled=True)
    .encode(x=alt.X("x", scale=axis), y=alt.Y("y", scale=axis))
    .add_params(alt.selection_interval(name="brush"))
    .properties(width=300, height=300)
)
sel

# %%
print("brushed", sorted(sel.value["name"]), "run", next(runs))
sel.value

# %%
bars = reflow.ui.chart(
    alt.Chart(df).mark_bar().encode(x="c:N", y="count()").add_params(alt.selection_point(name="pick"))
    .properties(width=200, height=200)
)
bars

# %%
print("picked", sorted(bars.value["name"]))

# %%
fig = reflow.ui.chart(px.scatter(df, x="x", y="y", width=500, height=400))
fig

# %%
print("points", sorted((p["x"], p["y"]) for p in fig.value))
"""


def _wait_for_kernel(page) -> None:
    """The environment is built from PyPI first; skip only when this machine cannot."""
    page.wait_for_function(
        """() => {
        const k = document.querySelector('.kernel');
        const ready = '.rw-chart .output-chart:is([data-state=ready], [data-state=error]), .error-box';
        return (k && k.dataset.kernel === 'dead') || document.querySelector(ready);
    }""",
        timeout=400_000,
    )
    text = page.locator("main").inner_text()
    if page.locator('.kernel[data-kernel="dead"]').count() or "ModuleNotFoundError" in text:
        pytest.skip("altair / pandas / plotly could not be installed into the notebook's environment here")


def _drag(page, x0: float, y0: float, x1: float, y1: float) -> None:
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x1, y1, steps=8)
    page.mouse.up()


def _centre(locator) -> tuple[float, float]:
    box = locator.bounding_box()
    assert box
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def _export_html(page, out: Path) -> Path:
    """Export as HTML: a browser download, or (when the app writes the file beside the
    notebook itself) the file its notice names."""
    downloads: list = []
    page.on("download", lambda d: downloads.append(d))
    page.click("[data-action=export-html]")
    notice = page.locator("[data-export-notice=exported]")
    for _ in range(600):
        if downloads:
            downloads[0].save_as(out)
            return out
        if notice.count():
            return Path(notice.first.get_attribute("data-path") or "")
        page.wait_for_timeout(100)
    raise AssertionError("the export gave neither a download nor a notice")


def test_chart_selections_rerun_their_readers(serve, page, browser, tmp_path):
    server = serve(NOTEBOOK)
    sent: list[str] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda f: sent.append(f) if "set_ui_value" in f else None))
    page.goto(server.url)
    page.wait_for_selector(".cell")
    _wait_for_kernel(page)
    expect(cell(page, 3)).to_contain_text("brushed [] run 0")  # no selection: an empty frame
    expect(cell(page, 7)).to_contain_text("points []")

    # --- a brush on the Vega-Lite scatter: the reader's table shows the rows inside it
    scatter = cell(page, 2).locator(".rw-chart .output-chart")
    expect(scatter).to_have_attribute("data-state", "ready")
    scatter.scroll_into_view_if_needed()
    scatter.evaluate("el => { el.querySelector('svg').dataset.mine = '1'; }")
    symbols = scatter.locator(".mark-symbol path")
    expect(symbols).to_have_count(6)
    (ax, ay), (cx, cy) = _centre(symbols.nth(0)), _centre(symbols.nth(2))  # points a and c
    _drag(page, ax - 12, ay + 12, cx + 12, cy - 12)
    reader = cell(page, 3)
    expect(reader).to_contain_text(re.compile(r"brushed \['a', 'b', 'c'\] run [1-9]"))
    expect(reader.locator(".rw-table tbody tr")).to_have_count(3)  # the filtered frame, as a table
    expect(reader.locator(".rw-table-foot")).to_contain_text("3 rows")
    # the chart was not drawn again (its cell did not re-run, the brush stays where it was)
    assert scatter.evaluate("el => el.querySelector('svg').dataset.mine === '1'")
    shot(page, "chart-selection-brush")

    # --- a click on a Vega-Lite bar: the rows of that bar
    bar_chart = cell(page, 4).locator(".rw-chart .output-chart")
    expect(bar_chart).to_have_attribute("data-state", "ready")
    bar_chart.scroll_into_view_if_needed()
    bars = bar_chart.locator(".mark-rect path")
    expect(bars).to_have_count(2)
    bars.nth(1).click()  # c = "q"
    expect(cell(page, 5)).to_contain_text("picked ['b', 'd', 'f']")

    # the brush's value is still there after other cells ran: re-run its reader by hand
    runs_before = int(re.search(r"run (\d+)", reader.inner_text()).group(1))
    reader.locator(".cm-content").click()
    page.keyboard.press("Shift+Enter")
    expect(reader).to_contain_text(f"brushed ['a', 'b', 'c'] run {runs_before + 1}")
    assert scatter.evaluate("el => el.querySelector('svg').dataset.mine === '1'")

    # --- a Plotly box select: the points inside the box
    plot = cell(page, 6).locator(".rw-chart .output-chart")
    expect(plot).to_have_attribute("data-state", "ready")
    plot.scroll_into_view_if_needed()
    points = plot.locator(".scatterlayer .point")
    expect(points).to_have_count(6)
    (dx, dy), (fx, fy) = _centre(points.nth(3)), _centre(points.nth(5))  # (6, 6) .. (9, 9)
    _drag(page, dx - 10, dy + 10, fx + 10, fy - 10)
    expect(cell(page, 7)).to_contain_text("points [(6, 6), (8, 8), (9, 9)]")
    shot(page, "chart-selection-plotly")
    assert any('"points"' in f for f in sent) and any('"selections"' in f for f in sent)

    # --- the HTML export draws the charts (offline, selection not live)
    out = _export_html(page, tmp_path / "selection.html")
    if ARTIFACTS.is_dir():
        (ARTIFACTS / "chart-selection-export.html").write_bytes(out.read_bytes())
    url = out.resolve().as_uri()
    ctx = browser.new_context(viewport={"width": 1200, "height": 900}, offline=True)
    try:
        pg = ctx.new_page()
        errors: list[str] = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        ctx.route("**/*", lambda r: r.continue_() if r.request.url == url else r.abort())
        pg.goto(url)
        pg.wait_for_selector("html[data-ready='1']")
        charts = pg.locator(".rw-chart .output-chart")
        expect(charts).to_have_count(3)
        for i in range(3):
            expect(charts.nth(i)).to_have_attribute("data-state", "ready")
        expect(charts.nth(0).locator(".mark-symbol path")).to_have_count(6)
        expect(charts.nth(2).locator(".scatterlayer .point")).to_have_count(6)
        assert errors == []
    finally:
        ctx.close()
