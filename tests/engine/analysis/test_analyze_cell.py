"""Table of constructs: what `analyze_cell` reports as defs and refs, and why."""

from __future__ import annotations

import sys
import textwrap

import pytest

from reflow.analysis import AnalysisError, CellAnalysis, analyze_cell


def _analyze(source: str) -> CellAnalysis:
    result = analyze_cell(textwrap.dedent(source))
    assert result.error is None, result.error
    return result


# (id, source, defs, refs)
CASES: list[tuple[str, str, set[str], set[str]]] = [
    # --- assignments and ordering at top level
    ("assign", "x = 1", {"x"}, set()),
    ("assign-reads", "y = x + 1", {"y"}, {"x"}),
    ("self-reference", "x = x + 1", {"x"}, {"x"}),
    ("use-before-def", "print(x)\nx = 1", {"x"}, {"x"}),
    ("def-before-use", "x = 1\nprint(x)", {"x"}, set()),
    ("tuple-unpack", "a, (b, *c) = d", {"a", "b", "c"}, {"d"}),
    ("chained", "a = b = c", {"a", "b"}, {"c"}),
    ("attribute-store", "obj.attr = value", set(), {"obj", "value"}),
    ("subscript-store", "d[k] = v", set(), {"d", "k", "v"}),
    ("conditional", "if c:\n    x = 1\nelse:\n    y = 2", {"x", "y"}, {"c"}),
    ("while", "while cond():\n    x = step(x)", {"x"}, {"cond", "step", "x"}),
    ("loop-read-before-bind", "for i in r:\n    print(y)\n    y = i", {"i", "y"}, {"r", "y"}),
    # --- augmented assignment: read then rebind
    ("augassign", "x += 1", {"x"}, {"x"}),
    ("augassign-after-bind", "x = 0\nx += 1", {"x"}, set()),
    ("augassign-attribute", "obj.n += step", set(), {"obj", "step"}),
    ("augassign-subscript", "d[k] -= 1", set(), {"d", "k"}),
    # --- annotations
    ("annassign", "x: int = y", {"x"}, {"y"}),
    ("annassign-ref", "x: Foo = 1", {"x"}, {"Foo"}),
    ("bare-annotation", "x: Foo", set(), {"Foo"}),
    ("string-annotation", "x: 'Foo' = 1", {"x"}, set()),
    ("annassign-attribute", "obj.x: int = v", set(), {"obj", "v"}),
    ("function-annotations", "def f(a: A, *b: B, c: C = d, **e: E) -> R:\n    pass", {"f"}, {"A", "B", "C", "d", "E", "R"}),
    ("string-function-annotations", "def f(a: 'A') -> 'R':\n    pass", {"f"}, set()),
    ("local-annotation", "def f():\n    x: T = 1\n    return x", {"f"}, {"T"}),
    ("local-bare-annotation-makes-local", "def f():\n    x: int\n    return x", {"f"}, set()),
    # --- functions
    ("function", "def f(a):\n    return a + b", {"f"}, {"b"}),
    ("function-later-def", "def f():\n    return y\ny = 1", {"f", "y"}, set()),
    ("function-earlier-def", "y = 1\ndef f():\n    return y", {"f", "y"}, set()),
    ("recursion", "def f(n):\n    return f(n - 1)", {"f"}, set()),
    ("default-outer", "def f(a=x):\n    x = 1\n    return a", {"f"}, {"x"}),
    ("default-eager", "def f(a=x):\n    pass\nx = 1", {"f", "x"}, {"x"}),
    ("kwonly-default", "def f(*, a=x):\n    pass", {"f"}, {"x"}),
    ("locals-are-local", "def f():\n    x = 1\n    return x", {"f"}, set()),
    ("local-read-before-assign", "def f():\n    print(x)\n    x = 1", {"f"}, set()),
    ("decorator", "@dec(arg)\ndef f():\n    pass", {"f"}, {"dec", "arg"}),
    ("decorator-before-def", "@d\ndef f():\n    pass\nd = 1", {"f", "d"}, {"d"}),
    ("nested-function", "def f():\n    def g():\n        return x\n    x = 1\n    return g", {"f"}, set()),
    ("nested-free", "def f():\n    def g():\n        return z\n    return g", {"f"}, {"z"}),
    ("del-in-function-is-local", "def f():\n    del x", {"f"}, set()),
    ("local-import", "def f():\n    import numpy as np\n    return np", {"f"}, set()),
    # --- lambdas
    ("lambda", "f = lambda a: a + b", {"f"}, {"b"}),
    ("lambda-default", "f = lambda a=x: a", {"f"}, {"x"}),
    ("lambda-later-def", "f = lambda: y\ny = 1", {"f", "y"}, set()),
    ("lambda-in-comprehension", "fs = [lambda: i for i in r]", {"fs"}, {"r"}),
    # --- global / nonlocal
    ("global-assign", "def f():\n    global g\n    g = 1", {"f", "g"}, set()),
    ("global-read", "def f():\n    global h\n    return h", {"f"}, {"h"}),
    ("global-augassign-bound", "i = 0\ndef f():\n    global i\n    i += 1", {"f", "i"}, set()),
    ("global-at-top-level", "global x\nx = 1", {"x"}, set()),
    ("nested-global", "def f():\n    def g():\n        global k\n        k = 1", {"f", "k"}, set()),
    ("nonlocal", "def f():\n    x = 1\n    def g():\n        nonlocal x\n        x = 2\n    return g", {"f"}, set()),
    # --- classes
    ("class", "class A(Base, metaclass=M):\n    pass", {"A"}, {"Base", "M"}),
    ("class-decorator", "@dec\nclass A:\n    pass", {"A"}, {"dec"}),
    ("class-attr-used-in-body", "class A:\n    x = 1\n    y = x", {"A"}, set()),
    ("class-attr-read-before-bind", "class A:\n    y = x\n    x = 1", {"A"}, {"x"}),
    ("class-body-eager", "class A:\n    z = y\ny = 1", {"A", "y"}, {"y"}),
    ("class-names-do-not-leak", "class A:\n    x = 1\nprint(x)", {"A"}, {"x"}),
    ("class-scope-hidden-from-methods", "class A:\n    x = 1\n    def m(self):\n        return x", {"A"}, {"x"}),
    ("method-uses-class-name", "class A:\n    def m(self):\n        return A()", {"A"}, set()),
    ("method-default-sees-class", "class A:\n    x = 1\n    def m(self, a=x):\n        return a", {"A"}, set()),
    ("class-comprehension-first-iter", "class A:\n    xs = [1]\n    ys = [i for i in xs]", {"A"}, set()),
    ("class-comprehension-elt-skips-class", "class A:\n    n = 1\n    ys = [n for i in range(3)]", {"A"}, {"n"}),
    ("class-in-function", "def f():\n    v = 1\n    class B:\n        w = v\n    return B", {"f"}, set()),
    # --- comprehensions and walrus
    ("listcomp", "[x for x in range(3)]", set(), set()),
    ("listcomp-free", "[f(x) for x in xs if x > t]", set(), {"f", "xs", "t"}),
    ("comprehension-var-does-not-leak", "y = [x for x in xs]\nprint(x)", {"y"}, {"xs", "x"}),
    ("first-iter-outer", "[x for x in x]", set(), {"x"}),
    ("dictcomp", "{k: v for k, v in d.items()}", set(), {"d"}),
    ("setcomp", "{a for a in s}", set(), {"s"}),
    ("genexp", "total = sum(x for x in xs)", {"total"}, {"xs"}),
    ("nested-comprehension", "[[y for y in x] for x in xs]", set(), {"xs"}),
    ("multi-generator", "[(a, b) for a in p for b in a]", set(), {"p"}),
    ("comprehension-eager", "v = [y for _ in r]\ny = 1", {"v", "y"}, {"r", "y"}),
    ("outer-var-shadowed", "x = 1\n[x for x in range(3)]\nprint(x)", {"x"}, set()),
    ("walrus", "if (n := len(a)) > 10:\n    print(n)", {"n"}, {"a"}),
    ("walrus-in-comprehension", "[y for x in xs if (z := x)]", {"z"}, {"xs", "y"}),
    ("walrus-in-nested-comprehension", "[[(w := i) for i in j] for j in k]", {"w"}, {"k"}),
    ("walrus-in-function-comprehension", "def f():\n    [(y := 1) for _ in r]\n    return y", {"f"}, {"r"}),
    # --- imports
    ("import", "import os", {"os"}, set()),
    ("import-dotted", "import os.path", {"os"}, set()),
    ("import-as", "import numpy as np", {"np"}, set()),
    ("import-dotted-as", "import a.b.c as d", {"d"}, set()),
    ("from-import", "from a.b import c, d as e", {"c", "e"}, set()),
    ("relative-import", "from . import sibling", {"sibling"}, set()),
    # --- try / with / for / del
    ("except-as", "try:\n    pass\nexcept (A, B) as e:\n    print(e)", set(), {"A", "B"}),
    ("except-name-gone-after", "try:\n    pass\nexcept E as e:\n    pass\nprint(e)", set(), {"E", "e"}),
    ("except-body-defs", "try:\n    x = f()\nexcept E:\n    x = None\nelse:\n    y = 1\nfinally:\n    z = 2", {"x", "y", "z"}, {"f", "E"}),
    ("except-in-function", "def f():\n    try:\n        pass\n    except E as e:\n        return e", {"f"}, {"E"}),
    ("with-as", "with open(p) as f, lock:\n    data = f.read()", {"f", "data"}, {"p", "lock"}),
    ("with-tuple", "with ctx() as (a, b):\n    pass", {"a", "b"}, {"ctx"}),
    ("with-attribute-target", "with a as self.x:\n    pass", set(), {"a", "self"}),
    ("for", "for i, (a, b) in enumerate(pairs):\n    pass\nelse:\n    done = True", {"i", "a", "b", "done"}, {"pairs"}),
    ("del", "del x", set(), {"x"}),
    ("del-after-bind", "x = 1\ndel x", {"x"}, set()),
    ("del-attribute", "del a.b, d[k]", set(), {"a", "d", "k"}),
    # --- match
    ("match", "match p:\n    case Point(x=a):\n        pass\n    case [b, *c]:\n        pass\n    case {'k': d, **e}:\n        pass\n    case f if f > g:\n        pass", {"a", "b", "c", "d", "e", "f"}, {"Point", "p", "g"}),
    ("match-value", "match c:\n    case Color.RED:\n        pass\n    case 1 | 2:\n        pass", set(), {"c", "Color"}),
    ("match-as", "match v:\n    case str() as s:\n        pass\n    case [a] | (a,):\n        pass", {"s", "a"}, {"v"}),
    ("match-in-function", "def f(v):\n    match v:\n        case [x]:\n            return x", {"f"}, set()),
    # --- f-strings
    ("fstring", "f'{a!r:>{width}} {b.c}'", set(), {"a", "width", "b"}),
    ("fstring-nested", "s = f\"{f'{x}'}\"", {"s"}, {"x"}),
    # --- async (top-level await is allowed in cells)
    ("async-def", "async def f():\n    async with a as b:\n        await c(b)\n    async for i in d:\n        pass", {"f"}, {"a", "c", "d"}),
    ("top-level-await", "r = await fetch(url)", {"r"}, {"fetch", "url"}),
    ("async-for-top", "async for x in src:\n    pass", {"x"}, {"src"}),
    ("async-comprehension", "async def f():\n    return [x async for x in g()]", {"f"}, {"g"}),
    # --- builtins and privates
    ("builtins-not-refs", "print(len(x))", set(), {"x"}),
    ("shadowed-builtin", "len = 3\nprint(len)", {"len"}, set()),
    ("dunder-builtins", "print(__file__, __name__, __builtins__)", set(), set()),
    ("private-not-def", "_x = 1\ny = _x", {"y"}, set()),
    ("private-not-ref", "print(_other)", set(), set()),
    ("dunder-is-global", "__all__ = ['a']\n__version__ = v", {"__all__", "__version__"}, {"v"}),
    ("dunder-read-is-ref", "print(__custom__)", set(), {"__custom__"}),
    ("underscore-private", "for _ in range(3):\n    pass", set(), set()),
    ("exec-invisible", "exec('x = 1')", set(), set()),
    ("empty", "", set(), set()),
    ("comments-only", "# nothing\n\n   \n", set(), set()),
    ("pass", "pass", set(), set()),
    ("docstring", '"""Doc."""\nx = 1', {"x"}, set()),
]


