"""Text → Notebook for the percent format, keeping every byte for round trips.

Layout of a file: a header (shebang, comments, the PEP 723 block, blank lines),
then cells. Each cell is a marker line, its content lines, and a gap of blank
lines before the next marker. Code before the first marker (a plain script)
becomes a first code cell without a marker.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from .errors import NotebookFormatError
from .limits import invalid_text
from .markers import find_markers, parse_marker, uncomment
from .model import Cell, Notebook, ScriptMetadata, _Layout, _OrigCell
from .pep723 import BlockSpan, find_block, parse_block


def split_lines(text: str) -> list[str]:
    """Lines with their endings; only ``\\n`` ends a line (``\\r\\n`` stays intact)."""
    parts = text.split("\n")
    lines = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _bare(line: str) -> str:
    if line.endswith("\n"):
        line = line[:-1]
    if line.endswith("\r"):
        line = line[:-1]
    return line


def _is_blank(bare: str) -> bool:
    return not bare.strip()


def _is_comment(bare: str) -> bool:
    return bare.lstrip().startswith("#")


def parse_notebook(text: str) -> Notebook:
    """Parse a notebook file's text; raises NotebookFormatError with a 1-based line."""
    bad = invalid_text(text)
    if bad is not None:
        offset, what = bad
        hint = "it looks like a binary file, not a notebook" if "NUL" in what else "the text is not valid Unicode"
        raise NotebookFormatError(f"the file contains {what}; {hint}", text.count("\n", 0, offset) + 1)
    lines = split_lines(text)
    bare = [_bare(line) for line in lines]
    markers = find_markers(bare)
    first = markers[0] if markers else len(lines)

    span = find_block(bare)
    metadata = None
    skip: int | None = None  # a marker line above the block, dropped (Jupytext's first cell)
    if span is not None and _in_first_code_cell(bare, markers, span):
        skip = markers.pop(0)
        first = markers[0] if markers else len(lines)
    if span is not None:
        if span.start >= first:
            raise NotebookFormatError(
                "the '# /// script' block must come before the first cell marker ('# %%')",
                span.start + 1,
            )
        for i in range(span.start):
            if not (_is_blank(bare[i]) or _is_comment(bare[i])):
                raise NotebookFormatError(
                    f"code on line {i + 1} comes before the '# /// script' block; "
                    "move the block to the top of the file",
                    span.start + 1,
                )
        metadata = ScriptMetadata(raw="".join(lines[span.start : span.end + 1]), data=parse_block(bare, span))

    # Header: comments, blank lines and the block; code before the first marker is a cell.
    h = 0
    while h < first and (_is_blank(bare[h]) or _is_comment(bare[h])):
        h += 1
    floor = span.end + 1 if span is not None else _magic_lines(bare[:first])
    if h < first:
        while h > floor and not _is_blank(bare[h - 1]) and _is_comment(bare[h - 1]):
            h -= 1
    layout = _Layout(newline="\r\n" if lines and lines[0].endswith("\r\n") else "\n")
    if span is not None:
        layout.before = "".join(line for i, line in enumerate(lines[: span.start]) if i != skip)
        layout.block = metadata.raw if metadata else None
        layout.after = "".join(lines[span.end + 1 : h])
    else:
        layout.before = "".join(lines[:h])

    starts = ([h] if h < first else []) + markers
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    cells: list[Cell] = []
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(lines)
        has_marker = start >= first
        if has_marker:
            kind, options = parse_marker(bare[start], start + 1)
            marker = lines[start]
            body_start = start + 1
        else:
            kind, options, marker, body_start = "code", {}, None, start
        body_end = end
        while body_end > body_start and _is_blank(bare[body_end - 1]):
            body_end -= 1
        content = bare[body_start:body_end]
        quote = _docstring_quotes(content) if kind == "markdown" else None
        if quote:
            text = "\n".join(content).strip()
            left = len(quote[0]) - quote[0].endswith("\n")
            source = text[left : len(text) - len(quote[1]) + quote[1].startswith("\n")]
            source = source[1:] if quote[0].endswith("\n") else source
            source = source[:-1] if quote[1].startswith("\n") else source
        else:
            if kind == "markdown" or options.get("language") == "sql":  # SQL lines are commented out too
                content = [uncomment(line) for line in content]
            source = "\n".join(content)
        cell = Cell(kind="markdown" if kind == "markdown" else "code", source=source, options=options)
        cell._orig = _OrigCell(
            kind=kind,
            source=source,
            options=_copy(options),
            marker=marker,
            body="".join(lines[body_start:body_end]),
            gap="".join(lines[body_end:end]),
            was_last=k == len(starts) - 1,
            line=start + 1,
            body_offset=offsets[body_start],
            gap_offset=offsets[body_end],
            quote=quote,
        )
        cells.append(cell)
    return Notebook(metadata=metadata, cells=cells, _layout=layout)


def _in_first_code_cell(bare: list[str], markers: list[int], span: BlockSpan) -> bool:
    """Is the block inside the first cell, a code cell (how Jupytext writes a header back)?

    ``jupytext --to ipynb`` makes the text above the first marker a code cell; writing
    that notebook back as py:percent puts ``# %%`` above it. Such a file is read as if
    the marker were not there (and saved without it).
    """
    if not markers or not markers[0] < span.start:
        return False
    if len(markers) > 1 and markers[1] < span.end:
        return False
    return parse_marker(bare[markers[0]], markers[0] + 1)[0] == "code"


_CODING = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*[-_.a-zA-Z0-9]+")


def _magic_lines(bare: list[str]) -> int:
    """How many leading lines are a shebang / encoding declaration (always header)."""
    n = 0
    if bare and bare[0].startswith("#!"):
        n = 1
    if len(bare) > n and n < 2 and _CODING.match(bare[n]):
        n += 1
    return n


def _docstring_quotes(content: list[str]) -> tuple[str, str] | None:
    """Jupytext reads a markdown cell that is one triple-quoted string as its inner text.

    Returns (left, right) delimiters, with the newline they include, or None.
    """
    text = "\n".join(content).strip()
    for prefix in ("", "r", "R"):
        for triple in ('"""', "'''"):
            left, right = prefix + triple, triple
            if text.startswith(left) and text.endswith(right) and len(text) >= len(left + right):
                inner = text[len(left) : -len(right)]
                if inner.startswith("\n"):
                    left += "\n"
                    inner = inner[1:]
                if inner.endswith("\n"):
                    right = "\n" + right
                return left, right
    return None


def _copy(options: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(options)
