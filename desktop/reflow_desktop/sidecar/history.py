"""Output history per cell: every run's outputs, with the code that produced them, kept in ``__reflow__/``.

Layout (beside the notebook ``nb.py``)::

    __reflow__/history/nb.py/index.json      the chains: one per cell, in display order
    __reflow__/history/nb.py/<sha256>.json   one run's outputs (a JSON list of protocol Outputs)

An entry is content-addressed: its ``key`` is the sha256 of the code's hash, the input hashes
(the code hashes of the cells it reads from; the app never hashes kernel values, that would
slow every run) and the outputs' own hash. A run whose key a cell's chain already holds moves
that entry to the newest place instead of adding one; identical outputs (another cell, another
run) are one object file. The objects of a notebook stay within a byte budget (the user setting
``history_budget_mb``): the oldest entries, over all cells, go first; so does anything past
``MAX_ENTRIES_PER_CELL`` in one chain.

On open the chains find their cells again the way stored outputs do (``match.match_cells`` on
the code hash each cell had when the index was written). The folder is hostile: every file is
reached through ``Confined`` (no link followed, nothing outside ``__reflow__/``), sizes are
capped before parsing, shapes are checked per entry and per output; a corrupt index starts an
empty history with a notice (the file is replaced by the next write), a corrupt or missing
object costs only that entry, with a note saying so. Clean-up deletes only names this module
writes (``<64 hex>.json``) that no entry references.

Objects are written without flushing them to disk (``durable=False``: two fsyncs per object were
most of a run's history cost, and a slider drag stores an object per value); the index is flushed.
A crash may leave the newest objects empty or gone: an object counts only when its content hashes
to its name, on reading (else that entry is skipped with a note) and before a run reuses it (else
it is written again).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import stat
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reflow.notebook.confined import Confined, LinkRefusedError
from reflow_desktop.sidecar.format import SIDECAR_DIR, _output, code_hash, to_bytes
from reflow_desktop.sidecar.match import match_cells

log = logging.getLogger(__name__)

HISTORY_DIR = "history"
INDEX = "index.json"
VERSION = 1
MB = 1024 * 1024
DEFAULT_BUDGET_MB = 50
MAX_INDEX_BYTES = 32 * MB  # refuse to parse an absurd index
MAX_OBJECT_BYTES = 256 * MB  # one run's outputs (the budget caps the total anyway)
MAX_ENTRIES_PER_CELL = 500
MAX_CODE_CHARS = 2_000_000
_OBJECT_NAME = re.compile(r"^[0-9a-f]{64}\.json$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class HistoryEntry:
    """One kept run of a cell: its code, when it ran, and the object file holding its outputs."""

    key: str
    code: str
    ran_at: str
    outputs: str  # object file name, ``<sha256 of the outputs JSON>.json``
    size: int  # bytes of that file
    seq: int  # global write order: eviction takes the smallest first


@dataclass
class FinishedRun:
    """A run the session saw finish, waiting for the next write (built on the event loop: cheap)."""

    cell_id: str
    code: str
    inputs: tuple[str, ...]
    ran_at: str
    outputs: list[dict[str, Any]]


@dataclass
class ShownEntry:
    """One entry with its outputs read back, for the UI (``cell_history``)."""

    key: str
    code: str
    ran_at: str
    outputs: list[dict[str, Any]]


@dataclass
class CellHistoryView:
    """A cell's history, oldest first, and what could not be read."""

    entries: list[ShownEntry] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _names(data: bytes, name: str) -> bool:
    """Is ``name`` the object file name of ``data`` (its sha256)?"""
    return f"{hashlib.sha256(data).hexdigest()}.json" == name


def entry_key(code_digest: str, inputs: Sequence[str], outputs_digest: str) -> str:
    """The content address of a run: code, inputs (sorted: their order carries no meaning), outputs."""
    h = hashlib.sha256(b"reflow-history-1")
    for part in (code_digest, *sorted(inputs), outputs_digest):
        h.update(len(part).to_bytes(4, "big") + part.encode("ascii", "replace"))
    return h.hexdigest()


def history_root(notebook: Path) -> Confined:
    """``__reflow__/history/<notebook file name>/`` as a confined directory."""
    return Confined(notebook.parent, SIDECAR_DIR, HISTORY_DIR, notebook.name)


def _entry(raw: object) -> HistoryEntry | None:
    """One index entry from untrusted JSON; None when any field is off."""
    if not isinstance(raw, dict):
        return None
    key, code, ran_at, outputs, size, seq = (raw.get(k) for k in ("key", "code", "ran_at", "outputs", "size", "seq"))
    if not (isinstance(key, str) and _HEX64.match(key)):
        return None
    if not (isinstance(code, str) and len(code) <= MAX_CODE_CHARS and isinstance(ran_at, str) and len(ran_at) < 64):
        return None
    if not (isinstance(outputs, str) and _OBJECT_NAME.match(outputs)):
        return None
    if not (type(size) is int and 0 <= size <= MAX_OBJECT_BYTES and type(seq) is int and seq >= 0):
        return None
    return HistoryEntry(key, code, ran_at, outputs, size, seq)


