"""A syntax error is one error worded like Python's own: the offending line and a caret (issue 16)."""

from __future__ import annotations

from reflow.kernel.graphinfo import graph_message
from reflow.runtime import CollectingSink, Runtime
from reflow.runtime.syntax import syntax_report


def run(*cells: tuple[str, str]) -> tuple[Runtime, CollectingSink]:
    sink = CollectingSink()
    rt = Runtime(sink)
    rt.set_cells(list(cells))
    rt.run_all()
    return rt, sink


def test_report_has_the_line_and_a_caret_like_python():
    report = syntax_report("a = 1\nx = (1 +", "<cell 2>")
    assert report is not None
    assert report.message == "'(' was never closed" and report.ename == "SyntaxError" and report.lineno == 2
    assert report.traceback.splitlines() == [
        '  File "<cell 2>", line 2',
        "    x = (1 +",
        "        ^",
        "SyntaxError: '(' was never closed",
    ]
    assert report.excerpt.splitlines() == ["    x = (1 +", "        ^"]


def test_compile_only_errors_and_indentation_keep_their_line():
    outside = syntax_report("y = 1\nreturn y")
    assert outside is not None and outside.message == "'return' outside function"
    assert "    return y\n    ^^^^^^^^" in outside.traceback
    indent = syntax_report("x = 1\n    y = 2")
    assert indent is not None and indent.ename == "IndentationError" and "    y = 2" in indent.traceback
    assert syntax_report("x = 1") is None


def test_run_error_has_caret_traceback_and_names_the_cell_by_number():
    _rt, sink = run(("k01e72", "a = 1"), ("ulzf7o7m2sx", "x = (a +"))
    error = sink.errors["ulzf7o7m2sx"]
    assert (error.kind, error.ename, error.message) == ("syntax", "SyntaxError", "'(' was never closed")
    assert error.traceback is not None
    assert error.traceback.splitlines()[:3] == ['  File "<cell 2>", line 1', "    x = (a +", "        ^"]
    assert "ulzf7o7m2sx" not in error.traceback


def test_graph_static_error_is_the_run_error_so_the_ui_shows_one():
    cells = {"k01e72": "a = 1", "ulzf7o7m2sx": "if a\n    b = 2"}
    rt, sink = run(*cells.items())
    static = graph_message(rt.graph, list(cells), cells, rt.cell_numbers)
    [err] = static["cells"]["ulzf7o7m2sx"]["errors"]
    ran = sink.errors["ulzf7o7m2sx"]
    assert (err["kind"], err["message"], err["ename"], err["traceback"]) == (
        ran.kind,
        ran.message,
        ran.ename,
        ran.traceback,
    )
    assert "    if a\n        ^" in err["traceback"]
