"""One notebook document changed only by typed, versioned transactions.

Every place that changes a notebook's structure (the UI, the session, the
file-watch reload, the kernel host) speaks the same ``Transaction``: a tuple of
``Change`` values plus the ``source`` that wrote it. ``Document.apply`` is the
one implementation of those changes: it validates the whole transaction against
a staged copy and commits only when every change is valid, so a bad change (an
unknown id, an index out of range, a duplicate id) raises ``DocumentError`` and
leaves the document exactly as it was. Pure: no I/O, no clock, no kernel.

Wire form (JSON, the UI protocol's ``transaction`` message and the kernel's
``apply_transaction`` op): ``{"op": "create"|"delete"|"move"|"set_code"|"set_kind"|
"set_options", "id": ..., ...}``; ``changes_from_json`` checks hostile input.

Semantics worth knowing:
- ``Move(id, index)``: take the cell out, put it back so it ends at ``index``
  (``0 <= index < len``).
- ``Create(id, index, ...)``: ``0 <= index <= len``.
- ``SetOptions(id, options)``: a patch; a value of ``None`` removes the key.
- ``SetKind`` keeps the cell (its id, hence its outputs): only the kind changes.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias, get_args

from .model import Cell, CellKind, Notebook

Source = Literal["ui", "file", "kernel", "import", "session"]
SOURCES: tuple[str, ...] = get_args(Source)
KINDS: tuple[str, ...] = get_args(CellKind)
MAX_ID_LENGTH = 200


class DocumentError(ValueError):
    """A transaction that does not fit the document (nothing was changed)."""


@dataclass(frozen=True)
class Create:
    """Insert a new cell so that it ends at ``index``."""

    id: str
    index: int
    kind: CellKind = "code"
    code: str = ""
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Delete:
    id: str


@dataclass(frozen=True)
class Move:
    """Take the cell out and put it back at ``index`` (its final position)."""

    id: str
    index: int


@dataclass(frozen=True)
class SetCode:
    id: str
    code: str


@dataclass(frozen=True)
class SetKind:
    """Code ↔ markdown; the cell keeps its id and outputs."""

    id: str
    kind: CellKind


@dataclass(frozen=True)
class SetOptions:
    """Patch the marker-line options; ``None`` removes a key."""

    id: str
    options: Mapping[str, Any]


Change: TypeAlias = Create | Delete | Move | SetCode | SetKind | SetOptions


@dataclass(frozen=True)
class Transaction:
    """An atomic batch of changes and who made it (the UI, a file reload, the kernel…)."""

    changes: tuple[Change, ...]
    source: Source = "ui"

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "changes": [change_to_json(c) for c in self.changes]}

    @property
    def structural(self) -> bool:
        """True unless every change is a code edit (the UI's cell list did not change)."""
        return any(not isinstance(c, SetCode) for c in self.changes)


class Document:
    """The cells of one notebook in display order, changed only through ``apply``.

    It wraps a ``Notebook`` (which keeps the file's exact text for byte-exact
    saves and the PEP 723 block); read it through ``notebook``, change its cells
    only with transactions.
    """

    def __init__(self, notebook: Notebook | None = None) -> None:
        self._nb = notebook if notebook is not None else Notebook()
        ids = [c.id for c in self._nb.cells]
        if len(set(ids)) != len(ids):
            raise DocumentError("duplicate cell ids in the notebook")
        self._version = 0
        # cell id -> position, for the cell list it was built from: lookups by id are O(1) (a run of a
        # 100-cell chain looks every cell up several times per event; a scan made that quadratic)
        self._at: dict[object, int] = {}

    # --- reading -------------------------------------------------------------------------
    @property
    def notebook(self) -> Notebook:
        """The live notebook (metadata may be edited in place; cells only via ``apply``)."""
        return self._nb

    @property
    def version(self) -> int:
        return self._version

    @property
    def cells(self) -> tuple[Cell, ...]:
        return tuple(self._nb.cells)

    @property
    def ids(self) -> list[str]:
        return [c.id for c in self._nb.cells]

    def __len__(self) -> int:
        return len(self._nb.cells)

    def __contains__(self, cell_id: object) -> bool:
        return self.get(cell_id) is not None

    def get(self, cell_id: object) -> Cell | None:
        """The cell with this id, or None. O(1): a position index, checked against the cell it names."""
        cells = self._nb.cells
        try:
            at = self._at.get(cell_id)
        except TypeError:  # an unhashable id from a message: no cell has it
            return None
        if at is not None and at < len(cells) and cells[at].id == cell_id:
            return cells[at]
        # a new list, a list changed in place or an unknown id (rare: costs the scan it always did)
        self._at = {c.id: i for i, c in enumerate(cells)}
        at = self._at.get(cell_id)
        return cells[at] if at is not None else None

    def cell(self, cell_id: object) -> Cell:
        """The cell with this id (KeyError naming it otherwise)."""
        found = self.get(cell_id)
        if found is None:
            raise KeyError(f"no cell {cell_id!r}")
        return found

    # --- conversions ---------------------------------------------------------------------
    @classmethod
    def from_notebook(cls, notebook: Notebook) -> Document:
        """A document over a copy of ``notebook`` (the caller's object is left alone)."""
        return cls(copy.deepcopy(notebook))

    def to_notebook(self) -> Notebook:
        """An independent copy of the notebook as it is now."""
        return copy.deepcopy(self._nb)

    # --- changing ------------------------------------------------------------------------
    def apply(self, tx: Transaction) -> int:
        """Validate and apply every change of ``tx`` or none; return the new version.

        Raises DocumentError (the document unchanged) when a change names an unknown
        cell, an index out of range, an id that already exists, or an unknown kind.
        """
        if not isinstance(tx, Transaction):
            raise DocumentError("not a transaction")
        if not tx.changes:
            return self._version
        staged = list(self._nb.cells)
        for change in tx.changes:
            _apply_one(staged, change)
        self._nb.cells = staged
        self._version += 1
        return self._version

    def replace(self, notebook: Notebook) -> int:
        """Take ``notebook`` as the new content (open, Save As from elsewhere); bumps the version."""
        ids = [c.id for c in notebook.cells]
        if len(set(ids)) != len(ids):
            raise DocumentError("duplicate cell ids in the notebook")
        self._nb = notebook
        self._version += 1
        return self._version

    def adopt_layout(self, notebook: Notebook) -> None:
        """Take the file layout of ``notebook`` whose cells equal this document's.

        After a reload transaction made the cells what the file says, this keeps
        the file's exact text (markers, gaps, PEP 723 block) for byte-exact saves.
        Raises DocumentError if the cells differ (then nothing changes).
        """
        if [_shape(c) for c in notebook.cells] != [_shape(c) for c in self._nb.cells]:
            raise DocumentError("the file's cells differ from the document's")
        self._nb = notebook

    def adopt_metadata(self, notebook: Notebook) -> None:
        """Take the PEP 723 block and the header around it from ``notebook``; cells stay as they are."""
        self._nb.metadata = notebook.metadata
        self._nb._layout = notebook._layout  # the header around the block, for byte-exact saves


def _shape(cell: Cell) -> tuple[str, str, str, dict[str, Any]]:
    return cell.id, cell.kind, cell.source, dict(cell.options)


def _index_of(cells: Sequence[Cell], cell_id: str) -> int:
    for i, c in enumerate(cells):
        if c.id == cell_id:
            return i
    raise DocumentError(f"no cell {cell_id!r}")


def _check_index(index: object, upper: int, what: str) -> int:
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index <= upper:
        raise DocumentError(f"{what}: index {index!r} is outside 0..{upper}")
    return index


def _check_kind(kind: object) -> CellKind:
    if kind not in KINDS:
        raise DocumentError(f"unknown cell kind {kind!r}; use 'code' or 'markdown'")
    return kind  # type: ignore[return-value]  # narrowed by the membership test


def _apply_one(cells: list[Cell], change: Change) -> None:
    """Apply one change to the staged list (copying any cell it modifies)."""
    if isinstance(change, Create):
        if not isinstance(change.id, str) or not change.id:
            raise DocumentError("create: the cell id must be a non-empty string")
        if any(c.id == change.id for c in cells):
            raise DocumentError(f"create: cell {change.id!r} already exists")
        index = _check_index(change.index, len(cells), "create")
        cells.insert(
            index,
            Cell(
                kind=_check_kind(change.kind),
                source=str(change.code),
                options=_patched({}, change.options),
                id=change.id,
            ),
        )
    elif isinstance(change, Delete):
        del cells[_index_of(cells, change.id)]
    elif isinstance(change, Move):
        i = _index_of(cells, change.id)
        index = _check_index(change.index, len(cells) - 1, "move")
        cells.insert(index, cells.pop(i))
    elif isinstance(change, SetCode):
        i = _index_of(cells, change.id)
        if not isinstance(change.code, str):
            raise DocumentError("set_code: code must be a string")
        cells[i] = dataclasses.replace(cells[i], source=change.code)
    elif isinstance(change, SetKind):
        i = _index_of(cells, change.id)
        cells[i] = dataclasses.replace(cells[i], kind=_check_kind(change.kind))
    elif isinstance(change, SetOptions):
        i = _index_of(cells, change.id)
        cells[i] = dataclasses.replace(cells[i], options=_patched(cells[i].options, change.options))
    else:
        raise DocumentError(f"unknown change {change!r}")


def _patched(options: Mapping[str, Any], patch: object) -> dict[str, Any]:
    if not isinstance(patch, Mapping):
        raise DocumentError("options must be an object")
    out = dict(options)
    for key, value in patch.items():
        if not isinstance(key, str):
            raise DocumentError("option names must be strings")
        if value is None:
            out.pop(key, None)
        else:
            out[key] = copy.deepcopy(value)
    return out


# --- diff: how to get from one notebook to another ---------------------------------------
def diff(old: Sequence[Cell], new: Sequence[Cell], source: Source = "file") -> Transaction:
    """The transaction that turns cells ``old`` into ``new`` (matched by id).

    Cells only in ``old`` are deleted, cells only in ``new`` created, common ones
    get set_kind / set_code / set_options where they differ, then moves fix the
    order. ``Document(old).apply(diff(old, new))`` gives ``new``'s cells.
    """
    new_ids = {c.id for c in new}
    changes: list[Change] = [Delete(c.id) for c in old if c.id not in new_ids]
    by_id = {c.id: c for c in old}
    current = [c.id for c in old if c.id in new_ids]
    for index, cell in enumerate(new):
        was = by_id.get(cell.id)
        if was is None:
            changes.append(Create(cell.id, index, cell.kind, cell.source, dict(cell.options)))
            current.insert(index, cell.id)
            continue
        if was.kind != cell.kind:
            changes.append(SetKind(cell.id, cell.kind))
        if was.source != cell.source:
            changes.append(SetCode(cell.id, cell.source))
        if dict(was.options) != dict(cell.options):
            patch: dict[str, Any] = {k: None for k in was.options if k not in cell.options}
            patch.update({k: v for k, v in cell.options.items() if was.options.get(k, _MISSING) != v})
            changes.append(SetOptions(cell.id, patch))
        if current.index(cell.id) != index:
            current.remove(cell.id)
            current.insert(index, cell.id)
            changes.append(Move(cell.id, index))
    return Transaction(tuple(changes), source)


_MISSING = object()


# --- wire form ---------------------------------------------------------------------------
_FIELDS: dict[str, tuple[str, ...]] = {
    "create": ("id", "index"),
    "delete": ("id",),
    "move": ("id", "index"),
    "set_code": ("id", "code"),
    "set_kind": ("id", "kind"),
    "set_options": ("id", "options"),
}


def change_to_json(change: Change) -> dict[str, Any]:
    if isinstance(change, Create):
        return {
            "op": "create",
            "id": change.id,
            "index": change.index,
            "kind": change.kind,
            "code": change.code,
            "options": dict(change.options),
        }
    if isinstance(change, Delete):
        return {"op": "delete", "id": change.id}
    if isinstance(change, Move):
        return {"op": "move", "id": change.id, "index": change.index}
    if isinstance(change, SetCode):
        return {"op": "set_code", "id": change.id, "code": change.code}
    if isinstance(change, SetKind):
        return {"op": "set_kind", "id": change.id, "kind": change.kind}
    return {"op": "set_options", "id": change.id, "options": dict(change.options)}


def change_from_json(raw: object) -> Change:
    """One change from its JSON dict; DocumentError for anything malformed."""
    if not isinstance(raw, dict):
        raise DocumentError("a change must be an object")
    op = raw.get("op")
    if op not in _FIELDS:
        raise DocumentError(f"unknown change op {op!r}")
    missing = [f for f in _FIELDS[op] if f not in raw]
    if missing:
        raise DocumentError(f"{op}: missing field(s) {', '.join(missing)}")
    cid = raw["id"]
    if not isinstance(cid, str) or not cid or len(cid) > MAX_ID_LENGTH:
        raise DocumentError(f"{op}: id must be a non-empty string of at most {MAX_ID_LENGTH} characters")
    if op in ("create", "move"):
        index = raw["index"]
        if isinstance(index, bool) or not isinstance(index, int):
            raise DocumentError(f"{op}: index must be an integer")
    if op == "create":
        code, options = raw.get("code", ""), raw.get("options", {})
        options = {} if options is None else options
        if not isinstance(code, str):
            raise DocumentError("create: code must be a string")
        if not isinstance(options, dict):
            raise DocumentError("create: options must be an object")
        return Create(cid, raw["index"], _check_kind(raw.get("kind", "code")), code, dict(options))
    if op == "delete":
        return Delete(cid)
    if op == "move":
        return Move(cid, raw["index"])
    if op == "set_code":
        if not isinstance(raw["code"], str):
            raise DocumentError("set_code: code must be a string")
        return SetCode(cid, raw["code"])
    if op == "set_kind":
        return SetKind(cid, _check_kind(raw["kind"]))
    if not isinstance(raw["options"], dict):
        raise DocumentError("set_options: options must be an object")
    return SetOptions(cid, dict(raw["options"]))


def changes_from_json(raw: object, source: Source, *, max_changes: int = 10_000) -> Transaction:
    """A transaction from a JSON list of changes (hostile input: every field checked)."""
    if source not in SOURCES:
        raise DocumentError(f"unknown transaction source {source!r}")
    if not isinstance(raw, list):
        raise DocumentError("changes must be a list")
    if len(raw) > max_changes:
        raise DocumentError(f"too many changes in one transaction (at most {max_changes})")
    return Transaction(tuple(change_from_json(c) for c in raw), source)


def transaction_from_json(raw: object) -> Transaction:
    """``{"source": ..., "changes": [...]}`` (as ``Transaction.to_json`` writes it)."""
    if not isinstance(raw, dict):
        raise DocumentError("a transaction must be an object")
    source = raw.get("source", "ui")
    if source not in SOURCES:
        raise DocumentError(f"unknown transaction source {source!r}")
    return changes_from_json(raw.get("changes"), source)


def cells_of(cells: Iterable[Cell]) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(id, kind, code, options) of each cell: what a transaction can change (tests, asserts)."""
    return [_shape(c) for c in cells]
