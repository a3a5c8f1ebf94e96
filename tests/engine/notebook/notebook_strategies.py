"""Hypothesis strategies shared by the notebook tests (not a test module)."""

import re

from hypothesis import strategies as st

from reflow.notebook import Cell, Notebook
from reflow.notebook.markers import is_marker

# Sources that stay one cell whatever surrounds them: no markers, no quotes, no blank edges.
safe_line = st.text(alphabet="abcxyz019 =+-*()[]:#.,_é", max_size=15).filter(lambda s: not is_marker(s))


@st.composite
def safe_source(draw, kind="code"):
    lines = draw(st.lists(safe_line, min_size=1, max_size=6))
    src = "\n".join(lines)
    src = re.sub(r"^(\s*\n)+", "", src).rstrip()
    if kind == "code":
        src = "\n".join(line.rstrip() if not line.strip() else line for line in src.split("\n"))
    return src


def normalized(cell_source: str) -> str:
    lines = cell_source.split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


cell_st = st.builds(
    lambda kind, src, opts: (kind, src, opts),
    st.sampled_from(["code", "markdown"]),
    st.just(None),
    st.dictionaries(
        st.sampled_from(["hide_code", "disabled", "title", "label", "n"]),
        st.one_of(
            st.booleans(),
            st.integers(-5, 5),
            st.text(alphabet="abc xy", min_size=1, max_size=8).map(str.strip).filter(bool),
        ),
        max_size=3,
    ),
)


@st.composite
def notebooks(draw):
    cells = []
    for kind, _, opts in draw(st.lists(cell_st, max_size=8)):
        if "title" in opts:
            opts["title"] = str(opts["title"]).replace("=", "").strip() or "T"
            if opts["title"] in ("True", "False") or opts["title"].lstrip("-").isdigit():
                opts["title"] = "T"
        src = draw(st.one_of(st.just(""), safe_source(kind)))
        cells.append(Cell(kind=kind, source=src, options=opts))
    return Notebook(cells=cells)
