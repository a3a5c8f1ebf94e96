"""Properties that hold for any input: analyze_cell never raises, and its sets obey
the contract's invariants (no builtins or private names in refs, deleted ⊆ refs...)."""

from __future__ import annotations

import keyword

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reflow.analysis import BUILTINS, CellAnalysis, analyze_cell, is_private


def _check_invariants(result: CellAnalysis) -> None:
    if result.error is not None:
        assert result.error.kind in ("syntax", "star-import")
        assert isinstance(result.error.message, str) and result.error.message
        assert not (result.defs or result.refs or result.privates or result.deleted or result.imports)
        return
    assert not any(is_private(name) for name in result.defs | result.refs)
    assert all(is_private(name) for name in result.privates)
    assert not result.refs & BUILTINS
    assert result.builtin_refs <= BUILTINS
    assert result.deleted <= result.refs
    assert not result.defs & result.privates


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_never_raises_on_arbitrary_text(source: str) -> None:
    _check_invariants(analyze_cell(source))


@settings(max_examples=200)
@given(st.binary())
def test_never_raises_on_binary_junk(data: bytes) -> None:
    _check_invariants(analyze_cell(data.decode("latin-1")))


_NAMES = st.sampled_from(["a", "b", "x", "_p", "__d__", "print", "len", "self", "f", "C"])
_TOKENS = st.one_of(
    _NAMES,
    st.sampled_from(
        [" ", "\n", "    ", "=", "+=", ":", ",", "(", ")", "[", "]", "{", "}", ".", ":=",
         "*", "**", "->", "@", "'s'", "1", "f'{x}'", "lambda", "def", "class", "for",
         "in", "if", "else", "while", "return", "global", "nonlocal", "del", "import",
         "from", "as", "with", "try:", "except", "match", "case", "async", "await",
         "yield", "not", "and", "or", "pass"]
    ),
)


@settings(max_examples=500)
@given(st.lists(_TOKENS, max_size=40).map("".join))
def test_never_raises_on_python_like_text(source: str) -> None:
    """Token soup hits many near-valid programs, so the visitor itself is exercised."""
    _check_invariants(analyze_cell(source))


_SIMPLE_STATEMENT = st.builds(
    lambda target, a, b, op: f"{target} = {a} {op} {b}",
    _NAMES.filter(lambda n: n not in keyword.kwlist),
    _NAMES,
    _NAMES,
    st.sampled_from(["+", "-", "*", "and", "or"]),
)


@settings(max_examples=300)
@given(st.lists(_SIMPLE_STATEMENT, min_size=1, max_size=8))
def test_straight_line_code_matches_ordered_semantics(lines: list[str]) -> None:
    """For straight-line assignments, refs are exactly the names read before bound."""
    bound: set[str] = set()
    expected_refs: set[str] = set()
    for line in lines:
        target, expr = line.split(" = ")
        left, _, right = expr.split(" ")
        for name in (left, right):
            if name not in bound and not is_private(name) and name not in BUILTINS:
                expected_refs.add(name)
        bound.add(target)
    result = analyze_cell("\n".join(lines))
    assert result.error is None
    assert result.refs == expected_refs
    assert result.defs == {n for n in bound if not is_private(n)}


@given(st.text(max_size=200))
def test_deterministic(source: str) -> None:
    assert analyze_cell(source) == analyze_cell(source)