@pytest.mark.parametrize(("source", "defs", "refs"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_defs_and_refs(source: str, defs: set[str], refs: set[str]) -> None:
    result = _analyze(source)
    assert (set(result.defs), set(result.refs)) == (defs, refs)


@pytest.mark.parametrize(
    ("source", "privates"),
    [
        ("_x = 1", {"_x"}),
        ("_ = f()", {"_"}),
        ("__ = 1", {"__"}),
        ("import _thread", {"_thread"}),
        ("from m import _c, d as _e", {"_c", "_e"}),
        ("def _helper():\n    pass", {"_helper"}),
        ("class _K:\n    pass", {"_K"}),
        ("def f():\n    global _g\n    _g = 1", {"_g"}),
        ("for _i in r:\n    pass", {"_i"}),
        ("with c as _f:\n    pass", {"_f"}),
        ("[(_w := 1) for _ in r]", {"_w"}),
        ("__dunder__ = 1\n_x: int", set()),
        ("def f():\n    _local = 1", set()),
    ],
)
def test_privates(source: str, privates: set[str]) -> None:
    result = _analyze(source)
    assert set(result.privates) == privates
    assert not (result.defs | result.refs) & privates


@pytest.mark.parametrize(
    ("source", "deleted"),
    [
        ("del x", {"x"}),
        ("del x, y", {"x", "y"}),
        ("x = 1\ndel x", set()),
        ("del a.b", set()),
        ("del _p", set()),
        ("if c:\n    del x", {"x"}),
        ("def f():\n    del x", set()),
    ],
)
def test_deleted(source: str, deleted: set[str]) -> None:
    result = _analyze(source)
    assert set(result.deleted) == deleted
    assert result.deleted <= result.refs


@pytest.mark.parametrize(
    ("source", "imports"),
    [
        ("import os", {"os"}),
        ("import os.path, numpy as np", {"os", "numpy"}),
        ("from sklearn.linear_model import LinearRegression", {"sklearn"}),
        ("from . import x\nfrom .m import y", set()),
        ("def f():\n    import pandas", {"pandas"}),
        ("try:\n    import ujson as json\nexcept ImportError:\n    import json", {"ujson", "json"}),
        ("x = 1", set()),
    ],
)
def test_imports(source: str, imports: set[str]) -> None:
    assert set(_analyze(source).imports) == imports


def test_builtin_refs_reported_apart() -> None:
    result = _analyze("print(len(x))\ndef f():\n    return list\nrange = 1\nrange(2)")
    assert result.builtin_refs == {"print", "len", "list"}
    assert result.refs == {"x"}


@pytest.mark.parametrize(
    ("source", "modules"),
    [
        ("from x import *", {"x"}),
        ("from os.path import *", {"os.path"}),
        ("from . import *", {"."}),
        ("x = 1\nif c:\n    from m import *", {"m"}),
    ],
)
def test_star_import_is_listed_not_an_error(source: str, modules: set[str]) -> None:
    # Semantics changed on purpose (issue 13): star imports run; the runtime learns their names.
    result = analyze_cell(source)
    assert result.error is None
    assert result.star_imports == modules


def test_star_import_in_a_function_is_a_compile_error() -> None:
    result = analyze_cell("a = 1\n\ndef f():\n    from m import *")
    assert result.error is not None and result.error.kind == "syntax"
    assert result.error.message == "import * only allowed at module level"
    assert result.error.lineno == 4


@pytest.mark.parametrize(
    ("source", "lineno"),
    [
        ("x = (", 1),
        ("x = 1\ny = = 2", 2),
        ("def f(:\n    pass", 1),
        ("if x:\npass", 2),
        ("x = $", 1),
        ("a\x00b", None),
        ("\x00", None),
        ("print 'hello'", 1),
        ("x = " + "(" * 300 + ")" * 300, 1),
    ],
)
def test_syntax_error(source: str, lineno: int | None) -> None:
    result = analyze_cell(source)
    assert result.error is not None
    assert result.error.kind == "syntax"
    assert result.error.message
    if lineno is not None:
        assert result.error.lineno == lineno
        assert result.error.col is not None and result.error.col >= 0
    assert result.defs == result.refs == result.privates == result.deleted == result.imports == frozenset()


def test_syntax_error_column() -> None:
    error = analyze_cell("x = $").error
    assert error is not None and (error.lineno, error.col) == (1, 4)


def test_binary_junk() -> None:
    junk = bytes(range(256)).decode("latin-1") * 4
    result = analyze_cell(junk)
    assert result.error is not None and result.error.kind == "syntax"


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="`type` statements parse on 3.12+")
def test_type_statement_unsupported_on_311() -> None:
    result = analyze_cell("type Vector = list[float]")
    assert result.error is not None and result.error.kind == "syntax"


def test_huge_cell() -> None:
    source = "\n".join(f"x{i} = x{i - 1} + y{i}" for i in range(1, 20_000))
    result = _analyze(source)
    assert len(result.defs) == 19_999
    assert result.refs == {"x0"} | {f"y{i}" for i in range(1, 20_000)}


@pytest.mark.parametrize(
    "source",
    [
        "x = " + " + ".join(["a"] * 900),
        "x = " + "[" * 180 + "]" * 180,
        "x = " + "f(" * 180 + "a" + ")" * 180,
        "x = " + "not " * 900 + "a",
    ],
)
def test_deep_expressions(source: str) -> None:
    result = analyze_cell(source)
    assert result.error is None or result.error.kind == "syntax"
    if result.error is None:
        assert result.defs == {"x"}


def test_deep_expression_beyond_default_recursion_limit() -> None:
    source = "x = " + " + ".join(["a"] * 990)
    limit = sys.getrecursionlimit()
    result = analyze_cell(source)
    assert sys.getrecursionlimit() == limit
    assert result.error is None and result.refs == {"a"} and result.defs == {"x"}


def test_nbsp_is_a_syntax_error() -> None:
    # A pasted non-breaking space is not whitespace to Python: report, do not guess.
    assert analyze_cell("x =\u00a01").error is not None


def test_result_is_hashable_and_frozen() -> None:
    result = analyze_cell("x = y")
    assert hash(result) == hash(analyze_cell("x = y"))
    with pytest.raises(AttributeError):
        result.defs = frozenset()  # type: ignore[misc]


def test_compile_warnings_are_not_errors_nor_printed() -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = analyze_cell('pattern = "\\d+"\nok = x is 1')
    assert result.error is None
    assert (result.defs, result.refs) == ({"pattern", "ok"}, {"x"})
