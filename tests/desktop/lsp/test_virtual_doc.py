"""The virtual document's position map (cell <-> virtual line, both ways), its incremental changes,
UTF-16 text edits, and the cells' execution order: property-style round trips with hypothesis."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reflow.notebook import Cell
from reflow_desktop.lsp.cell_order import CellOrder
from reflow_desktop.lsp.text_edits import apply_edits
from reflow_desktop.lsp.virtual_doc import VirtualDocument, line_change
from reflow_desktop.lsp.wire import Position, Range, TextEdit

line_text = st.text(alphabet=st.sampled_from("ab =(1é😀\t"), max_size=6)
code = st.lists(line_text, min_size=1, max_size=5).map("\n".join)
cells = st.lists(code, max_size=6).map(lambda codes: [(f"c{i}", c) for i, c in enumerate(codes)])
# a loaded machine (2 shared cores) makes generation slow; that is no failure of the code
loaded = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)


@loaded
@given(cells)
def test_every_cell_position_maps_to_the_virtual_text_and_back(items: list[tuple[str, str]]) -> None:
    doc = VirtualDocument.of(items)
    vlines = doc.text.split("\n")
    for cid, source in items:
        for n, text in enumerate(source.split("\n")):
            for ch in (0, len(text)):
                at = doc.to_virtual(cid, n, ch)
                assert at is not None
                assert vlines[at[0]] == text  # the same line, so characters pass through unchanged
                back = doc.to_cell(*at)
                assert back is not None and (back.cell_id, back.line, back.character) == (cid, n, ch)


@loaded
@given(cells)
def test_every_virtual_line_belongs_to_exactly_one_cell(items: list[tuple[str, str]]) -> None:
    doc = VirtualDocument.of(items)
    owners = [doc.to_cell(line, 0) for line in range(doc.line_count)]
    assert all(o is not None for o in owners)
    assert [o.cell_id for o in owners if o] == [cid for cid, src in items for _ in src.split("\n")]
    assert doc.to_cell(doc.line_count, 0) is None and doc.to_cell(-1, 0) is None


def test_out_of_range_positions_map_to_nothing() -> None:
    doc = VirtualDocument.of([("a", "x = 1"), ("b", "y = x\nz = y")])
    assert doc.to_virtual("b", 1, 0) == (2, 0)
    assert doc.to_virtual("b", 2, 0) is None and doc.to_virtual("nope", 0, 0) is None
    assert doc.to_virtual("a", 0, -1) is None


def _apply_change(old: str, change: tuple[int, int, str]) -> str:
    first, end, text = change
    lines = old.split("\n")
    return "".join(line + "\n" for line in lines[:first]) + text + "\n".join(lines[end:])


@loaded
@given(cells, cells)
def test_the_incremental_change_turns_the_old_text_into_the_new(
    a: list[tuple[str, str]], b: list[tuple[str, str]]
) -> None:
    old, new = VirtualDocument.of(a).text, VirtualDocument.of(b).text
    change = line_change(old, new)
    assert (change is None) == (old == new)
    if change is not None:
        assert _apply_change(old, change) == new


@loaded
@given(cells)
def test_a_same_shaped_text_splits_back_into_the_cells(items: list[tuple[str, str]]) -> None:
    doc = VirtualDocument.of(items)
    assert doc.code_by_cell(doc.text) == dict(items)
    assert doc.code_by_cell(doc.text + "extra\n") is None


def _edit(line: int, start: int, end: int, new: str) -> TextEdit:
    return TextEdit(Range(Position(line, start), Position(line, end)), new)


def test_text_edits_count_utf16_units() -> None:
    text = "s = '😀' + x\nx = 1\n"
    # '😀' is two UTF-16 units: `x` on line 0 starts at unit 11 (code point 10)
    assert apply_edits(text, [_edit(0, 11, 12, "value"), _edit(1, 0, 1, "value")]) == "s = '😀' + value\nvalue = 1\n"


def test_overlapping_edits_are_refused() -> None:
    try:
        apply_edits("abcdef", [_edit(0, 0, 3, "x"), _edit(0, 2, 4, "y")])
    except ValueError:
        return
    raise AssertionError("overlapping edits were applied")


def test_cells_are_ordered_for_execution_and_sql_and_markdown_left_out() -> None:
    order = CellOrder()
    nb = [
        Cell("code", "y = x + 1", {}, "reader"),
        Cell("markdown", "# title", {}, "md"),
        Cell("code", "SELECT 1", {"language": "sql", "name": "df"}, "sql"),
        Cell("code", "x = 1", {}, "definer"),
    ]
    assert order.update(nb) == ["definer", "reader"]
    nb[3] = Cell("code", "z = 2", {}, "definer")  # the reader no longer depends on it: display order again
    assert order.update(nb) == ["reader", "definer"]
    assert order.update(nb[:2]) == ["reader"]
