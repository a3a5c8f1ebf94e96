"""Messages name cells by display number ("cell 3", "cell 3, line 2"), never by internal id."""

from __future__ import annotations

import io
import re

from reflow.graph import CycleError, MultipleDefinitionError
from reflow.runtime import CollectingSink, PrintSink, Runtime
from reflow.runtime.naming import CellNumbers, describe_cell

IDS = ("01e72", "ulzf7o7m2sx", "q9k2")


def no_ids(text: str | None) -> bool:
    return not any(cid in (text or "") for cid in IDS)


def make(*cells: tuple[str, str], strict: bool = False) -> tuple[Runtime, CollectingSink]:
    sink = CollectingSink()
    rt = Runtime(sink, strict=strict)
    rt.set_cells(list(cells))
    rt.run_all()
    return rt, sink


def test_describe_cell_and_lists():
    order = ["md", *IDS]
    assert describe_cell("ulzf7o7m2sx", order) == "cell 3"
    assert describe_cell("q9k2", order, line=2) == "cell 4, line 2"
    assert describe_cell("gone", order) == "a deleted cell"
    numbers = CellNumbers(lambda: order)
    assert numbers.cells(["q9k2", "01e72"]) == "cells 2 and 4"
    assert numbers.cells(["q9k2", "md", "01e72"]) == "cells 1, 2 and 4"
    assert numbers.cells(["01e72", "gone"]) == "cell 2 and 1 deleted"


def test_humanize_replaces_known_ids_in_file_names_and_phrases_only():
    numbers = CellNumbers(lambda: list(IDS))
    text = 'File "<cell ulzf7o7m2sx>", line 2\nnot run: ancestor cell 01e72 failed; 01e72x stays; cell 01e72-b too'
    assert numbers.humanize(text) == (
        'File "<cell 2>", line 2\nnot run: ancestor cell 1 failed; 01e72x stays; cell 01e72-b too'
    )


def test_graph_errors_are_worded_with_numbers():
    numbers = CellNumbers(lambda: list(IDS))
    multiple = numbers.graph_error(MultipleDefinitionError("x", ("q9k2",)))
    assert multiple.startswith("'x' is also defined by cell 3;")
    cycle = CycleError.from_edges((("01e72", ("a",), "q9k2"), ("q9k2", ("b",), "01e72")))
    assert numbers.graph_error(cycle) == "cells depend on each other in a cycle: cell 1 --(a) -> cell 3 --(b) -> cell 1"


def test_runtime_errors_and_tracebacks_use_numbers():
    _rt, sink = make(("01e72", "def f(v):\n    return 1 / v"), ("ulzf7o7m2sx", "y = f(0)"), ("q9k2", "z = y + 1"))
    failed, below = sink.errors["ulzf7o7m2sx"], sink.errors["q9k2"]
    assert 'File "<cell 2>", line 1' in failed.traceback and 'File "<cell 1>", line 2' in failed.traceback
    assert below.message == "not run: ancestor cell 2 raised ZeroDivisionError"
    assert below.cells == ("ulzf7o7m2sx",), "structured references keep ids for the UI's links"
    assert no_ids(failed.traceback) and no_ids(below.message)


def test_deleted_and_no_longer_defined_names_say_which_cell_by_number():
    rt, sink = make(("01e72", "x = 1"), ("ulzf7o7m2sx", "w = 2"), ("q9k2", "y = x + w"))
    rt.delete_cell("01e72")
    assert "it was defined by cell 1 (`x = 1`), which was deleted" in sink.errors["q9k2"].message
    rt.edit_cell("ulzf7o7m2sx", "v = 2")
    rt.run_cells(["ulzf7o7m2sx"])
    assert no_ids(sink.errors["q9k2"].message)


def test_a_cell_the_notebook_no_longer_numbers_is_named_by_its_first_line():
    order = ["01e72"]
    numbers = CellNumbers(lambda: order)
    assert numbers.deleted("01e72", "# setup\n\nx = 1\n") == "cell 1 (`x = 1`), which was deleted"
    order.clear()  # the kernel's document drops the cell before the runtime hears of it
    assert numbers.deleted("01e72", "# setup\nx = 1") == "the deleted cell `x = 1`"
    assert numbers.deleted("01e72", "# only a comment") == "a deleted cell"
    long = numbers.deleted("01e72", "value = " + "1 + " * 30 + "1")
    assert long.endswith("…`") and len(long) < 70


def test_strict_multiple_definition_and_cycle_messages():
    _rt, sink = make(("01e72", "x = 1"), ("ulzf7o7m2sx", "x = 2"), strict=True)
    assert sink.errors["01e72"].message.startswith("'x' is also defined by cell 2")
    _rt2, sink2 = make(("01e72", "a = b"), ("q9k2", "b = a"))
    message = sink2.errors["01e72"].message
    assert "cycle" in message and no_ids(message) and re.search(r"cell [12] --\(", message)


def test_print_sink_names_the_cell_by_number():
    out, err = io.StringIO(), io.StringIO()
    rt = Runtime(PrintSink(out, err))
    rt.set_cells([("01e72", "x = 1"), ("ulzf7o7m2sx", "return 1")])
    rt.run_all()
    assert "[cell 2]" in err.getvalue() and no_ids(err.getvalue())


def test_numbering_can_follow_the_whole_notebook_order():
    rt, sink = make(("01e72", "1/0"))
    rt.cell_numbers.use(lambda: ["markdown-intro", "01e72"])
    rt.run_all()
    assert 'File "<cell 2>"' in sink.errors["01e72"].traceback
