"""The notebook document: one transaction type, applied atomically, validated."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reflow.notebook import Cell, Notebook, parse_notebook, render_notebook
from reflow.notebook.document import (
    Create,
    Delete,
    Document,
    DocumentError,
    Move,
    SetCode,
    SetKind,
    SetOptions,
    Transaction,
    cells_of,
    change_from_json,
    change_to_json,
    changes_from_json,
    diff,
    transaction_from_json,
)

sys.path.insert(0, str(Path(__file__).parent))
from notebook_strategies import notebooks


def doc(*ids: str) -> Document:
    return Document(Notebook(cells=[Cell(source=f"{i} = 1", id=i) for i in ids]))


def tx(*changes) -> Transaction:  # type: ignore[no-untyped-def]
    return Transaction(tuple(changes), "ui")


def test_each_change_kind() -> None:
    d = doc("a", "b")
    v = d.apply(tx(Create("c", 1, "markdown", "# hi", {"hide_code": True})))
    assert v == 1 and d.ids == ["a", "c", "b"]
    assert d.cell("c").kind == "markdown" and d.cell("c").options == {"hide_code": True}
    d.apply(tx(Move("a", 2)))
    assert d.ids == ["c", "b", "a"]
    d.apply(tx(SetCode("b", "b = 2"), SetOptions("b", {"disabled": True})))
    assert d.cell("b").source == "b = 2" and d.cell("b").options == {"disabled": True}
    d.apply(tx(SetOptions("b", {"disabled": None, "title": "T"})))
    assert d.cell("b").options == {"title": "T"}
    d.apply(tx(Delete("c")))
    assert d.ids == ["b", "a"] and d.version == 5


def test_set_kind_keeps_identity_code_and_options() -> None:
    d = doc("a")
    d.apply(tx(SetOptions("a", {"hide_code": True})))
    d.apply(tx(SetKind("a", "markdown")))
    cell = d.cell("a")
    assert (cell.id, cell.kind, cell.source, cell.options) == ("a", "markdown", "a = 1", {"hide_code": True})


@pytest.mark.parametrize(
    "change, message",
    [
        (Delete("zz"), "no cell 'zz'"),
        (SetCode("zz", "x"), "no cell 'zz'"),
        (Move("a", 3), "index 3 is outside 0..2"),
        (Move("a", -1), "index -1"),
        (Create("b", 0), "already exists"),
        (Create("n", 4), "index 4 is outside 0..3"),
        (SetKind("a", "sql"), "unknown cell kind"),  # type: ignore[arg-type]
    ],
)
def test_bad_change_raises_and_changes_nothing(change, message) -> None:  # type: ignore[no-untyped-def]
    d = doc("a", "b", "c")
    before, version = cells_of(d.cells), d.version
    with pytest.raises(DocumentError, match=message):
        d.apply(tx(SetCode("a", "edited"), change))  # the valid first change is rolled back too
    assert cells_of(d.cells) == before and d.version == version


def test_a_bad_move_index_never_loses_the_cell() -> None:
    d = doc("a", "b")
    with pytest.raises(DocumentError):
        d.apply(tx(Move("a", "1")))  # type: ignore[arg-type]
    assert d.ids == ["a", "b"]


def test_duplicate_id_inside_one_transaction() -> None:
    d = doc("a")
    with pytest.raises(DocumentError, match="already exists"):
        d.apply(tx(Create("n", 0), Create("n", 1)))
    assert d.ids == ["a"]


def test_applied_cells_do_not_alias_earlier_snapshots() -> None:
    d = doc("a")
    before = d.cells
    d.apply(tx(SetCode("a", "changed")))
    assert before[0].source == "a = 1" and d.cell("a").source == "changed"


@pytest.mark.parametrize(
    "raw, message",
    [
        ("x", "must be an object"),
        ({"op": "explode", "id": "a"}, "unknown change op"),
        ({"op": "delete"}, "missing field"),
        ({"op": "delete", "id": 3}, "id must be"),
        ({"op": "delete", "id": "x" * 500}, "id must be"),
        ({"op": "move", "id": "a", "index": "2"}, "index must be an integer"),
        ({"op": "move", "id": "a", "index": True}, "index must be an integer"),
        ({"op": "create", "id": "a", "index": 0, "code": 5}, "code must be a string"),
        ({"op": "create", "id": "a", "index": 0, "options": []}, "options must be an object"),
        ({"op": "set_kind", "id": "a", "kind": "<script>"}, "unknown cell kind"),
        ({"op": "set_options", "id": "a", "options": "x"}, "options must be an object"),
    ],
)
def test_from_json_rejects_hostile_input(raw, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DocumentError, match=message):
        change_from_json(raw)


class CountingCells(list):  # type: ignore[type-arg]
    """A cell list that counts the walks over it."""

    walks = 0

    def __iter__(self):  # type: ignore[no-untyped-def]
        CountingCells.walks += 1
        return super().__iter__()


def test_lookups_by_id_do_not_walk_the_cells() -> None:
    """A 100-cell chain's run looks every cell up per kernel event: a walk per lookup was quadratic."""
    d = doc(*(f"c{i}" for i in range(1000)))
    d.notebook.cells = CountingCells(d.notebook.cells)
    CountingCells.walks = 0
    for _ in range(3):
        for i in range(1000):
            assert d.get(f"c{i}") is d.notebook.cells[i] and f"c{i}" in d
    assert CountingCells.walks <= 1  # the index, built once for this list


