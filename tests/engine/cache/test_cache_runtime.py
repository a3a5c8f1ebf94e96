"""Persistent-cache blocks in the runtime: keys follow the dataflow graph and input
content; a fresh Runtime on the same notebook directory (a reopen) restores the
block's variables without running its body."""

from __future__ import annotations

import builtins
from pathlib import Path

import pytest

from reflow.runtime import CollectingSink, Runtime

BLOCK = """\
with reflow.persistent_cache("expensive"):
    with open(counter, "a") as _f:
        _f.write("x")
    total = sum(data) * factor
    print("computed", total)
total"""


def make_cells(counter: Path, data: str = "[1, 2, 3]", factor: str = "2", unrelated: str = "u = 0"):
    return [
        ("imp", "import reflow"),
        ("cnt", f"counter = {str(counter)!r}"),
        ("data", f"data = {data}"),
        ("fac", f"factor = {factor}"),
        ("block", BLOCK),
        ("other", unrelated),
    ]


class Notebook:
    """A runtime on a notebook file in ``tmp``; each instance is a fresh open."""

    def __init__(self, tmp: Path, cells=None, **cells_kw) -> None:
        self.tmp = tmp
        self.counter = tmp / "count.txt"
        self.sink = CollectingSink()
        namespace = {"__name__": "__main__", "__builtins__": builtins, "__file__": str(tmp / "nb.py")}
        self.rt = Runtime(self.sink, namespace=namespace)
        self.rt.set_cells(cells or make_cells(self.counter, **cells_kw))
        self.rt.run_all()

    @property
    def body_runs(self) -> int:
        return len(self.counter.read_text()) if self.counter.exists() else 0

    def rerun(self, cell: str, code: str | None = None) -> None:
        if code is not None:
            self.rt.edit_cell(cell, code)
        self.rt.run_cells([cell])


def test_first_run_computes_and_stores_beside_the_notebook(tmp_path):
    nb = Notebook(tmp_path)
    assert nb.body_runs == 1
    assert nb.sink.outputs["block"] == 12 and nb.sink.stdout("block") == "computed 12\n"
    assert "block" not in nb.sink.restored
    entries = list((tmp_path / "__reflow__" / "cache" / "expensive").glob("*.pkl"))
    assert len(entries) == 1
    assert "_f" not in nb.rt.namespace  # privates still cleaned up


def test_reopen_restores_without_running_the_body(tmp_path):
    Notebook(tmp_path)
    nb = Notebook(tmp_path)  # fresh Runtime, same directory
    assert nb.body_runs == 1  # the side effect did not happen again
    assert nb.rt.namespace["total"] == 12 and nb.sink.outputs["block"] == 12
    assert nb.sink.stdout("block") == "computed 12\n"  # replayed
    assert nb.sink.restored["block"] >= 0
    assert ("cached", "block", nb.sink.restored["block"]) in nb.sink.events
    assert nb.sink.last_status("block") == "idle"


def test_rerun_of_the_same_cell_is_a_hit(tmp_path):
    nb = Notebook(tmp_path)
    nb.rerun("block")
    assert nb.body_runs == 1 and "block" in nb.sink.restored


def test_upstream_code_change_is_a_miss(tmp_path):
    nb = Notebook(tmp_path)
    nb.rerun("fac", "factor = 3")
    assert nb.body_runs == 2 and nb.rt.namespace["total"] == 18


def test_upstream_change_that_keeps_values_is_still_a_miss(tmp_path):
    nb = Notebook(tmp_path)
    nb.rerun("data", "data = [1, 2, 3]  # same value, other code\nprint('side effect')")
    assert nb.body_runs == 2


def test_comment_only_change_upstream_is_a_hit(tmp_path):
    nb = Notebook(tmp_path)
    nb.rerun("fac", "# the factor\nfactor = 2")
    assert nb.body_runs == 1


def test_unrelated_cell_change_is_a_hit(tmp_path):
    nb = Notebook(tmp_path)
    nb.rerun("other", "u = 41 + 1")
    nb.rerun("block")
    assert nb.body_runs == 1
    nb2 = Notebook(tmp_path, unrelated="u = 'something else entirely'")
    assert nb2.body_runs == 1 and nb2.rt.namespace["total"] == 12


def test_mutating_an_input_is_a_miss(tmp_path):
    nb = Notebook(tmp_path)
    nb.rt.namespace["data"][0] = 100  # in-place: no assignment, content changed
    nb.rerun("block")
    assert nb.body_runs == 2 and nb.rt.namespace["total"] == 210


