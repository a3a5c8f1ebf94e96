"""Cell-private names stay reachable from the cell's own functions, lambdas and classes
(DESIGN.md "Reactive semantics"), as in ``python nb.py``, yet stay private to their cell."""

from __future__ import annotations

import pickle

from reflow.runtime import CollectingSink, Runtime
from reflow.runtime.privates import demangle, mangle


def make(*cells: tuple[str, str]) -> tuple[Runtime, CollectingSink]:
    sink = CollectingSink()
    rt = Runtime(sink)
    rt.set_cells(list(cells))
    rt.run_all()
    return rt, sink


def script(*cells: str) -> dict:
    """What ``python nb.py`` gives: the cells run top to bottom in one namespace."""
    ns: dict = {"__name__": "__main__"}
    for code in cells:
        exec(code, ns)
    return ns


def visible(rt: Runtime) -> set[str]:
    """Names another cell could read: the namespace without dunders and mangled privates."""
    return {k for k in rt.namespace if not k.startswith("__") and demangle(k) == k}


def test_function_lambda_and_method_see_their_cells_private_from_another_cell():
    a = ("_k = 3\ndef f(x):\n    return x * _k\ng = lambda: _k + 1\n"
         "class C:\n    def m(self):\n        return _k\n")
    b = "r = (f(2), g(), C().m())\nr"
    rt, sink = make(("a", a), ("b", b))
    assert sink.errors == {}
    assert sink.outputs["b"] == (6, 4, 3) == script(a, b)["r"]
    assert "_k" not in rt.namespace
    assert visible(rt) == {"f", "g", "C", "r"}


def test_decorator_wrappers_and_generators_keep_their_privates():
    a = ("_calls = []\n"
         "def _log(fn):\n"
         "    def wrapper(*args):\n"
         "        _calls.append(fn.__name__)\n"
         "        return fn(*args)\n"
         "    return wrapper\n"
         "@_log\n"
         "def double(x):\n"
         "    return 2 * x\n"
         "calls = lambda: list(_calls)\n"
         "_n = 10\n"
         "gen = (i * _n for i in range(3))\n")
    b = "out = (double(4), double(5), calls(), list(gen))\nout"
    _rt, sink = make(("a", a), ("b", b))
    assert sink.errors == {}
    assert sink.outputs["b"] == (8, 10, ["double", "double"], [0, 10, 20]) == script(a, b)["out"]


def test_each_cell_has_its_own_private_of_the_same_name():
    rt, sink = make(("a", "_k = 1\nfa = lambda: _k"), ("b", "_k = 2\nfb = lambda: _k"),
                    ("c", "pair = (fa(), fb())"))
    assert sink.errors == {}
    assert rt.namespace["pair"] == (1, 2)
    assert "_k" not in rt.namespace


def test_rerun_with_new_value_replaces_the_old_one_and_leaves_nothing_behind():
    rt, _sink = make(("a", "_k = 1\nf = lambda: _k"), ("b", "v = f()"))
    assert rt.namespace["v"] == 1
    rt.edit_cell("a", "_j = 5\nf = lambda: _j * 2")
    rt.run_cells(["a"])
    assert rt.namespace["v"] == 10
    kept = [k for k in rt.namespace if demangle(k) != k]
    assert kept == [mangle("_j", "a")], "the old version's _k must be gone"


def test_privates_nobody_captures_are_still_removed_after_the_run():
    rt, _sink = make(("a", "_big = list(range(1000))\ntotal = sum(_big)"))
    assert rt.namespace["total"] == 499500
    assert [k for k in rt.namespace if k.startswith("_big")] == []


def test_failed_and_deleted_cells_drop_their_kept_privates():
    rt, sink = make(("a", "_k = 1\nf = lambda: _k"), ("b", "_z = 2\ng = lambda: _z\nraise ValueError('no')"))
    assert sink.errors["b"].ename == "ValueError"
    assert not any(k.startswith("_z") for k in rt.namespace)
    assert mangle("_k", "a") in rt.namespace
    rt.delete_cell("a")
    assert not any(k.startswith("_k") for k in rt.namespace)


