"""The few rules a reader needs before the reference: hand-written, short, on the same page."""

from __future__ import annotations

# (title, text in the docstring dialect render.py reads: paragraphs, ``code``, "* " lists)
GUIDE: tuple[tuple[str, str], ...] = (
    (
        "Markdown cells are static text",
        """A markdown cell (``# %% [markdown]``) is prose: it interpolates nothing, so ``{name}`` in it
stays ``{name}``, and it never runs code or depends on a global. This is on purpose -- a markdown
cell is a comment in the ``.py`` file, and prose that quietly read variables would be code nobody sees.

To show values, end a code cell with ``reflow.md(f"...")``: it is reactive like any cell (it
re-runs when the names it reads change), and elements inside it stay live:

    reflow.md(f"Mean of {n} samples: **{mean:.2f}**, speed {slider}")

Math works in both: ``$e^{i\\pi} + 1 = 0$`` inline, ``$$...$$`` displayed (KaTeX, offline). A
dollar in prose stays a dollar (``$5 and $10``); write ``\\$`` to be explicit. In
``reflow.md(f"...")`` double the braces TeX needs: ``$x^{{2}}$``.""",
    ),
    (
        "How cells run",
        """A cell re-runs when a global it reads changes, in dependency order, not only top to
bottom. Each global is defined by one cell; to show a value, end the cell with it. Packages go in
the ``# /// script`` block at the top (PEP 723): the notebook gets its own environment.""",
    ),
)