def test_mutating_a_numpy_input_is_a_miss(tmp_path):
    pytest.importorskip("numpy")
    cells = make_cells(tmp_path / "count.txt", data="__import__('numpy').arange(4)")
    nb = Notebook(tmp_path, cells=cells)
    assert nb.body_runs == 1
    nb.rerun("block")
    assert nb.body_runs == 1
    nb.rt.namespace["data"][2] = 50
    nb.rerun("block")
    assert nb.body_runs == 2 and nb.rt.namespace["total"] == (0 + 1 + 50 + 3) * 2


def test_block_code_change_is_a_miss_but_code_after_the_block_is_not(tmp_path):
    nb = Notebook(tmp_path)
    nb.rerun("block", BLOCK + "\nprint('after')")
    assert nb.body_runs == 1
    nb.rerun("block", BLOCK.replace("sum(data) * factor", "sum(data) * factor + 1"))
    assert nb.body_runs == 2 and nb.rt.namespace["total"] == 13


def test_values_defined_earlier_in_the_same_cell_are_inputs(tmp_path):
    code = "import reflow\nscale = {}\nwith reflow.persistent_cache('s'):\n    y = scale * 2\n    _p = y\nz = _p + 1"
    sink = CollectingSink()
    rt = Runtime(sink, cache_dir=tmp_path)
    rt.set_cells([("c", code.format(1))])
    rt.run_all()
    assert rt.namespace["z"] == 3 and "c" not in sink.restored
    rt.run_cells(["c"])
    assert rt.namespace["z"] == 3 and "c" in sink.restored  # privates restored for later lines
    rt.edit_cell("c", code.format(5))
    rt.run_cells(["c"])
    assert rt.namespace["y"] == 10 and "c" not in sink.restored


def test_unhashable_input_is_a_clear_cell_error(tmp_path):
    cells = [
        ("imp", "import reflow"),
        ("h", f"handle = open({str(tmp_path / 'f.txt')!r}, 'w')"),
        ("b", "with reflow.persistent_cache('x'):\n    y = handle.name"),
    ]
    sink = CollectingSink()
    rt = Runtime(sink, cache_dir=tmp_path / "c")
    rt.set_cells(cells)
    rt.run_all()
    error = sink.errors["b"]
    assert error.ename == "UnhashableInputError"
    assert "handle" in error.message and "TextIOWrapper" in error.message
    assert "y" not in rt.namespace
    rt.namespace["handle"].close()


def test_unpicklable_result_runs_and_says_it_was_not_saved(tmp_path):
    sink = CollectingSink()
    rt = Runtime(sink, cache_dir=tmp_path)
    rt.set_cells([("c", "import reflow\nwith reflow.persistent_cache('g'):\n    gen = (i for i in range(3))")])
    rt.run_all()
    assert "c" not in sink.errors and "gen" in rt.namespace
    assert "not saved" in sink.streams["c"]["stderr"] and "'gen'" in sink.streams["c"]["stderr"]


def test_modules_bound_in_a_block_are_restored_by_import(tmp_path):
    cells = [("c", "import reflow\nwith reflow.persistent_cache('m'):\n    import json as js\n    v = js.dumps([1])")]
    for _ in range(2):
        sink = CollectingSink()
        rt = Runtime(sink, cache_dir=tmp_path)
        rt.set_cells(cells)
        rt.run_all()
    assert "c" in sink.restored and rt.namespace["js"].__name__ == "json" and rt.namespace["v"] == "[1]"


def test_a_users_own_persistent_cache_runs_as_a_plain_with(tmp_path):
    code = (
        "import contextlib\nlog = []\n@contextlib.contextmanager\ndef persistent_cache(n):\n"
        "    log.append(n)\n    yield n\n    log.append('exit')\n"
        "with persistent_cache('mine') as got:\n    inside = got"
    )
    sink = CollectingSink()
    rt = Runtime(sink, cache_dir=tmp_path)
    rt.set_cells([("c", code)])
    rt.run_all()
    assert "c" not in sink.errors
    assert rt.namespace["log"] == ["mine", "exit"] and rt.namespace["inside"] == "mine"
    assert not list(tmp_path.rglob("*.pkl"))


