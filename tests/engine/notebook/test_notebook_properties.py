"""Hypothesis properties: byte-exact round trip, and an edit touches only its cell."""

import sys
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from reflow.notebook import NotebookFormatError, parse_notebook, render_notebook
from reflow.notebook.markers import is_marker  # noqa: F401
from reflow.notebook.render import render_body

sys.path.insert(0, str(Path(__file__).parent))
from notebook_strategies import normalized, notebooks, safe_source

LINES = [
    "# %%",
    "#%%",
    "# %% [markdown]",
    "# %% [md]",
    "# %% Title",
    "# %% hide_code=true",
    '# %% Some title [markdown] key="a b" n=3',
    "  # %% indented",
    "# In[1]:",
    "# <codecell>",
    '# %% {"a": 1}',
    "# %% name=foo",
    "# %% [raw]",
    "x = 1",
    "y = x + 1",
    "def f():",
    "    return 1",
    "print('hi')",
    "s = 'a'",
    't = "b"',
    "'''",
    '"""',
    'd = """',
    "```",
    "# ```",
    "~~~",
    "# ~~~",
    "# comment",
    "#",
    "# ",
    "#no space",
    "# # heading",
    "",
    "",
    "",
    "   ",
    "\t",
    "\x0c",
    "#!/usr/bin/env python",
    "# -*- coding: utf-8 -*-",
    "# ---",
    "# /// script",
    "# ///",
    '# requires-python = ">=3.11"',
    "# dependencies = []",
    "# [tool.reflow]",
    '# runtime = "lazy"',
    "é ü 中文",
    "x = 1  # %% not a marker",
]

line_st = st.one_of(st.sampled_from(LINES), st.text(alphabet=st.characters(blacklist_characters="\n\x00"), max_size=20))


@st.composite
def texts(draw):
    lines = draw(st.lists(line_st, max_size=30))
    endings = draw(st.lists(st.sampled_from(["\n", "\r\n", "\n"]), min_size=len(lines), max_size=len(lines)))
    text = "".join(line + end for line, end in zip(lines, endings, strict=True))
    if draw(st.booleans()) and text.endswith("\n"):
        text = text[:-1]
    return text


def _parse_or_skip(text):
    try:
        return parse_notebook(text)
    except NotebookFormatError:
        assume(False)


@settings(max_examples=600, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(texts())
def test_round_trip_generated(text):
    assert render_notebook(_parse_or_skip(text)) == text


@settings(max_examples=300, suppress_health_check=[HealthCheck.filter_too_much])
@given(st.text())
def test_round_trip_any_text(text):
    assert render_notebook(_parse_or_skip(text)) == text


@settings(max_examples=400, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(texts(), st.data())
def test_edit_touches_only_that_cell(text, data):
    nb = _parse_or_skip(text)
    assume(nb.cells)
    i = data.draw(st.integers(0, len(nb.cells) - 1))
    cell = nb.cells[i]
    o = cell._orig
    assume(o.marker is not None)  # a marker-less first cell gains a marker when edited
    new = data.draw(safe_source(cell.kind))
    assume(new.strip() and new != cell.source)
    cell.source = new
    out = render_notebook(nb)
    prefix, suffix = text[: o.body_offset], text[o.gap_offset :]
    assert out.startswith(prefix)
    if o.was_last or suffix.startswith(("\n", "\r\n")) or not suffix:
        assert out.endswith(suffix)
        middle = out[len(prefix) : len(out) - len(suffix)]
        if not o.quote:
            assert middle.strip("\r\n") == render_body(cell, nb._layout.newline).strip("\r\n")
    again = parse_notebook(out)
    assert [c.kind for c in again.cells] == [c.kind for c in nb.cells]
    assert again.cells[i].source == new
    for j, (a, b) in enumerate(zip(again.cells, nb.cells, strict=True)):
        if j != i:
            assert a.source == b.source and a.options == b.options


@settings(max_examples=300)
@given(notebooks())
def test_new_cells_parse_back(nb):
    text = render_notebook(nb)
    again = parse_notebook(text)
    assert [(c.kind, c.source, c.options) for c in again.cells] == [
        (c.kind, normalized(c.source) if c.kind == "code" else c.source, c.options) for c in nb.cells
    ]
    assert render_notebook(again) == text
