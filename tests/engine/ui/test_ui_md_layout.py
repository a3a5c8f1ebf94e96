"""reflow.md with live elements, and the layout helpers."""

from __future__ import annotations

import json

import reflow
from reflow.layout import LAYOUT_MIME
from reflow.md import MD_MIME


def test_plain_markdown_has_no_widget_payload():
    m = reflow.md("""
        # Title
        some *text*
    """)
    bundle = m._repr_mimebundle_()
    assert bundle["text/markdown"] == "# Title\nsome *text*"
    assert MD_MIME not in bundle


def test_fstring_embeds_live_elements():
    s = reflow.ui.slider(0, 10, value=4)
    m = reflow.md(f"Speed {s} and value {s.value}")
    bundle = m._repr_mimebundle_()
    payload = bundle[MD_MIME]
    assert s.element_id in payload["elements"]
    assert payload["elements"][s.element_id]["kind"] == "slider"
    assert f'data-reflow-el="{s.element_id}"' in payload["text"]
    assert 'type="range"' in bundle["text/markdown"]  # static stand-in for exports
    assert "value 4" in bundle["text/plain"] and "slider" in bundle["text/plain"]
    json.dumps(bundle)


def test_format_style_interpolation():
    t = reflow.ui.text("hi")
    bundle = reflow.md("Name: {name}, n={n}", name=t, n=3)._repr_mimebundle_()
    assert t.element_id in bundle[MD_MIME]["elements"] and "n=3" in bundle[MD_MIME]["text"]


def test_layouts_carry_child_bundles():
    s = reflow.ui.slider(0, 1)
    h = reflow.hstack([s, "**bold**", 42], gap=1)
    bundle = h._repr_mimebundle_()
    payload = bundle[LAYOUT_MIME]
    assert payload["kind"] == "hstack" and payload["props"]["gap"] == 1
    kinds = [next(iter(c)) for c in payload["children"]]
    assert "application/vnd.reflow.ui+json" in payload["children"][0]
    assert payload["children"][1]["text/markdown"] == "**bold**"
    assert payload["children"][2]["text/plain"] == "42"
    assert "flex" in bundle["text/html"]
    assert len(kinds) == 3
    json.dumps(bundle)


def test_tabs_accordion_callout_vstack():
    tabs = reflow.tabs({"One": "a", "Two": reflow.ui.checkbox()})._repr_mimebundle_()[LAYOUT_MIME]
    assert tabs["labels"] == ["One", "Two"] and len(tabs["children"]) == 2
    acc = reflow.accordion({"More": "hidden"})._repr_mimebundle_()
    assert "<details" in acc["text/html"]
    call = reflow.callout("careful", kind="warn")._repr_mimebundle_()[LAYOUT_MIME]
    assert call["props"]["kind"] == "warn"
    v = reflow.vstack([reflow.md("x"), reflow.hstack(["a", "b"])])._repr_mimebundle_()[LAYOUT_MIME]
    assert LAYOUT_MIME in v["children"][1] or "text/plain" in v["children"][1]
