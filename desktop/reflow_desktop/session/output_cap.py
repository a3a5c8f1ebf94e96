"""A cell's outputs stay bounded: keep the head and the tail, say how much was dropped between.

A cell that prints without end would otherwise grow the session's memory, the sidecar file and
every page that (re)connects. The first ``HEAD_OUTPUTS`` outputs (``HEAD_CHARS`` of text) are
kept as they came; after that a marker output says how much was dropped, and only the latest
``TAIL_OUTPUTS`` (``TAIL_CHARS``) are kept after it. One huge stream chunk keeps its own first and
last ``TAIL_CHARS // 2`` characters. The page truncates what it *shows* on its own (ui/src/mime.ts).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

HEAD_OUTPUTS = 1000
TAIL_OUTPUTS = 1000
HEAD_CHARS = 1_000_000
TAIL_CHARS = 1_000_000

Output = dict[str, Any]


@dataclass
class OutputCap:
    """The bookkeeping of one cell's capped output list (reset with the outputs)."""

    head_chars: int = 0
    marker: int | None = None  # index of the "dropped" marker in the list, once there is one
    tail_chars: int = 0
    dropped: int = 0
    dropped_lines: int = 0
    dropped_chars: int = 0
    # a clipped chunk in the list (by id) -> the lines and characters it stood for, so dropping it
    # later counts what was printed, not what the clip kept of it
    _clipped: dict[int, tuple[int, int]] = field(default_factory=dict)

    def append(self, outputs: list[Output], out: Output) -> None:
        """Append ``out`` to ``outputs`` (in place), dropping from the middle to stay within the caps."""
        whole = out
        out = _clip(out)
        if out is not whole:
            text = _text(whole)
            self._clipped[id(out)] = (text.count("\n"), len(text))
        size = _size(out)
        if self.marker is None:
            if len(outputs) < HEAD_OUTPUTS and self.head_chars + size <= HEAD_CHARS:
                outputs.append(out)
                self.head_chars += size
                return
            self.marker = len(outputs)
            outputs.append(self._marker())
        outputs.append(out)
        self.tail_chars += size
        start = self.marker + 1
        while len(outputs) - start > 1 and (len(outputs) - start > TAIL_OUTPUTS or self.tail_chars > TAIL_CHARS):
            old = outputs.pop(start)
            old_size = _size(old)
            self.tail_chars -= old_size
            self.dropped += 1
            stood_for = self._clipped.pop(id(old), None)
            lines, chars = stood_for if stood_for is not None else (_text(old).count("\n"), old_size)
            self.dropped_chars += chars
            self.dropped_lines += lines
        outputs[self.marker] = self._marker()

    def _marker(self) -> Output:
        what = f"{self.dropped:,} outputs ({self.dropped_lines:,} lines, {self.dropped_chars:,} characters)"
        return {
            "kind": "stream",
            "name": "stderr",
            "text": f"\n… {what} dropped here: Reflow keeps the first and the last of a cell's output …\n",
        }


def within_caps(outputs: list[Output]) -> bool:
    """Whether a stored list (restored from a sidecar) is no larger than a capped one can be."""
    return len(outputs) <= HEAD_OUTPUTS + TAIL_OUTPUTS + 1 and sum(map(_size, outputs)) <= HEAD_CHARS + 2 * TAIL_CHARS


def _text(out: Output) -> str:
    if out.get("kind") == "stream":
        text = out.get("text")
        return text if isinstance(text, str) else ""
    return ""


def _size(out: Output) -> int:
    """Characters of text the output holds (stream text, or every string of its data)."""
    if out.get("kind") == "stream":
        return len(_text(out))
    data = out.get("data")
    if isinstance(data, dict):
        return sum(len(v) for v in data.values() if isinstance(v, str))
    return 0


def _clip(out: Output) -> Output:
    """One stream chunk larger than the tail budget keeps its first and last half of it."""
    text = _text(out)
    if len(text) <= TAIL_CHARS:
        return out
    half = TAIL_CHARS // 2
    cut = len(text) - 2 * half
    note = f"\n… {cut:,} characters ({text[half:-half].count(chr(10)):,} lines) dropped here …\n"
    return {**out, "text": text[:half] + note + text[-half:]}
