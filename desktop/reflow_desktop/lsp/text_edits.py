"""Apply LSP text edits (UTF-16 positions, as the protocol counts) to a Python string."""

from __future__ import annotations

from collections.abc import Sequence

from reflow_desktop.lsp.wire import Position, TextEdit


def _offset(lines: list[str], starts: list[int], pos: Position) -> int:
    """The string index of an LSP position (clamped to the document, as servers expect)."""
    if pos.line >= len(lines):
        return starts[-1] + len(lines[-1])
    line = lines[pos.line]
    units = 0
    for i, ch in enumerate(line):
        if units >= pos.character:
            return starts[pos.line] + i
        units += 2 if ord(ch) > 0xFFFF else 1
    return starts[pos.line] + len(line)


def apply_edits(text: str, edits: Sequence[TextEdit]) -> str:
    """``text`` with every edit made; overlapping edits raise ValueError (nothing half-applied)."""
    lines = text.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    spans = sorted(
        ((_offset(lines, starts, e.range.start), _offset(lines, starts, e.range.end), e.new_text) for e in edits),
        key=lambda s: (s[0], s[1]),
    )
    out: list[str] = []
    at = 0
    for begin, end, new in spans:
        if begin < at or end < begin:
            raise ValueError("overlapping or reversed edits")
        out += [text[at:begin], new]
        at = end
    out.append(text[at:])
    return "".join(out)
