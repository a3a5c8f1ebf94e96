"""Notebook → text: untouched parts byte for byte, changed cells canonically."""

from __future__ import annotations

from .errors import NotebookFormatError
from .markers import render_marker
from .model import Cell, Notebook
from .pep723 import parse_block_text, render_block


def _block_text(nb: Notebook) -> str | None:
    """The metadata block: its raw text while it still says what ``data`` says."""
    md = nb.metadata
    if md is None:
        return None
    try:
        if parse_block_text(md.raw) == md.data:
            return md.raw
    except NotebookFormatError:
        pass
    return render_block(md.data, nb._layout.newline)


def render_body(cell: Cell, newline: str = "\n") -> str:
    """Canonical content lines of a cell (markdown gets the ``# `` prefix)."""
    source = cell.source
    if not source:
        return ""
    if cell.kind == "markdown" or cell.options.get("language") == "sql":  # SQL stays a comment in the script
        lines = [f"# {line}" if line else "#" for line in source.split("\n")]
    else:
        if source.endswith("\n"):
            source = source[:-1]
        lines = source.split("\n")
    return newline.join(lines) + newline


class _Out:
    """Accumulates text, starting each new piece on a fresh line."""

    def __init__(self, newline: str) -> None:
        self.parts: list[str] = []
        self.newline = newline
        self.last = ""

    def line_piece(self, text: str) -> None:
        if not text:
            return
        if self.last and not self.last.endswith("\n"):
            self.parts.append(self.newline)
        self.parts.append(text)
        self.last = text

    def text(self) -> str:
        return "".join(self.parts)


def render_notebook(nb: Notebook) -> str:
    """Text of the notebook; ``parse → render`` reproduces the input exactly."""
    layout = nb._layout
    nl = layout.newline
    out = _Out(nl)
    block = _block_text(nb)
    if layout.block is not None:
        out.line_piece(layout.before)
        out.line_piece(block or "")
        out.line_piece(layout.after)
    else:
        before = layout.before
        if block is not None:
            if before.startswith("#!"):  # keep a shebang on the first line
                shebang, _, before = before.partition("\n")
                out.line_piece(shebang + "\n")
            out.line_piece(block)
            if nb.cells or before:
                out.line_piece(nl)
        out.line_piece(before)
    n = len(nb.cells)
    for i, cell in enumerate(nb.cells):
        o = cell._orig
        last = i == n - 1
        same_head = o is not None and cell.kind == o.kind and cell.options == o.options
        same_body = o is not None and cell.kind == o.kind and cell.source == o.source
        if o is not None and same_head and o.marker is not None:
            out.line_piece(o.marker)
        elif not (o is not None and same_head and same_body and o.marker is None and i == 0):
            out.line_piece(render_marker(cell.kind, cell.options) + nl)
        if o is not None and same_body:
            body = o.body
        elif (
            o is not None
            and same_head
            and o.quote
            and cell.kind == "markdown"
            and o.quote[1].strip() not in cell.source
        ):
            body = (o.quote[0] + cell.source + o.quote[1]).replace("\n", nl) + nl
        else:
            body = render_body(cell, nl)
        out.line_piece(body)
        if last:
            if o is not None and o.was_last:
                out.line_piece(o.gap)
        else:
            out.line_piece(o.gap if o is not None and not o.was_last else nl)
    return out.text()
