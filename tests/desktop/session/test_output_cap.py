"""A cell's capped outputs: the notes account for every printed line that is not kept."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import lines_kept, lines_noted_missing

from reflow_desktop.session import output_cap
from reflow_desktop.session.output_cap import OutputCap


def test_a_clipped_chunk_dropped_later_counts_all_the_lines_it_stood_for(monkeypatch: pytest.MonkeyPatch) -> None:
    # small caps: chunks of 10 lines get clipped to their first and last 20 characters, then pushed out
    monkeypatch.setattr(output_cap, "HEAD_CHARS", 40)
    monkeypatch.setattr(output_cap, "TAIL_CHARS", 40)
    cap = OutputCap()
    outputs: list[dict[str, Any]] = []
    chunks = ["".join(f"line {k}.{i}\n" for i in range(10)) for k in range(6)]  # 90 characters: over the budget
    for text in chunks:
        cap.append(outputs, {"kind": "stream", "name": "stdout", "text": text})
    assert cap.dropped > 0  # clipped chunks were dropped, not only kept
    assert lines_noted_missing(outputs) + lines_kept(outputs) == 60  # was short by each dropped chunk's cut
    assert cap.dropped_chars == sum(map(len, chunks[: cap.dropped]))  # what was printed, not what the clip kept
