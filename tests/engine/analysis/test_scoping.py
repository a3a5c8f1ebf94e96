"""Analysis agrees with Python's own scoping where it used to differ (issue 13, item 3)."""

from __future__ import annotations

import ast
import sys

import pytest

from reflow.analysis import analyze_cell
from reflow.analysis.analyze import _result, _walk

needs_pep695 = pytest.mark.skipif(sys.version_info < (3, 12), reason="PEP 695 syntax needs Python 3.12+")


def names(source: str) -> tuple[set[str], set[str]]:
    result = analyze_cell(source)
    assert result.error is None, result.error
    return set(result.defs), set(result.refs)


def run_fails_with_name_error(source: str, name: str) -> bool:
    """What Python itself says: is ``name`` unbound after running ``source``?"""
    ns: dict = {"E": ValueError}
    exec(source, ns)
    return name not in ns


def test_function_level_del_of_a_global_is_a_read_not_a_definition():
    source = "def f():\n    global x\n    del x"
    assert names(source) == ({"f"}, {"x"})
    ns: dict = {"x": 1}
    exec(source + "\nf()", ns)
    assert "x" not in ns  # it needs x to exist and removes it: never provides it


def test_function_level_del_of_a_local_stays_local():
    assert names("def f():\n    x = 1\n    del x") == ({"f"}, set())


def test_assigning_the_global_still_defines_it():
    assert names("def f():\n    global x\n    x = 1\n    del x") == ({"f", "x"}, set())


def test_except_name_is_unbound_after_the_handler_even_if_reassigned():
    source = "try:\n    raise E\nexcept E as e:\n    e = 5\n"
    assert run_fails_with_name_error(source, "e")
    assert names(source) == (set(), {"E"})
    assert names(source + "print(e)") == (set(), {"E", "e"})


def test_except_name_bound_before_the_try_stays_a_definition():
    assert names("e = 1\ntry:\n    pass\nexcept E as e:\n    e = 2") == ({"e"}, {"E"})


def test_except_name_in_a_class_body_is_not_a_definition():
    assert names("class C:\n    try:\n        pass\n    except E as e:\n        e = 1") == ({"C"}, {"E"})


@needs_pep695
def test_pep695_function_type_parameters_are_local():
    assert names("def f[T](x: T) -> T:\n    y: T = x\n    return y") == ({"f"}, set())
    assert names("def f[T: Base](x: T = d) -> T:\n    return x") == ({"f"}, {"Base", "d"})


@needs_pep695
def test_pep695_class_type_parameters_are_local():
    assert names("class C[T](Generic):\n    def get(self) -> T:\n        return T") == ({"C"}, {"Generic"})
    assert names("class C[K, *Ts, **P](Base[K]):\n    pass") == ({"C"}, {"Base"})


@needs_pep695
def test_pep695_type_alias_defines_its_name_only():
    assert names("type Pair[T] = tuple[T, T]") == ({"Pair"}, set())
    assert names("type Row = list[Cell]") == ({"Row"}, {"Cell"})


@needs_pep695
def test_pep695_type_parameter_does_not_hide_a_later_global_read():
    assert names("def f[T](x: T) -> T:\n    return x\ny = T") == ({"f", "y"}, {"T"})


class _FakeTypeVar(ast.AST):
    """Stands in for 3.12's ``ast.TypeVar`` so the rule is checked on 3.11 too."""

    _fields = ("name", "bound")


def _with_type_params(source: str, *params: str) -> tuple[set[str], set[str]]:
    tree = ast.parse(source)
    tree.body[0].type_params = [_FakeTypeVar(name=p, bound=None) for p in params]  # type: ignore[attr-defined]
    analysis = _result(_walk(tree))
    return set(analysis.defs), set(analysis.refs)


def test_type_parameters_are_local_on_the_walk_itself():
    assert _with_type_params("def f(x: T) -> T:\n    return T", "T") == ({"f"}, set())
    assert _with_type_params("class C(Base[T]):\n    def m(self) -> T:\n        return T", "T") == ({"C"}, {"Base"})
    assert _with_type_params("def f(x: T = T) -> T:\n    pass", "T") == ({"f"}, {"T"})  # defaults run outside