def test_exception_in_the_body_stores_nothing(tmp_path):
    sink = CollectingSink()
    rt = Runtime(sink, cache_dir=tmp_path)
    rt.set_cells([("c", "import reflow\nwith reflow.persistent_cache('e'):\n    x = 1\n    1 / 0")])
    rt.run_all()
    assert sink.errors["c"].ename == "ZeroDivisionError" and "line 4" in sink.errors["c"].traceback
    assert not list(tmp_path.rglob("*.pkl"))


def test_clear_cache_per_cell_and_per_notebook(tmp_path):
    nb = Notebook(tmp_path)
    assert nb.rt.clear_cache("other") == 0
    assert nb.rt.clear_cache("block") == 1
    nb.rerun("block")
    assert nb.body_runs == 2
    assert nb.rt.clear_cache() == 1
    nb.rerun("block")
    assert nb.body_runs == 3


def test_corrupt_entry_on_reopen_is_a_miss(tmp_path):
    Notebook(tmp_path)
    (entry,) = (tmp_path / "__reflow__" / "cache" / "expensive").glob("*.pkl")
    entry.write_bytes(entry.read_bytes()[:-7])
    nb = Notebook(tmp_path)
    assert nb.body_runs == 2 and nb.rt.namespace["total"] == 12 and "block" not in nb.sink.errors
    nb3 = Notebook(tmp_path)
    assert nb3.body_runs == 2  # rewritten by the second open


def test_without_a_runtime_the_block_just_runs(tmp_path):
    from reflow.runtime.executor import compile_cell, execute

    compiled = compile_cell("x", "import reflow\nwith reflow.persistent_cache('p'):\n    y = 2\ny")
    ns: dict = {"__builtins__": builtins}
    result = execute(compiled, ns, lambda n, t: None)
    assert result.exception is None and result.value == 2


KILLED_CELLS = [
    ("imp", "import reflow"),
    ("n", "n = 100 * 1024 * 1024"),
    ("big", "with reflow.persistent_cache('big'):\n    blob = b'x' * n\nlen(blob)"),
]

KILLED_CHILD = """
import builtins, json, sys
from reflow.runtime import CollectingSink, Runtime
cells = json.loads(sys.argv[2])
rt = Runtime(CollectingSink(), namespace={"__name__": "__main__", "__builtins__": builtins, "__file__": sys.argv[1]})
rt.set_cells([tuple(c) for c in cells])
print("ready", flush=True)
rt.run_all()
"""


def test_kernel_killed_while_writing_then_reopen_works(tmp_path):
    import json
    import os
    import signal
    import subprocess
    import sys
    import time

    nb_file = tmp_path / "nb.py"
    entry_dir = tmp_path / "__reflow__" / "cache" / "big"
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_CHILD, str(nb_file), json.dumps(KILLED_CELLS)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    try:
        assert proc.stdout.readline().strip() == "ready"
        deadline = time.time() + 60
        while time.time() < deadline and not (entry_dir.exists() and list(entry_dir.glob(".*.tmp"))):
            time.sleep(0.002)
        assert list(entry_dir.glob(".*.tmp")), "the write never started"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(10)
    assert not list(entry_dir.glob("*.pkl"))  # nothing half-written is visible
    sink = CollectingSink()
    rt = Runtime(sink, namespace={"__name__": "__main__", "__builtins__": builtins, "__file__": str(nb_file)})
    rt.set_cells(KILLED_CELLS)
    rt.run_all()  # the reopen: a miss, runs, stores
    assert not sink.errors and sink.outputs["big"] == 100 * 1024 * 1024 and "big" not in sink.restored
    rt.run_cells(["big"])
    assert "big" in sink.restored and sink.outputs["big"] == 100 * 1024 * 1024


def test_function_input_reading_a_changed_global_is_a_miss(tmp_path):
    # `t` changes value while no code changes (as a UI value would); `f` reads it.
    sink = CollectingSink()
    rt = Runtime(sink, cache_dir=tmp_path)
    rt.set_cells(
        [
            ("imp", "import reflow"),
            ("t", "t = 1"),
            ("f", "def f(x):\n    return x + t"),
            ("b", "with reflow.persistent_cache('f'):\n    y = f(10)"),
        ]
    )
    rt.run_all()
    assert rt.namespace["y"] == 11
    rt.namespace["t"] = 5  # value change without a code change
    rt.run_cells(["b"])
    assert rt.namespace["y"] == 15 and "b" not in sink.restored
