"""HTML export of charts: the Vega / Plotly code is inlined only into pages whose
outputs have such charts, every inlined script is allowed by its hash, and a page
opened offline draws Vega and Vega-Lite charts without a single request."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import pytest
from helpers import CHROMIUM, CHROMIUM_ARGS, chromium_or_skip

from reflow.notebook import parse_notebook
from reflow_desktop.exporting.html import CHART_BUNDLES, BundleMissingError, bundle_dir, render_html
from reflow_desktop.exporting.outputs import data, stream

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAEklEQVR4nGP4z8CAB+GTG8HSALfKY52fTcuYAAAAAElFTkSuQmCC"

VEGA_LITE = {
    "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
    "data": {"values": [{"a": "x", "b": 3}, {"a": "y", "b": 5}]},
    "mark": {"type": "bar", "tooltip": True},
    "encoding": {"x": {"field": "a", "type": "nominal"}, "y": {"field": "b", "type": "quantitative"}},
}
# a plain Vega spec (what vega.v5 MIME bundles carry), with an expression (no eval under the CSP)
VEGA = {
    "$schema": "https://vega.github.io/schema/vega/v5.json",
    "width": 200,
    "height": 100,
    "data": [
        {"name": "t", "values": [{"v": 1}, {"v": 4}, {"v": 2}]},
        {"name": "d", "source": "t", "transform": [{"type": "formula", "as": "w", "expr": "datum.v * 10"}]},
    ],
    "scales": [
        {"name": "x", "type": "band", "domain": {"data": "d", "field": "v"}, "range": "width"},
        {"name": "y", "type": "linear", "domain": {"data": "d", "field": "w"}, "range": "height"},
    ],
    "marks": [
        {
            "type": "rect",
            "from": {"data": "d"},
            "encode": {
                "enter": {
                    "x": {"scale": "x", "field": "v"},
                    "width": {"scale": "x", "band": 1},
                    "y": {"scale": "y", "field": "w"},
                    "y2": {"scale": "y", "value": 0},
                }
            },
        }
    ],
}
# data from a URL (as alt.Chart("https://…") makes): an exported page must not fetch it
VEGA_LITE_URL = {
    "data": {"url": "https://example.invalid/cars.json"},
    "mark": "point",
    "encoding": {"x": {"field": "hp", "type": "quantitative"}},
}
PLOTLY = {"data": [{"type": "bar", "x": ["a", "b"], "y": [1, 2]}], "layout": {"width": 400, "height": 300}}


def _chart_js(name: str) -> str:
    try:
        d = bundle_dir()
    except BundleMissingError:
        pytest.skip("ui/build/export is not built (npm run build in ui/)")
    f = d / CHART_BUNDLES[name][0]
    if not f.is_file():
        pytest.skip(f"{f.name} is not built (npm run build in ui/)")
    return f.read_text(encoding="utf-8")


def _page(*bundles: dict) -> str:
    nb = parse_notebook("".join(f"# %%\nx{i} = {i}\n\n" for i in range(len(bundles))))
    outs = {c.id: [data(b)] for c, b in zip(nb.cells, bundles, strict=True)}
    return render_html(nb, outs, name="charts.py")


def _scripts(page: str) -> list[str]:
    """The executable inline scripts (not the JSON state)."""
    return re.findall(r"<script>(.*?)</script>", page, flags=re.S)


def _csp_hashes(page: str) -> set[str]:
    """The page's own script hashes in its CSP (the output frames' sizer, which they inherit, is checked apart)."""
    from reflow_desktop.exporting.html import bundle_dir
    from reflow_desktop.server.csp import script_hashes

    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    allowed = set(re.search(r"script-src ([^;]+);", csp).group(1).split())
    frame_hashes = set(script_hashes(bundle_dir()))
    assert frame_hashes and frame_hashes <= allowed
    return allowed - frame_hashes


def _hash(js: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(js.encode("utf-8")).digest()).decode() + "'"


def test_a_notebook_without_charts_carries_no_chart_code():
    vega_js, plotly_js = _chart_js("vega"), _chart_js("plotly")
    page = _page(
        {"text/plain": "42"}, {"text/html": "<b>hi</b>", "image/png": PNG}, {"application/json": {"a": [1, 2]}}
    )
    assert len(page.encode("utf-8")) < 400_000
    assert len(_scripts(page)) == 1
    assert vega_js[:2000] not in page and plotly_js[:2000] not in page
    assert "var ReflowChartVega=" not in page and "var ReflowChartPlotly=" not in page
    assert "vega-embed" not in page and "plotly.js" not in page.lower()
    assert _csp_hashes(page) == {_hash(_scripts(page)[0])}


@pytest.mark.parametrize(
    "mime",
    [
        "application/vnd.vegalite.v5+json",
        "application/vnd.vegalite.v6+json",
        "application/vnd.vega.v5+json",
        "application/vnd.vegalite.v4+json",
    ],
)
def test_a_vega_chart_brings_vega_only(mime):
    vega_js, plotly_js = _chart_js("vega"), _chart_js("plotly")
    page = _page({mime: VEGA if ".vega." in mime else VEGA_LITE, "text/plain": "<Chart>"})
    scripts = _scripts(page)
    assert len(scripts) == 2 and scripts[0] == vega_js.replace("</script", "<\\/script")
    assert plotly_js[:2000] not in page
    assert _csp_hashes(page) == {_hash(s) for s in scripts}


def test_a_plotly_figure_brings_plotly_only_and_both_come_together():
    vega_js, plotly_js = _chart_js("vega"), _chart_js("plotly")
    page = _page({"application/vnd.plotly.v1+json": PLOTLY, "text/html": "<div>cdn</div>"})
    assert len(_scripts(page)) == 2 and plotly_js[:2000] in page and vega_js[:2000] not in page
    both = _page({"application/vnd.plotly.v1+json": PLOTLY}, {"application/vnd.vegalite.v5+json": VEGA_LITE})
    scripts = _scripts(both)
    assert len(scripts) == 3 and _csp_hashes(both) == {_hash(s) for s in scripts}
    # the chart libraries come before the page script that draws with them
    assert both.index(scripts[2]) > both.index(scripts[0]) and both.index(scripts[2]) > both.index(scripts[1])


def test_a_chart_inside_a_layout_is_found():
    _chart_js("vega")
    layout = {
        "application/vnd.reflow.layout+json": {
            "kind": "hstack",
            "children": [{"application/vnd.vegalite.v5+json": VEGA_LITE, "text/plain": "chart"}],
        }
    }
    assert len(_scripts(_page(layout))) == 2


def test_text_that_mentions_a_chart_type_is_not_a_chart():
    _chart_js("vega")
    nb = parse_notebook("# %%\nprint('application/vnd.plotly.v1+json')\n")
    page = render_html(nb, {nb.cells[0].id: [stream("stdout", "application/vnd.plotly.v1+json is plotly\n")]})
    assert len(_scripts(page)) == 1


@pytest.mark.e2e
def test_vega_and_vega_lite_draw_offline_under_the_csp(tmp_path: Path):
    sync_api = pytest.importorskip("playwright.sync_api")
    chromium_or_skip()
    _chart_js("vega")
    out = tmp_path / "charts.html"
    out.write_text(
        _page(
            {"application/vnd.vega.v5+json": VEGA},
            {"application/vnd.vegalite.v6+json": VEGA_LITE},
            {"application/vnd.vegalite.v5+json": VEGA_LITE_URL},
        ),
        encoding="utf-8",
    )
    url = out.resolve().as_uri()
    attempted: list[str] = []
    console: list[str] = []
    errors: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(offline=True)
            context.route("**/*", lambda r: r.continue_() if r.request.url == url else r.abort())
            page = context.new_page()
            page.on("request", lambda r: attempted.append(r.url))
            page.on("console", lambda m: console.append(m.text))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(url)
            page.wait_for_selector("html[data-ready='1']")
            charts = page.locator(".output-chart.chart-vega")
            assert charts.count() == 3
            for i in range(2):
                sync_api.expect(charts.nth(i)).to_have_attribute("data-state", "ready")
            # the Vega spec's formula (an expression, evaluated without eval) set the bar heights
            assert page.locator(".output-chart").nth(0).locator(".mark-rect path").count() == 3
            assert page.locator(".output-chart").nth(1).locator(".mark-rect path").count() == 2
            # the URL chart draws its frame without data (the refusal is logged, not fetched)
            page.wait_for_timeout(500)
            assert page.locator(".output-chart").nth(2).locator(".mark-symbol path").count() == 0
        finally:
            browser.close()
    assert errors == []
    assert not [m for m in console if "Content Security Policy" in m or "unsafe-eval" in m], console
    assert [u for u in attempted if u != url and not u.startswith(("data:", "blob:"))] == []
