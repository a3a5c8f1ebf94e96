"""Jupytext reads Reflow notebooks into the same cells (kinds, sources, options).

Jupytext conventions we compare modulo: it strips one or two trailing blank lines
of a cell (we strip all; they are layout), it records blank-line counts as
``lines_to_next_cell`` metadata, and it reads the text before the first marker
(our header: comments + PEP 723 block, plus a marker-less first code cell) as one
code cell.
"""

import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

jupytext = pytest.importorskip("jupytext")

from reflow.notebook import NotebookFormatError, new_notebook, parse_notebook, render_notebook  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from notebook_strategies import notebooks  # noqa: E402

EXAMPLES = sorted((Path(__file__).resolve().parents[3] / "examples").glob("*.py"))


def _strip(source: str) -> str:
    lines = source.split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


def assert_same_cells(text: str) -> None:
    ours = parse_notebook(text)
    theirs = jupytext.reads(text, fmt="py:percent").cells
    marked = [c for c in ours.cells if c._orig is None or c._orig.marker is not None]
    implicit = [c for c in ours.cells if c._orig is not None and c._orig.marker is None]
    extra = len(theirs) - len(marked)
    assert extra in (0, 1), (len(theirs), len(marked))
    if implicit:
        assert extra == 1
    if extra:
        pre = theirs[0]
        assert pre.cell_type == "code"
        if implicit:
            assert _strip(pre.source).endswith(_strip(implicit[0].source))
        else:  # our header (comments, PEP 723 block), or blank lines jupytext keeps as an empty cell
            assert _strip(pre.source).strip("\n") == _strip(
                ours.header + (ours.metadata.raw if ours.metadata else "")
            ).strip("\n") or (not pre.source.strip() and not ours.header.strip())
    for mine, theirs_cell in zip(marked, theirs[extra:], strict=True):
        assert theirs_cell.cell_type == mine.kind
        assert _strip(theirs_cell.source) == _strip(mine.source)
        meta = {k: v for k, v in theirs_cell.metadata.items() if k not in ("lines_to_next_cell", "cell_marker")}
        assert meta == mine.options


HAND_WRITTEN = [
    "# %%\nx = 1\n",
    "#%%\nx = 1\n#%% [markdown]\n# hi\n",
    '# /// script\n# requires-python = ">=3.11"\n# ///\n\n# %%\nx = 1\n\n\n\n# %%\ny = 2\n',
    "import os\n\n# %%\nprint(os.sep)\n",
    "# comment only header\n\n# %% [markdown]\n# text\n#\n#   indented\n",
    's = """\n# %%\n"""\n\n# %%\nt = 1\n',
    "# %% [markdown]\n# ```python\n# # %%\n# x = 1\n# ```\n\n# %%\ny = 1\n",
    '# %% Title hide_code=true disabled=true\nx = 1\n# %% Other [markdown] n=3 name="a b"\n# text\n',
    "# %%\r\nx = 1\r\n\r\n# %%\r\ny = 2\r\n",
    "# %%\nx = 1",
    "# %%\n\n\nx = 1\n\n\n",
    "  # %% indented marker\nx\n",
    "# %%\ndef f():\n    # %% inside a function\n    return 1\n",
    "",
]


@pytest.mark.parametrize("text", HAND_WRITTEN)
def test_hand_written(text):
    assert_same_cells(text)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples(path):
    assert_same_cells(path.read_text(encoding="utf-8"))


def test_new_notebook():
    assert_same_cells(render_notebook(new_notebook()))


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(notebooks())
def test_generated_notebooks(nb):
    assert_same_cells(render_notebook(nb))


LINES = [
    "# %%",
    "#%%",
    "# %% [markdown]",
    "# %% Title",
    "# %% hide_code=true",
    '# %% T [markdown] k="a b" n=3',
    "x = 1",
    "def f():",
    "    return 1",
    "s = 'a'",
    "'''",
    '"""',
    "# ```",
    "# ~~~",
    "# comment",
    "#",
    "# ",
    "#no space",
    "",
    "",
    "x = 1  # %% no",
]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much], deadline=None)
@given(st.lists(st.sampled_from(LINES), max_size=25))
def test_generated_texts(lines):
    text = "\n".join(lines) + "\n"
    try:
        parse_notebook(text)
    except NotebookFormatError:
        assume(False)
    assert_same_cells(text)