def test_lookups_by_id_follow_every_change() -> None:
    d = doc("a", "b", "c")
    assert d.get("b") is d.cells[1]
    d.apply(tx(Move("c", 0), Create("n", 1, "code", "n = 1"), Delete("a"), SetCode("b", "b = 2")))
    assert [d.get(i) for i in ("c", "n", "b")] == list(d.cells) and d.get("a") is None and "a" not in d
    assert d.cell("b").source == "b = 2"
    d.replace(Notebook(cells=[Cell(source="z = 1", id="z")]))
    assert d.get("z") is d.cells[0] and d.get("b") is None
    d.notebook.cells.append(Cell(source="w = 1", id="w"))  # changed in place, behind the document's back
    d.notebook.cells.reverse()
    assert d.get("w") is d.cells[0] and d.get("z") is d.cells[1]
    assert d.get(["unhashable"]) is None and ["unhashable"] not in d


def test_transaction_json_round_trip() -> None:
    t = Transaction(
        (
            Create("n", 0, "code", "x", {"a": 1}),
            Delete("b"),
            Move("a", 1),
            SetCode("a", "y"),
            SetKind("a", "markdown"),
            SetOptions("a", {"k": None}),
        ),
        "kernel",
    )
    assert transaction_from_json(json.loads(json.dumps(t.to_json()))) == t
    with pytest.raises(DocumentError, match="source"):
        transaction_from_json({"source": "mars", "changes": []})
    with pytest.raises(DocumentError, match="must be a list"):
        changes_from_json({"op": "delete"}, "ui")
    with pytest.raises(DocumentError, match="too many"):
        changes_from_json([{"op": "delete", "id": "a"}] * 3, "ui", max_changes=2)


def test_adopt_layout_requires_equal_cells() -> None:
    d = Document(parse_notebook("# %%\nx = 1\n"))
    other = parse_notebook("# %%\nx = 2\n")
    other.cells[0].id = d.ids[0]
    with pytest.raises(DocumentError):
        d.adopt_layout(other)


# --- properties ---------------------------------------------------------------------------
ids = st.sampled_from([f"c{i}" for i in range(8)])
kinds = st.sampled_from(["code", "markdown"])
changes = st.one_of(
    st.builds(Create, ids, st.integers(-1, 9), kinds, st.sampled_from(["", "x = 1", "y"]), st.just({})),
    st.builds(Delete, ids),
    st.builds(Move, ids, st.integers(-1, 9)),
    st.builds(SetCode, ids, st.sampled_from(["", "a = 2", "print(a)"])),
    st.builds(SetKind, ids, kinds),
    st.builds(
        SetOptions,
        ids,
        st.dictionaries(st.sampled_from(["hide_code", "disabled"]), st.one_of(st.none(), st.just(True)), max_size=2),
    ),
)
transactions = st.lists(
    st.lists(changes, min_size=1, max_size=4).map(lambda cs: Transaction(tuple(cs), "ui")), max_size=12
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(nb=notebooks(), txs=transactions)
def test_random_transactions_keep_ids_unique_and_order_a_permutation(nb: Notebook, txs: list[Transaction]) -> None:
    d = Document.from_notebook(nb)
    for t in txs:
        before = cells_of(d.cells)
        created = {c.id for c in t.changes if isinstance(c, Create)}
        deleted = {c.id for c in t.changes if isinstance(c, Delete)}
        try:
            d.apply(t)
        except DocumentError:
            assert cells_of(d.cells) == before  # all or nothing
            continue
        assert len(set(d.ids)) == len(d.ids)
        expected = ({c[0] for c in before} | created) - (deleted - created)
        survivors = {c[0] for c in before} - deleted
        assert survivors <= set(d.ids) <= expected | created
        assert all(d.get(c.id) is c for c in d.cells) and d.get("not-a-cell") is None  # the id index follows
        # to_notebook / from_notebook round trip keeps every cell and the order
        again = Document.from_notebook(d.to_notebook())
        assert cells_of(again.cells) == cells_of(d.cells)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(a=notebooks(), b=notebooks(), data=st.data())
def test_diff_turns_one_notebook_into_another(a: Notebook, b: Notebook, data: st.DataObject) -> None:
    # let some of b's cells share ids with a's (kept, edited, moved or re-kinded)
    shared = data.draw(st.integers(0, min(len(a.cells), len(b.cells))))
    for old, new in zip(a.cells[:shared], reversed(b.cells), strict=False):
        new.id = old.id
    d = Document.from_notebook(a)
    d.apply(diff(a.cells, b.cells))
    assert cells_of(d.cells) == cells_of(b.cells)


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(nb=notebooks(), txs=transactions)
def test_saved_text_parses_back_to_the_documents_cells(nb: Notebook, txs: list[Transaction]) -> None:
    d = Document.from_notebook(nb)
    for t in txs:
        try:
            d.apply(t)
        except DocumentError:
            pass
    back = parse_notebook(render_notebook(d.to_notebook()))
    simple = [(c.kind, c.source.rstrip("\n"), c.options) for c in d.cells]
    assert [(c.kind, c.source.rstrip("\n"), c.options) for c in back.cells] == simple


def test_change_json_names_every_op() -> None:
    ops = {
        change_to_json(c)["op"]
        for c in (
            Create("a", 0),
            Delete("a"),
            Move("a", 0),
            SetCode("a", ""),
            SetKind("a", "code"),
            SetOptions("a", {}),
        )
    }
    assert ops == {"create", "delete", "move", "set_code", "set_kind", "set_options"}