def test_scoping_rules_locals_params_class_attributes_nonlocal_and_global():
    a = ("_v = 100\n"
         "def outer():\n"
         "    _v = 1\n"
         "    def inner():\n"
         "        nonlocal _v\n"
         "        _v += 1\n"
         "        return _v\n"
         "    return inner\n"
         "def param(_v):\n"
         "    return _v\n"
         "class K:\n"
         "    _v = 'attr'\n"
         "    def __init__(self):\n"
         "        self._own = _v\n"
         "_count = 0\n"
         "def bump():\n"
         "    global _count\n"
         "    _count += 1\n"
         "    return _count\n"
         "top = lambda: _v\n")
    b = "res = (outer()(), param(7), K._v, K()._own, bump(), bump(), top())\nres"
    _rt, sink = make(("a", a), ("b", b))
    assert sink.errors == {}
    assert sink.outputs["b"] == (2, 7, "attr", 100, 1, 2, 100) == script(a, b)["res"]


def test_private_functions_and_classes_keep_their_names():
    a = ("def _helper():\n    return 'h'\n"
         "class _Base:\n    def who(self):\n        return type(self).__qualname__\n"
         "class Child(_Base):\n    pass\n"
         "def use():\n    return _helper.__name__, _Base.__name__, _Base().who()\n"
         "import os.path as _osp\nimport json as _json\nfrom math import sqrt as _sqrt\n"
         "def libs():\n    return _osp.basename('/a/b'), _json.dumps(1), _sqrt(9)\n")
    rt, sink = make(("a", a), ("b", "r = (use(), Child().who(), libs())"))
    assert sink.errors == {}
    assert rt.namespace["r"] == (("_helper", "_Base", "_Base"), "Child", ("b", "1", 3.0))
    assert pickle.loads(pickle.dumps(rt.namespace["r"])) == rt.namespace["r"]


def test_recursive_private_function_and_match_and_except_names():
    a = ("def _fact(n):\n    return 1 if n < 2 else n * _fact(n - 1)\n"
         "fact = lambda n: _fact(n)\n"
         "match [1, 2]:\n    case [_first, *_rest]:\n        pass\n"
         "head = lambda: (_first, _rest)\n")
    rt, sink = make(("a", a), ("b", "r = (fact(5), head())"))
    assert sink.errors == {}
    assert rt.namespace["r"] == (120, (1, [2]))


def test_name_errors_show_the_name_the_user_wrote():
    _rt, sink = make(("a", "print(_q)\n_q = 1\nh = lambda: _q"))
    error = sink.errors["a"]
    assert error.message == "NameError: name '_q' is not defined"
    assert "__rf" not in (error.traceback or "")


def test_a_private_read_but_not_bound_by_the_cell_is_not_renamed():
    sink = CollectingSink()
    rt = Runtime(sink)
    rt.namespace["_"] = "last output"  # what IPython keeps in the kernel's namespace
    rt.set_cells([("a", "f = lambda: _\nv = f()")])
    rt.run_all()
    assert rt.namespace["v"] == "last output"


def test_cache_digest_of_a_function_keeping_a_private_does_not_depend_on_the_cell_id():
    from reflow.cache.codehash import code_digest
    from reflow.cache.functions import function_version

    def version(cell_id: str) -> tuple[bytes, bytes]:
        rt = Runtime(CollectingSink())
        rt.set_cells([(cell_id, "_k = 3\ndef f(x):\n    return x * _k")])
        rt.run_all()
        fn = rt.namespace["f"]
        return function_version(fn), code_digest(fn.__code__)

    assert version("first-session-id") == version("other-session-id")


def test_another_cell_cannot_read_a_kept_private():
    rt, sink = make(("a", "_k = 1\nf = lambda: _k"), ("b", "y = _k"))
    assert sink.errors["b"].message == "NameError: name '_k' is not defined"
    assert rt.namespace["f"]() == 1
