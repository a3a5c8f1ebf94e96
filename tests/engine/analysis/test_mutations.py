"""In-place mutations (graph chains) and method-call hints (UI only) found by analyze_cell."""

from __future__ import annotations

import ast
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reflow.analysis import CellAnalysis, analyze_cell
from reflow.analysis.mutations import find_mutations


def _analyze(source: str) -> CellAnalysis:
    result = analyze_cell(textwrap.dedent(source))
    assert result.error is None, result.error
    return result


# (id, source, mutations, hints)
CASES: list[tuple[str, str, set[str], set[str]]] = [
    ("subscript-store", "df['a'] = 1", {"df"}, set()),
    ("attribute-store", "obj.x = 1", {"obj"}, set()),
    ("del-subscript", "del d[k]", {"d"}, set()),
    ("del-attribute", "del obj.attr", {"obj"}, set()),
    ("aug-subscript", "x[0] += 1", {"x"}, set()),
    ("aug-attribute", "x.count += 1", {"x"}, set()),
    ("nested-target", "x.a[0].b = 1", {"x"}, set()),
    ("tuple-target", "a[0], b.c = 1, 2", {"a", "b"}, set()),
    ("starred-target", "first, *lst[1:] = [1, 2]", {"lst"}, set()),
    ("in-loop-body", "for i in range(3):\n    lst[i] = 0", {"lst"}, set()),
    ("in-if-body", "if flag:\n    d['k'] = 1\nelse:\n    e.x = 2", {"d", "e"}, set()),
    ("in-with-body", "with ctx:\n    d['k'] = 1", {"d"}, set()),
    ("in-try-handlers", "try:\n    d[1] = 1\nexcept KeyError:\n    e[1] = 1\nfinally:\n    f[1] = 1",
     {"d", "e", "f"}, set()),
    ("for-target-subscript", "for lst[0] in range(3):\n    pass", {"lst"}, set()),
    # a name augmented as a whole is a def + ref, not a mutation
    ("aug-name", "x += 1", set(), set()),
    # the cell's own object: bound before it is mutated
    ("own-object", "x = []\nx[0] = 1", set(), set()),
    ("own-object-conditional", "if c:\n    x = {}\nx['k'] = 1", set(), set()),
    ("own-import", "import os\nos.environ['A'] = '1'", set(), set()),
    # mutated before the cell rebinds it: the foreign object is mutated first
    ("mutate-then-rebind", "x[0] = 1\nx = 2", {"x"}, set()),
    # private names belong to the cell
    ("private", "_cache['k'] = 1", set(), set()),
    # function bodies run later: not the cell's mutation
    ("in-function", "def f():\n    g[0] = 1", set(), set()),
    ("in-lambda-call", "f = lambda: lst.append(1)", set(), set()),
    ("in-class-method", "class K:\n    def m(self):\n        lst.append(1)", set(), set()),
    # the base is not a name
    ("call-base", "f().x = 1", set(), set()),
    # method calls: hints only
    ("append", "lst.append(1)", set(), {"lst"}),
    ("nested-method", "d['k'].append(1)", set(), {"d"}),
    ("inplace", "df.drop(columns=['a'], inplace=True)", set(), {"df"}),
    ("inplace-false", "df.drop(columns=['a'], inplace=False)", set(), set()),
    ("pure-method", "total = lst.count(1)", set(), set()),
    ("hint-in-expression", "n = lst.pop() + 1", set(), {"lst"}),
    ("hint-own-object", "lst = []\nlst.append(1)", set(), set()),
    ("hint-and-mutation", "lst.append(1)\nlst[0] = 2", {"lst"}, set()),
    ("walrus-own-object", "(x := [])\nx[0] = 1", set(), set()),
    ("spaced-method-call", "lst . append ( 1 )", set(), {"lst"}),
    ("sort-in-loop-header", "for v in lst.sort() or []:\n    pass", set(), {"lst"}),
]


@pytest.mark.parametrize("source,mutations,hints", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_mutations_and_hints(source: str, mutations: set[str], hints: set[str]) -> None:
    result = _analyze(source)
    assert result.mutations == mutations
    assert result.method_mutation_hints == hints


def test_errors_have_no_mutations() -> None:
    result = analyze_cell("x[0] = (")
    assert result.error is not None
    assert result.mutations == frozenset() and result.method_mutation_hints == frozenset()


def test_mutating_a_cell_defined_name_keeps_defs_and_refs_unchanged() -> None:
    result = _analyze("df['a'] = df['b'] * 2")
    assert result.defs == frozenset()
    assert result.refs == {"df"}
    assert result.mutations == {"df"}


_NAMES = st.sampled_from(["a", "b", "lst", "_p", "obj"])
_STATEMENTS = st.one_of(
    st.builds(lambda n, v: f"{n} = {v}", _NAMES, _NAMES),
    st.builds(lambda n, v: f"{n}[0] = {v}", _NAMES, _NAMES),
    st.builds(lambda n: f"{n}.attr = 1", _NAMES),
    st.builds(lambda n: f"del {n}[0]", _NAMES),
    st.builds(lambda n: f"{n}.append(1)", _NAMES),
    st.builds(lambda n: f"{n} += 1", _NAMES),
    st.builds(lambda n: f"print({n})", _NAMES),
    st.builds(lambda n, v: f"({n} := [{v}])", _NAMES, _NAMES),
    st.builds(lambda n: f"{n}.drop(inplace=True)", _NAMES),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_STATEMENTS, min_size=1, max_size=6))
def test_mutations_and_hints_are_foreign_public_refs(statements: list[str]) -> None:
    """Invariants: both sets lie within refs, are disjoint, never private."""
    result = _analyze("\n".join(statements))
    assert result.mutations <= result.refs
    assert result.method_mutation_hints <= result.refs
    assert not result.mutations & result.method_mutation_hints
    assert not any(n.startswith("_") for n in result.mutations | result.method_mutation_hints)
    # the text pre-filters only skip work: same answer as the full walk
    source = "\n".join(statements)
    assert find_mutations(ast.parse(source), source) == find_mutations(ast.parse(source))
