"""@reflow.cache and @reflow.persistent_cache on functions: keyed by code + globals +
argument content; results survive a re-run of the defining cell with unchanged code."""

from __future__ import annotations

import builtins

import pytest

import reflow
from reflow.cache.errors import UnhashableInputError
from reflow.runtime import CollectingSink, Runtime

CALLS = "import sys\ncalls = sys.modules.setdefault('reflow_test_calls', type(sys)('reflow_test_calls'))"

FN = """\
@reflow.cache
def slow(xs, k=1):
    calls.n = getattr(calls, "n", 0) + 1
    return sum(xs) * k * scale
"""


@pytest.fixture
def calls():
    import sys
    import types

    from reflow.cache.memory import clear_memory

    clear_memory()  # results are (by design) shared by equal functions across runtimes
    module = sys.modules["reflow_test_calls"] = types.ModuleType("reflow_test_calls")
    yield module
    del sys.modules["reflow_test_calls"]


def runtime(tmp_path, fn=FN, scale="2"):
    sink = CollectingSink()
    rt = Runtime(sink, cache_dir=tmp_path)
    rt.set_cells(
        [
            ("imp", "import reflow\n" + CALLS),
            ("scale", f"scale = {scale}"),
            ("fn", fn),
            ("use", "a = slow([1, 2])\nb = slow([1, 2])\nc = slow([3], k=1)"),
        ]
    )
    rt.run_all()
    assert not sink.errors, sink.errors
    return rt, sink


def test_module_is_callable_and_lazy():
    assert callable(reflow.cache) and reflow.cache.__name__ == "reflow.cache"

    @reflow.cache
    def f(x):
        return [x]

    assert f(1) == [1] and f(1) is f(1)
    assert f.cache_info().hits >= 1


def test_survives_rerun_of_defining_cell_with_unchanged_code(tmp_path, calls):
    rt, _ = runtime(tmp_path)
    assert calls.n == 2 and rt.namespace["a"] == 6 and rt.namespace["c"] == 6
    rt.run_cells(["fn"])  # re-run: new function object, same code
    assert calls.n == 2
    rt.edit_cell("fn", FN.replace("# nothing", "") + "# a comment\n")
    rt.run_cells(["fn"])
    assert calls.n == 2  # comments do not change bytecode


def test_busted_when_code_changes(tmp_path, calls):
    rt, _ = runtime(tmp_path)
    rt.edit_cell("fn", FN.replace("* k * scale", "* k * scale + 1"))
    rt.run_cells(["fn"])
    assert calls.n == 4 and rt.namespace["a"] == 7


def test_busted_when_a_global_it_reads_changes(tmp_path, calls):
    rt, _ = runtime(tmp_path)
    rt.edit_cell("scale", "scale = 10")
    rt.run_cells(["scale"])
    assert calls.n == 4 and rt.namespace["a"] == 30
    rt.edit_cell("scale", "scale = 2")  # back: the old version's results are still there
    rt.run_cells(["scale"])
    assert calls.n == 4 and rt.namespace["a"] == 6


def test_arguments_by_content_and_unhashable_argument_is_clear():
    seen = []

    @reflow.cache
    def f(data):
        seen.append(1)
        return len(data)

    items = [1, 2]
    f(items)
    f([1, 2])
    items.append(3)
    f(items)
    assert len(seen) == 2
    with pytest.raises(UnhashableInputError, match=r"'data'.*generator"):
        f(i for i in range(2))


def test_maxsize_and_clear():
    @reflow.cache(maxsize=2)
    def sq(x):
        return x * x

    for i in range(5):
        sq(i)
    assert sq.cache_info().currsize == 2
    sq.cache_clear()
    assert sq.cache_info().currsize == 0


def test_persistent_function_survives_a_fresh_runtime(tmp_path, calls):
    code = (
        '@reflow.persistent_cache\ndef train(n):\n    calls.n = getattr(calls, "n", 0) + 1\n    return list(range(n))'
    )
    for _ in range(2):
        sink = CollectingSink()
        rt = Runtime(
            sink, namespace={"__name__": "__main__", "__builtins__": builtins, "__file__": str(tmp_path / "nb.py")}
        )
        rt.set_cells([("imp", "import reflow\n" + CALLS), ("fn", code), ("use", "m = train(5)")])
        rt.run_all()
        assert not sink.errors and rt.namespace["m"] == [0, 1, 2, 3, 4]
    assert calls.n == 1
    assert list((tmp_path / "__reflow__" / "cache" / "train").glob("*.pkl"))
    assert rt.clear_cache("fn") == 1


def test_clear_cache_api(tmp_path, monkeypatch, calls):
    monkeypatch.setenv("REFLOW_PERSISTENT_CACHE_DIR", str(tmp_path))

    @reflow.persistent_cache("named")
    def g(x):
        calls.n = getattr(calls, "n", 0) + 1
        return x

    g(1)
    g(1)
    assert calls.n == 1
    assert reflow.clear_cache("named") == 1
    g(1)
    assert calls.n == 2
    assert reflow.clear_cache() == 1
