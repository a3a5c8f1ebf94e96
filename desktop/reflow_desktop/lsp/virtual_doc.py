"""One virtual Python document made of cells, and the position map cell <-> virtual line both ways.

Each cell occupies whole lines: cell ``i`` starts at virtual line ``start[i]`` and spans its own line
count (``code.split("\\n")``), so a cell's ``(line, character)`` maps to ``(start + line, character)``
and back. Characters are passed through untouched: both CodeMirror and LSP count UTF-16 code units.
Cells the server must not see (markdown, SQL) are simply not in ``cells``.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class CellPosition:
    """A position inside one cell: 0-based line, UTF-16 character."""

    cell_id: str
    line: int
    character: int


@dataclass(frozen=True)
class VirtualDocument:
    """The cells' code joined line by line, in the given order, with the map from and to cells."""

    cells: tuple[tuple[str, str], ...]  # (cell id, code) in execution order
    starts: tuple[int, ...] = field(init=False)
    text: str = field(init=False)

    def __post_init__(self) -> None:
        starts: list[int] = []
        lines: list[str] = []
        for _cid, code in self.cells:
            starts.append(len(lines))
            lines.extend(code.split("\n"))
        object.__setattr__(self, "starts", tuple(starts))
        object.__setattr__(self, "text", "\n".join(lines) + "\n" if lines else "")

    @classmethod
    def of(cls, cells: Sequence[tuple[str, str]]) -> VirtualDocument:
        return cls(tuple((cid, code.replace("\r\n", "\n").replace("\r", "\n")) for cid, code in cells))

    @property
    def line_count(self) -> int:
        return self.text.count("\n")

    def index_of(self, cell_id: str) -> int | None:
        for i, (cid, _code) in enumerate(self.cells):
            if cid == cell_id:
                return i
        return None

    def lines_of(self, index: int) -> int:
        return self.cells[index][1].count("\n") + 1

    def to_virtual(self, cell_id: str, line: int, character: int) -> tuple[int, int] | None:
        """A cell position as (virtual line, character); None for a cell not in the document or a bad line."""
        i = self.index_of(cell_id)
        if i is None or not 0 <= line < self.lines_of(i) or character < 0:
            return None
        return self.starts[i] + line, character

    def to_cell(self, line: int, character: int) -> CellPosition | None:
        """A virtual position back in its cell; None past the end (or before the start)."""
        if not self.cells or line < 0 or character < 0:
            return None
        i = bisect.bisect_right(self.starts, line) - 1
        if i < 0:
            return None
        local = line - self.starts[i]
        if local >= self.lines_of(i):
            return None
        return CellPosition(self.cells[i][0], local, character)

    def code_by_cell(self, text: str) -> dict[str, str] | None:
        """Split a same-shaped virtual text (edits that kept every line count, as a rename) back into cells.

        None when the line count changed: the edit cannot be put back cell by cell safely.
        """
        lines = text.split("\n") if text else []
        if text.endswith("\n"):
            lines.pop()
        if len(lines) != sum(self.lines_of(i) for i in range(len(self.cells))):
            return None
        return {
            cid: "\n".join(lines[start : start + self.lines_of(i)])
            for i, ((cid, _c), start) in enumerate(zip(self.cells, self.starts, strict=True))
        }


def line_change(old: str, new: str) -> tuple[int, int, str] | None:
    """The one line range that differs between two texts: (first line, end line in ``old``, new text).

    What an incremental ``didChange`` sends: replace lines ``first..end`` (end exclusive, as a range
    ``(first, 0) .. (end, 0)``) with the returned text. None when nothing changed. Both texts are
    empty or end with a newline (as every ``VirtualDocument.text``), so the last lines always match.
    """
    if old == new:
        return None
    a = old.split("\n")
    b = new.split("\n")
    head = 0
    while head < min(len(a), len(b)) - 1 and a[head] == b[head]:  # the last line is left for the tail
        head += 1
    tail = 0
    while tail < len(a) - head and tail < len(b) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    end = len(a) - tail
    return head, end, "".join(line + "\n" for line in b[head : len(b) - tail])
