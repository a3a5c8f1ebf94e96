"""``from module import *`` runs; the names it binds enter the graph when the cell runs."""

from __future__ import annotations

import math
import sys
import types

import pytest

from reflow.analysis import analyze_cell
from reflow.runtime import CollectingSink, Runtime


def make(*cells: tuple[str, str], mode: str = "auto", run: bool = True) -> tuple[Runtime, CollectingSink]:
    sink = CollectingSink()
    rt = Runtime(sink, mode=mode)
    rt.set_cells(list(cells))
    if run:
        rt.run_all()
    return rt, sink


@pytest.fixture
def fake_module():
    """A module with ``__all__`` (and a public name left out of it), importable by name."""
    module = types.ModuleType("reflow_star_fixture")
    exec("__all__ = ['alpha', 'beta']\nalpha = 1\nbeta = 2\ngamma = 3\n_hidden = 4", vars(module))
    sys.modules[module.__name__] = module
    yield module
    sys.modules.pop(module.__name__, None)


def test_analysis_lists_the_module_and_binds_names_only_once_known():
    before = analyze_cell("from math import *\nr = sqrt(4)")
    assert before.error is None
    assert before.star_imports == {"math"}
    assert before.defs == {"r"} and "sqrt" in before.refs
    after = analyze_cell("from math import *\nr = sqrt(4)", star_names={"math": {"sqrt", "pi"}})
    assert after.defs == {"r", "sqrt", "pi"} and "sqrt" not in after.refs
    assert analyze_cell("from .pkg import *").star_imports == {".pkg"}


def test_star_imported_names_are_defs_after_the_run_and_readers_become_children():
    rt, sink = make(("a", "from math import *"), ("b", "r = sqrt(16) + floor(pi)"))
    assert sink.errors == {}
    assert rt.namespace["r"] == 7.0
    defs = rt.graph.analysis("a").defs
    assert {"sqrt", "floor", "pi"} <= defs and "_ipow" not in defs
    assert rt.graph.children("a") == {"b"}
    assert {v.name for v in rt.variables()} >= {"sqrt", "pi", "r"}


def test_a_reader_above_the_import_runs_again_once_the_names_are_known():
    rt, sink = make(("b", "r = sqrt(16)"), ("a", "from math import *"))
    assert rt.namespace["r"] == 4.0
    assert sink.last_status("b") == "idle" and rt.stale_cells() == []


def test_all_is_honoured_and_rerun_of_the_importer_reruns_readers(fake_module):
    rt, _sink = make(("a", "from reflow_star_fixture import *\nboth = alpha + beta"), ("b", "out = alpha * 10"))
    assert rt.graph.analysis("a").defs == {"alpha", "beta", "both"}
    assert "gamma" not in rt.namespace and rt.namespace["out"] == 10
    fake_module.alpha = 5
    rt.run_cells(["a"])
    assert rt.namespace["out"] == 50 and rt.namespace["both"] == 7


def test_lazy_mode_marks_new_readers_stale():
    rt, _sink = make(("b", "r = sqrt(9)"), ("a", "from math import *"), mode="lazy", run=False)
    rt.run_cells(["a"])
    assert rt.is_stale("b")
    rt.run_stale()
    assert rt.namespace["r"] == 3.0


def test_removing_the_star_import_reports_the_names_as_gone():
    rt, sink = make(("a", "from math import *"), ("b", "r = sqrt(4)"))
    rt.edit_cell("a", "x = 1")
    rt.run_cells(["a"])
    assert "sqrt" not in rt.namespace
    assert sink.errors["b"].ename == "NameError"


def test_failed_import_leaves_the_cell_an_ordinary_error():
    rt, sink = make(("a", "from reflow_no_such_module_xyz import *"), ("b", "y = 1"))
    assert sink.errors["a"].ename == "ModuleNotFoundError"
    assert rt.namespace["y"] == 1


def test_star_import_matches_the_script_result():
    cells = ["from math import *", "v = [sqrt(x) for x in (1, 4, 9)]", "w = tau / pi"]
    ns: dict = {}
    for code in cells:
        exec(code, ns)
    rt, _sink = make(*[(f"c{i}", code) for i, code in enumerate(cells)])
    assert (rt.namespace["v"], rt.namespace["w"]) == (ns["v"], ns["w"]) == ([1.0, 2.0, 3.0], 2.0)
    assert math.pi == rt.namespace["pi"]


def test_star_names_are_the_cells_writes_so_a_later_redefinition_is_restored():
    """The names a star import binds are its writes, recorded in the run that learns them:
    when the importer first runs after ``pi = 3`` below it ran, the namespace holds the
    import's ``pi``, so ``pi = 3`` (the last writer) runs again, as a fresh run ends."""
    for mode in ("auto", "lazy"):
        rt, _sink = make(("a", "from math import *"), ("b", "pi = 3"), ("c", "print(pi)"), mode=mode, run=False)
        rt.run_cells(["b"])
        rt.run_cells(["a"])
        rt.run_stale()
        assert rt.namespace["pi"] == 3, mode
        assert rt.stale_cells() == []


def test_a_run_that_learns_star_names_bumps_the_graph_revision():
    rt, _sink = make(("a", "x = 1"), ("b", "from math import *"), run=False)
    rt.run_cells(["a"])
    assert rt.graph_revision == 0
    rt.run_cells(["b"])
    assert rt.graph_revision == 1
    rt.run_cells(["b"])  # the same names again: the graph did not change
    assert rt.graph_revision == 1
