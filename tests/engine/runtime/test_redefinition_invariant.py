"""The invariant of redefinition semantics (DESIGN.md "Reactive semantics"), by hypothesis:

after any finished sequence of edits, runs, moves, deletes, additions and lazy-mode
episodes, every cell's status, stdout, last value and error kind, and the
namespace's user names, equal those of a fresh Runtime running the same cells
top to bottom (``run_all``).

Notebooks are small and dense on purpose: a few names (``a``, ``b``, ``c`` and a
list ``lst``) assigned by several cells, read before and after, mutated in place
(``lst[0] = a``, ``lst[0] += 1``), deleted, printed and shown. A second property adds
functions whose bodies read those names (``def f(): return a``), defined above or below
the cells that bind them, and cells calling them: deferred reads bind at the caller;
and conditional redefinitions (``if a > 1: b = 0``), which may leave the version above.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reflow.runtime import CollectingSink, Runtime

SCALARS = ["a", "b", "c"]
NAMES = [*SCALARS, "lst"]

_scalar = st.sampled_from(SCALARS)
_statement = st.one_of(
    st.builds("{} = {}".format, _scalar, st.integers(0, 3)),
    st.builds("{} = {} + 1".format, _scalar, _scalar),
    st.builds(lambda n: f"{n} = {n} + 1", _scalar),
    st.builds("lst = [{}]".format, _scalar),
    st.builds("lst[0] = {}".format, _scalar),
    st.just("lst[0] += 1"),
    st.builds("{} = len(lst)".format, _scalar),
    st.builds("print({})".format, st.sampled_from(NAMES)),
    st.builds("del {}".format, st.sampled_from(NAMES)),
)
# A cell: one or two statements, sometimes ending with an expression shown as output.
code = st.builds(
    lambda stmts, shown: "\n".join(stmts + ([shown] if shown else [])),
    st.lists(_statement, min_size=1, max_size=2),
    st.one_of(st.none(), st.sampled_from(NAMES)),
)


@dataclass(frozen=True)
class Op:
    kind: str           # edit | run | move | delete | add | run_all | lazy
    index: int = 0      # which cell (modulo the current count)
    target: int = 0     # move: new position; add: position
    code: str = ""
    run: bool = True    # lazy edit: run the cell after editing it
    inner: tuple[Op, ...] = ()


_plain_ops = st.one_of(
    st.builds(Op, kind=st.just("edit"), index=st.integers(0, 20), code=code, run=st.booleans()),
    st.builds(Op, kind=st.just("run"), index=st.integers(0, 20)),
    st.builds(Op, kind=st.just("move"), index=st.integers(0, 20), target=st.integers(0, 20)),
    st.builds(Op, kind=st.just("delete"), index=st.integers(0, 20)),
    st.builds(Op, kind=st.just("add"), target=st.integers(0, 20), code=code),
    st.builds(Op, kind=st.just("run_all")),
)
ops = st.lists(
    st.one_of(_plain_ops, st.builds(Op, kind=st.just("lazy"), inner=st.lists(_plain_ops, min_size=1, max_size=3)
                                    .map(tuple))),
    min_size=1, max_size=6,
)
notebooks = st.lists(code, min_size=4, max_size=8)

# Functions reading globals at call time: defined anywhere, called anywhere.
_function_statement = st.one_of(
    _statement,
    st.builds("def f():\n    return {} + 1".format, _scalar),
    st.builds("def g():\n    return f() + {}".format, _scalar),
    st.builds("h = lambda: {}".format, st.sampled_from(NAMES)),
    st.builds("{} = f()".format, _scalar),
    st.builds("print(g())".format),
    st.builds("print(h())".format),
    st.builds("{} = g() + 1".format, _scalar),
    # bound on some paths only: a false condition leaves the version above
    st.builds("if {} > 1:\n    {} = {}".format, _scalar, _scalar, st.integers(0, 3)),
    st.builds(lambda n: f"while {n} < 2:\n    {n} = {n} + 1", _scalar),
)
code_with_functions = st.builds(
    lambda stmts, shown: "\n".join(stmts + ([shown] if shown else [])),
    st.lists(_function_statement, min_size=1, max_size=2),
    st.one_of(st.none(), st.sampled_from(NAMES)),
)
_function_ops = st.one_of(
    st.builds(Op, kind=st.just("edit"), index=st.integers(0, 20), code=code_with_functions, run=st.booleans()),
    st.builds(Op, kind=st.just("run"), index=st.integers(0, 20)),
    st.builds(Op, kind=st.just("move"), index=st.integers(0, 20), target=st.integers(0, 20)),
    st.builds(Op, kind=st.just("delete"), index=st.integers(0, 20)),
    st.builds(Op, kind=st.just("add"), target=st.integers(0, 20), code=code_with_functions),
    st.builds(Op, kind=st.just("run_all")),
)
function_ops = st.lists(
    st.one_of(_function_ops, st.builds(Op, kind=st.just("lazy"), inner=st.lists(_function_ops, min_size=1,
                                                                                 max_size=3).map(tuple))),
    min_size=1, max_size=6,
)
function_notebooks = st.lists(code_with_functions, min_size=4, max_size=8)


def observe(rt: Runtime, sink: CollectingSink) -> tuple[dict, dict]:
    cells = {}
    for cell in rt.cells():
        error = sink.errors.get(cell)
        cells[cell] = (
            rt.status(cell),
            sink.stdout(cell),
            repr(sink.outputs[cell]) if cell in sink.outputs else None,
            (error.kind, error.ename) if error else None,
        )
    names = {k: repr(v) for k, v in rt.namespace.items() if k in NAMES}
    return cells, names


def fresh(rt: Runtime) -> tuple[dict, dict]:
    sink = CollectingSink()
    other = Runtime(sink)
    other.set_cells([(c, rt.code(c)) for c in rt.cells()])
    other.run_all()
    return observe(other, sink)


class Session:
    """The notebook as the kernel drives it: edits run in auto mode, moves, deletes, adds."""

    def __init__(self, sources: list[str]) -> None:
        self.sink = CollectingSink()
        self.rt = Runtime(self.sink)
        self.next_id = len(sources)
        self.rt.set_cells([(f"c{i}", src) for i, src in enumerate(sources)])
        self.rt.run_all()

    def apply(self, op: Op) -> None:
        rt = self.rt
        cells = rt.cells()
        pick = cells[op.index % len(cells)] if cells else None
        if op.kind == "edit" and pick:
            rt.edit_cell(pick, op.code)
            if rt.mode == "auto" or op.run:
                rt.run_cells([pick])
        elif op.kind == "run" and pick:
            rt.run_cells([pick])
        elif op.kind == "move" and pick:
            order = [c for c in cells if c != pick]
            order.insert(op.target % (len(order) + 1), pick)
            rt.set_order(order)
        elif op.kind == "delete" and pick and len(cells) > 1:
            rt.delete_cell(pick)
        elif op.kind == "add":
            cid = f"c{self.next_id}"
            self.next_id += 1
            order = list(cells)
            order.insert(op.target % (len(order) + 1), cid)
            rt.edit_cell(cid, op.code)
            rt.set_order(order)
            if rt.mode == "auto":
                rt.run_cells([cid])
        elif op.kind == "run_all":
            rt.run_all()
        elif op.kind == "lazy":
            rt.set_mode("lazy")
            for inner in op.inner:
                self.apply(inner)
            rt.run_stale()
            rt.set_mode("auto")


def check(session: Session, history: list[Op]) -> None:
    got_cells, got_names = observe(session.rt, session.sink)
    want_cells, want_names = fresh(session.rt)
    context = "\n".join(f"{c}: {session.rt.code(c)!r}" for c in session.rt.cells())
    assert got_names == want_names, f"namespace differs after {history}\n{context}"
    for cell in want_cells:
        assert got_cells[cell] == want_cells[cell], f"cell {cell} differs after {history}\n{context}"


@settings(max_examples=150, deadline=None)
@given(notebooks, ops)
def test_any_sequence_of_operations_equals_a_fresh_top_to_bottom_run(sources, operations):
    session = Session(sources)
    check(session, [])
    history: list[Op] = []
    for op in operations:
        session.apply(op)
        history.append(op)
        check(session, history)


@st.composite
def python_valid_notebooks(draw: st.DrawFn) -> list[str]:
    """Notebooks ``python nb.py`` runs cleanly, by construction: a statement reads only
    names bound above it, but a function body may read names bound only further down,
    as long as every call comes after them."""
    bound: set[str] = set()
    needs: dict[str, set[str]] = {}  # function -> names its body reads at call time

    def callable_now(function: str) -> bool:
        seen: set[str] = set()
        todo = [function]
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            if name not in bound:
                return False
            todo.extend(needs.get(name, ()))
        return True

    cells = []
    for _ in range(draw(st.integers(3, 7))):
        lines = []
        for _ in range(draw(st.integers(1, 3))):
            target = draw(_scalar)
            choices = [f"{target} = {draw(st.integers(0, 3))}"]
            choices.append("def f():\n    return {} + 1".format(draw(_scalar)))
            choices.append("def g():\n    return f() + {}".format(draw(_scalar)))
            choices.extend(f"print({n})" for n in sorted(bound & set(SCALARS)))
            choices.extend(f"{target} = {n} + 1" for n in sorted(bound & set(SCALARS)))
            choices.extend(f"{target} = {fn}()" for fn in ("f", "g") if callable_now(fn))
            choices.extend(f"print({fn}())" for fn in ("f", "g") if callable_now(fn))
            line = draw(st.sampled_from(choices))
            if line.startswith("def "):
                name = line[4]
                body = line.split("return ")[1]
                needs[name] = {t for t in ("f", *SCALARS) if t in body.replace("+", " ").replace("()", " ").split()}
                bound.add(name)
            elif " = " in line:
                bound.add(line.split(" = ")[0])
            lines.append(line)
        cells.append("\n".join(lines))
    return cells


@settings(max_examples=150, deadline=None)
@given(st.one_of(function_notebooks, python_valid_notebooks()), function_ops)
def test_functions_reading_later_globals_equal_a_fresh_run(sources, operations):
    session = Session(sources)
    check(session, [])
    history: list[Op] = []
    for op in operations:
        session.apply(op)
        history.append(op)
        check(session, history)


def plain_python(sources: list[str]) -> tuple[list[str], dict] | None:
    """stdout per cell and the user names of ``exec`` top to bottom; None if a cell raised."""
    import contextlib
    import io

    namespace: dict = {}
    outputs = []
    for source in sources:
        buffer = io.StringIO()
        try:
            with contextlib.redirect_stdout(buffer):
                exec(compile(source, "<cell>", "exec"), namespace)
        except Exception:
            return None
        outputs.append(buffer.getvalue())
    return outputs, {k: repr(v) for k, v in namespace.items() if k in NAMES}


@settings(max_examples=150, deadline=None)
@given(python_valid_notebooks())
def test_notebooks_python_runs_top_to_bottom_run_the_same_in_reflow(sources):
    """Whatever ``python nb.py`` runs cleanly (functions reading names defined further
    down included) Reflow runs too, with the same prints and namespace, and without
    graph errors."""
    expected = plain_python(sources)
    if expected is None:
        return
    session = Session(sources)
    assert session.rt.graph.errors() == {}, sources
    assert [session.sink.stdout(c) for c in session.rt.cells()] == expected[0], sources
    assert {k: repr(v) for k, v in session.rt.namespace.items() if k in NAMES} == expected[1], sources


def test_fixed_example_with_every_kind_of_operation():
    """A readable instance of the property (and a guard that the strategies reach these paths)."""
    session = Session(["a = 1\nlst = [a]", "print(a)", "a = a + 1", "lst[0] += 1\nlst", "print(a)"])
    ns = session.rt.namespace
    steps = [
        (Op("run", index=3), {"a": 2, "lst": [2]}),              # the mutator re-runs: not mutated twice
        (Op("edit", index=2, code="a = 10"), {"a": 10, "lst": [2]}),
        (Op("move", index=1, target=4), {"a": 10, "lst": [2]}),   # print(a) moves below a = 10
        (Op("delete", index=2), {"a": 10, "lst": [1]}),           # the mutator goes: lst = [a] again
        (Op("add", target=1, code="a = 5"), {"a": 10, "lst": [1]}),
        (Op("lazy", inner=(Op("edit", index=0, code="a = 2\nlst = [a]", run=True), Op("run", index=3))),
         {"a": 10, "lst": [2]}),
        (Op("run_all"), {"a": 10, "lst": [2]}),
    ]
    for step, expected in steps:
        session.apply(step)
        check(session, [step])
        assert {k: ns[k] for k in expected} == expected, step
    assert session.sink.stdout("c1") == "10\n"


# Sequences hypothesis found while the semantics were built; each one broke the invariant once.
FOUND = [
    # an edit dissolves a chain elsewhere: two untouched cells now form a cycle
    (["print(a)\ndel a\nb", "c = c + 1", "b = 0\nprint(lst)\nc", "lst = [a]\nb = 2\nb", "lst[0] += 1"],
     [Op("add", target=2, code="c = c + 1\na = 0"), Op("lazy", inner=(Op("run", index=11),)),
      Op("move", index=13, target=0), Op("edit", index=0, code="a = a + 1"), Op("edit", index=11, code="b = 1")]),
    # the deleted definer's object was mutated by a later cell: it still goes with the definer
    (["a = 0", "a = 0", "lst[0] = a", "lst[0] += 1"], [Op("add", target=1, code="lst = [a]"), Op("delete", index=1)]),
    # a conditional redefinition whose condition is false leaves the version above it
    (["a = 0", "c = 0", "if c > 1:\n    a = 3", "print(a)"], [Op("run", index=2)]),
    (["a = 0", "c = 3", "if c > 1:\n    a = 3", "print(a)"], [Op("edit", index=1, code="c = 0")]),
    # a caller moved above the cell defining its function and the function's own global
    (["def f():\n    return b + 1\nb = 0", "a = 0", "a = f()", "a = 0", "a = 0"], [Op("move", index=0, target=2)]),
    # a chain member in a cycle leaves the version above it in the namespace
    (["a = 0", "a = 0", "a = 0", "a = 0\nb = b + 1"], [Op("edit", index=1, code="a = b + 1")]),
    (["lst[0] += 1", "a = 0", "a = 0", "a = 0", "b = b + 1"], [Op("edit", index=13, code="b = b + 1")]),
    # a cell waiting below a cycle must not run before the cycle reports
    (["print(a)", "print(a)\nc", "b = 3", "b = len(lst)\na", "b = a + 1\nlst[0] += 1"],
     [Op("edit", index=19, code="del lst\nb"), Op("run", index=5), Op("delete", index=7),
      Op("edit", index=8, code="a = len(lst)\ndel c\na"), Op("delete", index=6), Op("move", index=8, target=9)]),
    # a skipped deleter of an order-free name: the definer's value comes back
    (["c = 3", "c = 3", "lst[0] += 1\ndel lst", "del c\nb = b + 1", "b = b + 1\ndel c", "lst[0] += 1",
      "lst[0] += 1\ndel lst", "print(a)\nlst = [a]\nlst"],
     [Op("run_all"), Op("run", index=12), Op("delete", index=12), Op("move", index=20, target=19),
      Op("edit", index=7, code="lst[0] += 1\nb = b + 1")]),
    # a cell failing before its `del` did not delete
    (["lst[0] += 1\ndel lst\nb", "del lst\nb = b + 1", "c = c + 1\ndel a\na", "a = 3\nb = 0"],
     [Op("lazy", inner=(Op("delete", index=12), Op("run", index=13), Op("edit", index=5, code="print(c)\nc"))),
      Op("delete", index=11), Op("edit", index=9, code="a = 3", run=False), Op("move", index=12, target=4)]),
    # an edit drops a read that ordered a `del` cell after it: the deleter is no longer blocked
    (["lst = [c]", "del b\ndel lst\nb", "del c\nc", "b = b + 1\nlst[0] = b"],
     [Op("edit", index=3, code="a = 0\nlst = [c]\na", run=False), Op("add", target=13, code="lst[0] = b\na = 1"),
      Op("delete", index=20), Op("lazy", inner=(Op("run", index=13),)), Op("move", index=20, target=3),
      Op("edit", index=2, code="b = b + 1\nlst")]),
    # the last member is blocked: the member above it that still executes (and fails) ends the chain
    (["lst[0] = c", "lst = [a]\nc = 2", "a = 0", "lst = [a]\nlst = [b]\nb", "c = 2", "a = b + 1", "a = len(lst)",
      "lst[0] = c"],
     [Op("run", index=10)]),
    # two cells delete one name: display order decides which one deletes it first
    (["del a\na", "lst = [c]\ndel a", "del a\na", "c = 3"], [Op("edit", index=8, code="a = 0")]),
    # a repair re-runs a cell that also redefines another name: that name's last member follows
    (["del b\na = 0", "b = 0\na = 2", "a = 0\na", "del lst\nlst = [a]", "c = c + 1\nprint(a)\nc",
      "lst = [a]\nlst = [b]", "del lst\nb = 1"], [Op("delete", index=12), Op("delete", index=12)]),
    # lazy run_stale: a repair run after the plan must not hide the cells the plan staled
    (["a = c + 1\nc", "print(a)\nprint(a)", "lst[0] = a\nb", "c = len(lst)\ndel a", "b = 0\na = b + 1\nb", "a = 1",
      "b = c + 1"],
     [Op("move", index=15, target=8), Op("add", target=12, code="c = a + 1"),
      Op("add", target=15, code="print(c)\nlst[0] = a"), Op("move", index=5, target=18), Op("move", index=10, target=8),
      Op("lazy", inner=(Op("run_all"),))]),
    # lazy: a provider re-run only to restore a version (c0's g for the moved caller) must not
    # stale its own readers (c1 reads c0's b, unchanged)
    (["def g():\n    return f() + a\nb = 0", "print(b)\na = 0\na = 0", "def f():\n    return a + 1\na = 0\na = 0",
      "a = 0\na = 0\ndef g():\n    return f() + a", "a = 0", "a = 0", "a = 0"],
     [Op("run", index=0), Op("delete", index=4), Op("edit", index=5, code="a = g() + 1", run=False),
      Op("lazy", inner=(Op("run", index=13), Op("move", index=17, target=15)))]),
    # `del a` of an order-free name runs after a caller that reads `a` through a function body
    (["b = 0", "def f():\n    return a + 1\na = 0", "print(f())"], [Op("add", target=0, code="del a")]),
    (["b = 0", "a = 0\ndef f():\n    return a + 1\na = 0", "print(f())\nprint(b)"],
     [Op("move", index=2, target=0), Op("add", target=0, code="del a")]),
    (["b = 0", "a = 0\ndef f():\n    return a + 1\na = 0", "print(f())\nprint(b)"],
     [Op("add", target=0, code="del a"), Op("run", index=1)]),
    # run_stale re-ran a cell that had failed in its first round; the re-run re-bound its name (b) and
    # staled that name's final writer, which the loop then left stale (b missing, cell stale)
    (["a = 0\nb = 0", "a = 0"],
     [Op("add", target=0, code="b = len(lst)"), Op("lazy", inner=(Op("run", index=0),))]),
    (["a = 0\nb = 0", "a = 0"],
     [Op("add", target=0, code="b = len(lst)"), Op("lazy", inner=(Op("run", index=1),))]),
    # ...but a failed cell that a later round stales anew does run again (its name's final writer)
    (["a = 0\na = 0\nc = 0", "a = 0", "b = 0", "a = 0", "a = 0\nprint(b)", "print(b)", "def f():\n    return b + 1"],
     [Op("edit", index=16, code="a = 0", run=False), Op("lazy", inner=(Op("add", target=0, code="c = 0"),))]),
    # a caller reads the globals of the functions it calls at its own position, also names the
    # function's cell reads at top level too (`print(a)` beside `def f(): return a + 1`): an edit
    # of the chain's first writer re-ran `a = f()` but not the plain `a = 0` between them
    (["a = 0\nc = 0", "def f():\n    return a + 1\nprint(a)", "b = 0", "a = 0", "a = f()",
      "def f():\n    return a + 1", "def f():\n    return a + 1"],
     [Op("edit", index=0, code="a = 1", run=False)]),
    (["a = 0\na = 0\nc = 0", "def f():\n    return a + 1\nprint(a)", "b = 0", "a = 0", "a = f()\na = 0",
      "a = 0", "a = 0"],
     [Op("edit", index=5, code="a = a + 1", run=False)]),
    # rounds of run_stale that stale each other in turn: a lazy edit makes `a = a + 1\nc` read `c` from
    # a cell below it, whose run stales it again, while its own run stales that cell and the final
    # `a = 0`; the rounds ping-ponged until the limit and left two cells stale
    (["a = 0", "a = 0", "a = 0\na = 0\na = 0", "b = 0\na = 0", "c = 0\nb = 0", "a = 0"],
     [Op("move", index=0, target=3), Op("lazy", inner=(Op("edit", index=3, code="a = a + 1\nc", run=False),))]),
    # the same in turn through a function body: a caller re-run reads a chain name through `f`, the
    # chain's final writer re-runs and re-stales the caller (was the one OPEN sequence)
    (["b = 0", "a = 0\ndef f():\n    return a + 1\na = 0", "print(f())"],
     [Op("move", index=2, target=0), Op("add", target=0, code="a = 0"), Op("lazy", inner=(Op("run", index=1),))]),
    # a cell failing before its assignment (`b = b + 1` with no `b`) took a later version of a name it
    # assigns (`c`, bound by a cell below that did not re-run) out of the namespace (was the OPEN sequence)
    (["lst[0] += 1", "b = b + 1\nc = len(lst)", "a = 0\nc = 0", "a = 0", "a = 0\nc = 0\nb"], [Op("run", index=1)]),
    # lazy run_stale: a cell that failed in the first round (`lst[0] = a`) and that the second round staled
    # anew (it now reads `a` from the cell below, which failed) was left stale: the loop stopped because the
    # stale set had the same cells as before the round, though one of them was staled anew
    (["a = 0\nb = 0\nc = 0", "def f():\n    return a + 1", "def f():\n    return a + 1", "a = 0",
      "a = 0\nprint(c)", "def f():\n    return a + 1"],
     [Op("delete", index=3), Op("add", target=1, code="lst[0] = a"),
      Op("lazy", inner=(Op("edit", index=0, code="b = 0", run=False),))]),
]


@pytest.mark.parametrize("sources,operations", FOUND)
def test_sequences_found_by_hypothesis(sources, operations):
    session = Session(sources)
    history: list[Op] = []
    for op in operations:
        session.apply(op)
        history.append(op)
        check(session, history)


def test_interrupted_run_then_run_stale_equals_a_fresh_run(monkeypatch):
    """An interrupt cancels the rest of a run mid-chain; running the stale cells finishes it."""
    import builtins

    gate = "if getattr(__import__('builtins'), 'reflow_test_stop', False):\n    raise KeyboardInterrupt\n"
    session = Session(["lst = [0]", "lst[0] += 1", gate + "a = len(lst)", "lst[0] += 10\nprint(lst)", "print(a)"])
    monkeypatch.setattr(builtins, "reflow_test_stop", True, raising=False)
    session.rt.run_cells(["c1"])  # re-runs c0, c1, then c2 is interrupted: c3, c4 cancelled
    assert session.rt.status("c2") == "interrupted"
    assert session.rt.status("c3") == "cancelled"
    monkeypatch.setattr(builtins, "reflow_test_stop", False)
    session.rt.run_stale()
    check(session, [Op("run", index=1)])
    assert session.rt.namespace["lst"] == [11]
