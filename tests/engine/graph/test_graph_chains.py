"""Redefinition semantics in reflow.graph: chains, providers, order-only edges, errors."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from reflow.graph import CycleError, DataflowGraph, MultipleDefinitionError, UndefinedAboveError


@dataclass(frozen=True)
class A:
    """Stand-in for reflow.analysis.CellAnalysis (same field names)."""

    defs: frozenset = frozenset()
    refs: frozenset = frozenset()
    deleted: frozenset = frozenset()
    mutations: frozenset = frozenset()
    privates: frozenset = frozenset()
    imports: frozenset = frozenset()
    error: object = None


def an(defs: str = "", refs: str = "", mutations: str = "", deleted: str = "") -> A:
    mut = frozenset(mutations.split())
    dele = frozenset(deleted.split())
    return A(frozenset(defs.split()), frozenset(refs.split()) | mut | dele, dele, mut)


def build(*cells: tuple[str, A], strict: bool = False) -> DataflowGraph:
    g = DataflowGraph(strict=strict)
    for cid, analysis in cells:
        g.set_cell(cid, analysis)
    g.set_display_order([c for c, _ in cells])
    return g


# ----- providers ------------------------------------------------------------------
def test_single_definer_stays_order_free():
    g = build(("r", an(refs="x")), ("d", an(defs="x")))
    assert g.inputs("r") == {"x": "d"}
    assert g.chain("x") == [] and not g.is_chain("x")
    assert g.errors() == {}
    assert g.execution_order() == ["d", "r"]


def test_reader_reads_the_nearest_definer_above():
    g = build(("a", an(defs="x")), ("r1", an(refs="x")), ("b", an(defs="x")), ("r2", an(refs="x")))
    assert g.inputs("r1") == {"x": "a"} and g.inputs("r2") == {"x": "b"}
    assert g.children("a") == {"r1"} and g.children("b") == {"r2"}
    assert g.chain("x") == ["a", "b"]
    assert g.errors() == {}
    assert g.execution_order() == ["a", "r1", "b", "r2"]


def test_redefinition_that_reads_the_previous_version():
    g = build(("a", an(defs="x")), ("b", an(defs="x", refs="x")), ("r", an(refs="x")))
    assert g.inputs("b") == {"x": "a"}
    assert g.inputs("r") == {"x": "b"}
    assert g.descendants("a") == {"b", "r"}


def test_mutator_is_a_chain_member():
    g = build(("a", an(defs="lst")), ("r1", an(refs="lst")), ("m", an(mutations="lst")), ("r2", an(refs="lst")))
    assert g.is_chain("lst")
    assert g.chain("lst") == ["a", "m"]
    assert g.inputs("m") == {"lst": "a"}
    assert g.inputs("r2") == {"lst": "m"}
    assert g.inputs("r1") == {"lst": "a"}
    assert g.mutators("lst") == {"m"}


def test_mutators_without_a_definer_are_no_chain():
    g = build(("m1", an(mutations="lst")), ("m2", an(mutations="lst")))
    assert not g.is_chain("lst")
    assert g.errors() == {}


def test_deleter_in_a_chain_is_a_member():
    g = build(("a", an(defs="x")), ("d", an(deleted="x")), ("b", an(defs="x")), ("r", an(refs="x")))
    assert g.chain("x") == ["a", "d", "b"]
    assert g.inputs("d") == {"x": "a"}
    assert g.inputs("r") == {"x": "b"}
    assert g.final_writer("x") == "b"


# ----- order-only edges -------------------------------------------------------------
def test_order_only_edges_war_and_waw():
    g = build(("a", an(defs="x")), ("r", an(refs="x")), ("b", an(defs="x")))
    assert g.order_parents("b") == {"a", "r"}  # after the previous definer and its reader
    assert g.parents("b") == frozenset()        # but it reads neither
    assert g.descendants("a") == {"r"}          # re-runs do not follow order edges
    assert g.descendants("r") == set()
    assert g.topological_order(["b", "r", "a"]) == ["a", "r", "b"]


def test_topological_order_respects_order_edges_through_cells_outside_the_subset():
    g = build(("a", an(defs="x")), ("r", an(refs="x", defs="y")), ("b", an(defs="x")), ("s", an(refs="x y")))
    # s reads y from r and x from b; b must follow r (write-after-read).
    assert g.topological_order(["s", "b", "r"]) == ["r", "b", "s"]


def test_cycle_through_an_order_edge_is_an_error_naming_it():
    g = build(("a", an(defs="x")), ("r", an(refs="x z")), ("b", an(defs="x z")))
    # z has one definer (b) -> r depends on b; x: r must run before b. A real cycle.
    errs = g.errors()
    assert set(errs) == {"r", "b"}
    (err,) = [e for e in errs["r"] if isinstance(e, CycleError)]
    assert set(err.cells) == {"r", "b"} and set(err.names) == {"x", "z"}


# ----- errors -------------------------------------------------------------------------
def test_reader_with_no_definer_above_gets_undefined_above_error():
    g = build(("r", an(refs="x")), ("a", an(defs="x")), ("m", an(defs="x")))
    (err,) = g.errors()["r"]
    assert isinstance(err, UndefinedAboveError)
    assert err.name == "x" and err.cells == ("a", "m")
    assert "defined only below" in err.message and "cell a" in err.message and "cell m" in err.message
    assert g.parents("r") == frozenset()
    assert set(g.errors()) == {"r"}


def test_first_member_reading_the_name_has_nothing_above():
    g = build(("b", an(defs="x", refs="x")), ("a", an(defs="x")))
    (err,) = g.errors()["b"]
    assert isinstance(err, UndefinedAboveError) and err.cells == ("a",)


def test_moving_a_definer_above_heals_the_error_and_reports_the_rebound_reader():
    g = build(("r", an(refs="x")), ("a", an(defs="x")), ("b", an(defs="x")))
    assert "r" in g.errors()
    rebound = g.set_display_order(["a", "r", "b"])
    assert rebound == {"r"}
    assert g.errors() == {}
    assert g.inputs("r") == {"x": "a"}


def test_display_order_change_rebinds_readers_between_moved_definers():
    g = build(("a", an(defs="x")), ("r1", an(refs="x")), ("b", an(defs="x")), ("r2", an(refs="x")))
    rebound = g.set_display_order(["a", "b", "r1", "r2"])
    assert rebound == {"r1"}
    assert g.inputs("r1") == {"x": "b"}
    assert g.set_display_order(["a", "b", "r1", "r2"]) == frozenset()


def test_display_order_change_of_order_free_names_rebinds_nothing():
    g = build(("a", an(defs="x")), ("r", an(refs="x")))
    assert g.set_display_order(["r", "a"]) == frozenset()
    assert g.inputs("r") == {"x": "a"}


# ----- strict mode ----------------------------------------------------------------------
def test_strict_mode_keeps_the_one_definer_rule():
    g = build(("a", an(defs="x")), ("b", an(defs="x")), ("m", an(mutations="x")), strict=True)
    errs = g.errors()
    assert isinstance(errs["a"][0], MultipleDefinitionError) and errs["a"][0].cells == ("b",)
    assert "m" not in errs
    assert g.chain("x") == [] and g.mutators("x") == frozenset()


def test_set_strict_switches_both_ways():
    g = build(("a", an(defs="x")), ("r", an(refs="x")), ("b", an(defs="x")))
    assert g.errors() == {}
    g.set_strict(True)
    assert isinstance(g.errors()["a"][0], MultipleDefinitionError)
    assert g.parents("r") == {"a", "b"}
    g.set_strict(False)
    assert g.errors() == {}
    assert g.inputs("r") == {"x": "a"}
    assert g.cells() == ["a", "r", "b"]


# ----- incremental paths ------------------------------------------------------------------
def test_second_definer_turns_a_name_into_a_chain_and_back():
    g = build(("a", an(defs="x")), ("r", an(refs="x")), ("s", an(refs="x")))
    g.set_cell("b", an(defs="x"))
    g.set_display_order(["a", "r", "b", "s"])
    assert g.inputs("s") == {"x": "b"} and g.inputs("r") == {"x": "a"}
    g.remove_cell("b")
    assert not g.is_chain("x")
    assert g.inputs("s") == {"x": "a"}
    assert g.order_parents("s") == frozenset()
    g.set_cell("m", an(mutations="x"))
    g.set_display_order(["a", "r", "m", "s"])
    assert g.inputs("s") == {"x": "m"}
    g.set_cell("m", an(refs="x"))  # the mutation is edited away
    assert not g.is_chain("x")
    assert g.inputs("s") == {"x": "a"} and g.inputs("m") == {"x": "a"}


def test_final_writer():
    g = build(("a", an(defs="x")), ("b", an(defs="x")), ("c", an(defs="y")), ("d", an(defs="z")),
              ("e", an(deleted="z")))
    assert g.final_writer("x") == "b"
    assert g.final_writer("y") == "c"
    assert g.final_writer("z") == "e"  # order-free name with a deleter: the deleter ends it
    assert g.final_writer("nope") is None
    assert g.writes("e") == {"z"}


# ----- properties -----------------------------------------------------------------------
NAMES = ["x", "y", "z"]
CELLS = [f"c{i}" for i in range(6)]

analyses = st.builds(
    lambda d, r, m: an(" ".join(d), " ".join(r), " ".join(m - d)),
    st.frozensets(st.sampled_from(NAMES), max_size=2),
    st.frozensets(st.sampled_from(NAMES), max_size=2),
    st.frozensets(st.sampled_from(NAMES), max_size=1),
)


def expected_inputs(cells: dict[str, A], display: list[str]) -> dict[str, dict[str, str | None]]:
    """Brute force from the rules: providers per (reader, name); None = undefined above."""
    result: dict[str, dict[str, str | None]] = {}
    for name in NAMES:
        definers = [c for c in display if name in cells[c].defs]
        mutators = [c for c in display if name in cells[c].mutations and name not in cells[c].defs]
        members = [c for c in display if c in definers or c in mutators or name in cells[c].deleted - cells[c].defs]
        deleters = [c for c in display if name in cells[c].deleted - cells[c].defs]
        chain = bool(definers) and (len(definers) + len(mutators) > 1 or len(deleters) > 1)
        for reader in display:
            if name not in cells[reader].refs:
                continue
            if not chain:
                if len(definers) == 1 and definers[0] != reader:
                    result.setdefault(reader, {})[name] = definers[0]
                continue
            above = [m for m in members if display.index(m) < display.index(reader)]
            result.setdefault(reader, {})[name] = above[-1] if above else None
    return result


@settings(max_examples=300, deadline=None)
@given(st.lists(analyses, min_size=len(CELLS), max_size=len(CELLS)), st.permutations(CELLS))
def test_providers_match_the_rules(cell_analyses, display):
    cells = dict(zip(CELLS, cell_analyses, strict=True))
    g = build(*((c, cells[c]) for c in display))
    expected = expected_inputs(cells, list(display))
    errors = g.errors()
    for reader in display:
        want = expected.get(reader, {})
        got = dict(g.inputs(reader))
        assert got == {n: p for n, p in want.items() if p is not None}
        undefined = {e.name for e in errors.get(reader, ()) if isinstance(e, UndefinedAboveError)}
        assert undefined == {n for n, p in want.items() if p is None}
    # Every order respects both kinds of edges when there is no cycle.
    if not g.cycles():
        order = g.execution_order()
        pos = {c: i for i, c in enumerate(order)}
        for c in order:
            for p in g.parents(c) | g.order_parents(c):
                assert pos[p] < pos[c]
        # Chains never force a move: members and their readers keep display order.
        for name in NAMES:
            members = g.chain(name)
            assert [c for c in order if c in members] == members


def test_a_cell_waiting_below_a_cycle_is_not_released_before_the_cycle():
    """Breaking a cycle releases one of its members, never a cell that merely waits below it."""
    g = build(("w", an(refs="a")), ("p", an(defs="a", refs="b")), ("q", an(defs="b", refs="a")))
    assert {type(e) for e in g.errors()["p"]} == {CycleError}
    for order in (g.topological_order(["w", "p", "q"]), g.execution_order()):
        assert order.index("w") > order.index("p")


def test_two_deleters_of_one_name_make_it_a_chain_in_display_order():
    g = build(("a", an(defs="x")), ("k1", an(deleted="x")), ("r", an(refs="x")), ("k2", an(deleted="x")))
    assert g.chain("x") == ["a", "k1", "k2"]
    assert g.inputs("k2") == {"x": "k1"}  # the second deleter runs after the first: it fails, as in a script
    assert g.inputs("r") == {"x": "k1"}
    assert g.errors() == {}