class HistoryStore:
    """The output history of one notebook file; thread-safe (writes run in a worker thread)."""

    def __init__(self, notebook: str | Path, *, budget_bytes: int = DEFAULT_BUDGET_MB * MB) -> None:
        self.notebook = Path(notebook)
        self.files = history_root(self.notebook)
        self.budget_bytes = budget_bytes
        self.chains: dict[str, list[HistoryEntry]] = {}  # cell id -> entries, oldest first
        self.notes: list[str] = []  # for the user, once (a corrupt index…)
        self._seq = 0
        self._lock = threading.RLock()

    # --- open ---------------------------------------------------------------------------
    def _read_index(self) -> list[tuple[str, list[HistoryEntry]]]:
        """(code hash the cell had, its entries) per stored chain; [] (plus a note) when unusable."""
        label = f"{SIDECAR_DIR}/{HISTORY_DIR}/{self.notebook.name}/{INDEX}"
        try:
            raw = self.files.read_bytes(INDEX, limit=MAX_INDEX_BYTES)
        except FileNotFoundError:
            return []
        except LinkRefusedError:
            self.notes.append(f"Output history ignored: {label} (or a folder on its way) is a link.")
            return []
        except (OSError, ValueError) as exc:
            self.notes.append(f"Output history in {label} ignored ({exc}); earlier outputs start empty.")
            return []
        try:
            doc = json.loads(raw)
        except (ValueError, RecursionError):
            self.notes.append(f"Output history in {label} ignored: not valid JSON; it is replaced on the next run.")
            return []
        if not isinstance(doc, dict) or doc.get("version") != VERSION or not isinstance(doc.get("cells"), list):
            self.notes.append(f"Output history in {label} ignored: not a version {VERSION} history file.")
            return []
        chains: list[tuple[str, list[HistoryEntry]]] = []
        skipped = 0
        for cell in doc["cells"]:
            head = cell.get("code_hash") if isinstance(cell, dict) else None
            raw_entries = cell.get("entries") if isinstance(cell, dict) else None
            if not (isinstance(head, str) and _HEX64.match(head) and isinstance(raw_entries, list)):
                skipped += 1
                continue
            entries = [e for e in map(_entry, raw_entries[-MAX_ENTRIES_PER_CELL:]) if e is not None]
            skipped += min(len(raw_entries), MAX_ENTRIES_PER_CELL) - len(entries)
            chains.append((head, entries))
        if skipped:
            self.notes.append(f"Output history: {skipped} malformed entr{'y' if skipped == 1 else 'ies'} skipped.")
        return chains

    def load(self, cells: Sequence[tuple[str, str]]) -> None:
        """Read the index and give each current code cell ``(id, code hash)`` its chain."""
        stored = self._read_index()
        with self._lock:
            self.chains = {}
            if not stored:
                return
            matches = match_cells([h for h, _ in stored], [h for _, h in cells])
            for (cid, _), m in zip(cells, matches, strict=True):
                if m.old is not None and stored[m.old][1]:
                    self.chains[cid] = stored[m.old][1]
            self._seq = 1 + max((e.seq for chain in self.chains.values() for e in chain), default=0)

    # --- write (worker thread) ------------------------------------------------------------
    def add(self, runs: Sequence[FinishedRun], cells: Sequence[tuple[str, str]]) -> None:
        """Store ``runs``, keep the budget, write the index for ``cells`` (display order), drop orphans.

        Raises OSError when the folder cannot be written (the caller tells the user once).
        """
        with self._lock:
            self.files.check_dirs(create=True)
            for run in runs:
                self._add_one(run)
            live = {cid for cid, _ in cells}
            for cid in [c for c in self.chains if c not in live]:
                del self.chains[cid]  # a deleted cell's history goes with it
            self._evict()
            self._write_index(cells)
            self._collect()

    def _add_one(self, run: FinishedRun) -> None:
        data = to_bytes(json.dumps(run.outputs, ensure_ascii=False, separators=(",", ":")))
        digest = hashlib.sha256(data).hexdigest()
        name = f"{digest}.json"
        key = entry_key(code_hash(run.code), run.inputs, digest)
        chain = [e for e in self.chains.get(run.cell_id, []) if e.key != key]  # the same run again: moved up
        if not self._intact(name, len(data)):
            self.files.write_bytes(name, data=data, durable=False)
        chain.append(HistoryEntry(key, run.code[:MAX_CODE_CHARS], run.ran_at, name, len(data), self._seq))
        self._seq += 1
        self.chains[run.cell_id] = chain[-MAX_ENTRIES_PER_CELL:]

    def _intact(self, name: str, size: int) -> bool:
        """The object is there, a regular file whose content is what its name says."""
        try:
            st = self.files.lstat(name)
            if not stat.S_ISREG(st.st_mode) or st.st_size != size:
                return False
            return _names(self.files.read_bytes(name, limit=size), name)
        except (OSError, ValueError):
            return False

    def _evict(self) -> None:
        """Oldest entries out (over all cells) until the distinct objects fit the budget."""
        sizes: dict[str, int] = {}
        for chain in self.chains.values():
            for e in chain:
                sizes[e.outputs] = e.size
        total = sum(sizes.values())
        if total <= self.budget_bytes:
            return
        refs: dict[str, int] = {}
        for chain in self.chains.values():
            for e in chain:
                refs[e.outputs] = refs.get(e.outputs, 0) + 1
        by_age = sorted((e.seq, cid, e) for cid, chain in self.chains.items() for e in chain)
        dropped: set[tuple[str, int]] = set()
        for _, cid, e in by_age:
            if total <= self.budget_bytes:
                break
            dropped.add((cid, e.seq))
            refs[e.outputs] -= 1
            if refs[e.outputs] == 0:
                total -= e.size
        for cid in list(self.chains):
            kept = [e for e in self.chains[cid] if (cid, e.seq) not in dropped]
            if kept:
                self.chains[cid] = kept
            else:
                del self.chains[cid]

    def _write_index(self, cells: Sequence[tuple[str, str]]) -> None:
        doc = {
            "version": VERSION,
            "notebook": self.notebook.name,
            "cells": [
                {"code_hash": h, "entries": [e.__dict__ for e in self.chains[cid]]}
                for cid, h in cells
                if self.chains.get(cid)
            ],
        }
        self.files.write_bytes(INDEX, data=to_bytes(json.dumps(doc, ensure_ascii=False, separators=(",", ":"))))

    def _collect(self) -> None:
        """Delete object files no entry references (only names of the form this module writes)."""
        used = {e.outputs for chain in self.chains.values() for e in chain}
        for name in self.files.files():
            if _OBJECT_NAME.match(name) and name not in used:
                try:
                    self.files.unlink(name)
                except OSError:
                    pass

    # --- read for the UI --------------------------------------------------------------------
    def view(self, cell_id: str) -> CellHistoryView:
        """The cell's entries with their outputs (oldest first); an unreadable object is skipped with a note."""
        with self._lock:
            chain = list(self.chains.get(cell_id, []))
        out = CellHistoryView()
        bad: list[str] = []
        for e in chain:
            outputs = self._read_object(e.outputs)
            if outputs is None:
                bad.append(e.ran_at)
                continue
            out.entries.append(ShownEntry(e.key, e.code, e.ran_at, outputs))
        if bad:
            out.notes.append(
                f"{len(bad)} earlier output{'s' if len(bad) != 1 else ''} (from {', '.join(bad)}) could not be read "
                f"from {SIDECAR_DIR}/{HISTORY_DIR}/ (missing, damaged or not a plain file) and "
                f"{'were' if len(bad) != 1 else 'was'} skipped."
            )
        return out

    def _read_object(self, name: str) -> list[dict[str, Any]] | None:
        try:
            raw = self.files.read_bytes(name, limit=MAX_OBJECT_BYTES)
            if not _names(raw, name):
                return None  # cut short by a crash, or changed since
            doc = json.loads(raw)
        except (OSError, ValueError, RecursionError):
            return None
        if not isinstance(doc, list):
            return None
        missing: list[str] = []
        deep: list[str] = []
        outputs = [o for o in (_output(x, lambda _n: None, missing, deep) for x in doc) if o is not None]
        if len(outputs) != len(doc):
            return None  # a tampered object: show none of it rather than part of it
        return outputs

    # --- Save As ------------------------------------------------------------------------------
    def copy_to(self, notebook: str | Path) -> HistoryStore:
        """This history under ``notebook``'s sidecar (Save As); the old one stays. Never follows links.

        Raises OSError when the new folder cannot be written.
        """
        new = HistoryStore(notebook, budget_bytes=self.budget_bytes)
        with self._lock:
            new.chains = {cid: list(chain) for cid, chain in self.chains.items()}
            new._seq = self._seq
            if Path(notebook).resolve() == self.notebook.resolve():
                return new
            new.files.check_dirs(create=True)
            for name in {e.outputs for chain in self.chains.values() for e in chain}:
                try:
                    data = self.files.read_bytes(name, limit=MAX_OBJECT_BYTES)
                except (OSError, ValueError):
                    continue  # the entry will show as unreadable there as here
                new.files.write_bytes(name, data=data)
        return new
