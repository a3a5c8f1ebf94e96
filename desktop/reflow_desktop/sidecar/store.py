"""Reading and writing one notebook's sidecar file and its blobs.

Reading never raises: a missing file is an empty result; a corrupt, truncated or
foreign-version file is an empty result plus a notice for the user (the file is
left in place, it is overwritten by the next save). Writing is atomic (blobs
first, then the JSON, via ``reflow.notebook.atomic``) so a crash at any point
leaves either the old or the new sidecar, both valid; blobs no sidecar in the
directory references any more are then deleted.

The folder is hostile (it may come from a zip or a ``git clone``): every file is
reached through ``reflow.notebook.confined`` (no symlink followed, no name that
leaves ``__reflow__/``), and clean-up deletes only blobs listed in
``__reflow__/.blobs-index.json``, the names this store wrote itself.
"""

from __future__ import annotations

import json
import os
import stat
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reflow.notebook.confined import Confined, PathEscapeError
from reflow_desktop.sidecar.format import (
    BLOBS_DIR,
    SIDECAR_DIR,
    CellRecord,
    SidecarData,
    SidecarFormatError,
    blob_refs,
    code_hash,
    decode,
    encode,
    to_bytes,
    valid_blob_name,
)
from reflow_desktop.sidecar.match import match_cells

MAX_SIDECAR_BYTES = 512 * 1024 * 1024  # refuse to json-parse something absurd
BLOB_GRACE_S = 60.0  # a blob this young may belong to another window's write in progress
BLOB_INDEX = ".blobs-index.json"  # the blob names a Reflow store wrote (the only ones it deletes)


@dataclass
class LoadResult:
    """What was read: the data (None if nothing usable) and a notice for the user, if any."""

    data: SidecarData | None
    notice: str | None = None


@dataclass
class RestoredCell:
    """Outputs for one current cell: ``idle`` when its code is unchanged, ``stale`` when edited."""

    status: str
    outputs: list[dict[str, Any]]
    code_hash: str  # hash of the code that produced these outputs (not always the current code)
    ran_at: str | None = None
    ui_values: dict[str, Any] = field(default_factory=dict)  # the cell's kept reflow.ui values, by slot key


@dataclass
class CellSource:
    """What matching needs to know about a current cell."""

    id: str
    kind: str
    code: str
    hash: str = field(default="")

    def __post_init__(self) -> None:
        if not self.hash:
            self.hash = code_hash(self.code)


def sidecar_dir(notebook: str | os.PathLike[str]) -> Path:
    return Path(notebook).parent / SIDECAR_DIR


def sidecar_path(notebook: str | os.PathLike[str]) -> Path:
    """``__reflow__/<file name>.json`` beside the notebook."""
    p = Path(notebook)
    return p.parent / SIDECAR_DIR / f"{p.name}.json"


class SidecarStore:
    """The sidecar of one notebook file."""

    def __init__(self, notebook: str | os.PathLike[str], *, blob_grace: float = BLOB_GRACE_S) -> None:
        self.notebook = Path(notebook)
        self.dir = sidecar_dir(self.notebook)
        self.path = sidecar_path(self.notebook)
        self.blobs = self.dir / BLOBS_DIR
        self.blob_grace = blob_grace
        self.files = Confined(self.notebook.parent, SIDECAR_DIR)

    # --- read ------------------------------------------------------------------------
    def _read_blob(self, name: str) -> bytes | None:
        try:
            return self.files.read_bytes(BLOBS_DIR, name)
        except (OSError, ValueError):
            return None

    def load(self) -> LoadResult:
        """Read the sidecar; never raises."""
        label = f"{SIDECAR_DIR}/{self.path.name}"
        links = self.files.links(self.path.name, BLOBS_DIR)
        if links:
            names = ", ".join(str(p.relative_to(self.notebook.parent)) for p in links)
            return LoadResult(
                None,
                f"Saved outputs ignored: {names} is a symbolic link, and Reflow never follows links in "
                f"{SIDECAR_DIR}/ (a folder from elsewhere could point it at your files). "
                "Remove the link to keep outputs again.",
            )
        try:
            raw = self.files.read_bytes(self.path.name, limit=MAX_SIDECAR_BYTES)
        except FileNotFoundError:
            return LoadResult(None)
        except ValueError:
            return LoadResult(None, f"Saved outputs in {label} ignored: the file is too large.")
        except OSError as exc:
            return LoadResult(
                None,
                f"Saved outputs in {label} could not be read ({exc.strerror or exc}); cells start without outputs.",
            )
        try:
            data, problems = decode(raw, self._read_blob)
        except SidecarFormatError as exc:
            return LoadResult(
                None,
                f"Saved outputs in {label} ignored: {exc}. "
                "Cells start without outputs; the file is replaced on the next run.",
            )
        except (RecursionError, MemoryError):
            return LoadResult(None, f"Saved outputs in {label} ignored: the file is not a Reflow sidecar.")
        notice = f"Some saved outputs could not be restored: {'; '.join(problems)}." if problems else None
        return LoadResult(data, notice)

    @staticmethod
    def restore(cells: Sequence[CellSource], data: SidecarData | None) -> dict[str, RestoredCell]:
        """Per current code cell id: the stored outputs matched to it by code hash."""
        if data is None or not data.cells:
            return {}
        code = [c for c in cells if c.kind == "code"]
        matches = match_cells([r.code_hash for r in data.cells], [c.hash for c in code])
        out: dict[str, RestoredCell] = {}
        for cell, m in zip(code, matches, strict=False):
            if m.old is None:
                continue
            rec: CellRecord = data.cells[m.old]
            if not rec.outputs and not rec.ui_values and not m.exact:
                continue  # nothing to show or give back for an edited cell
            out[cell.id] = RestoredCell(
                status="idle" if m.exact else "stale",
                outputs=list(rec.outputs),
                code_hash=rec.code_hash,
                ran_at=rec.ran_at,
                ui_values=dict(rec.ui_values),
            )
        return out

    # --- write -----------------------------------------------------------------------
    def _write_blob(self, name: str, raw: bytes) -> None:
        try:
            st = self.files.lstat(BLOBS_DIR, name)
        except FileNotFoundError:
            pass
        else:
            if stat.S_ISREG(st.st_mode):
                try:
                    self.files.touch(BLOBS_DIR, name)  # content-addressed: same bytes; fresh mtime keeps GC off it
                    self._index_add(name)
                    return
                except OSError:
                    pass
        self.files.write_bytes(BLOBS_DIR, name, data=raw)
        self._index_add(name)

    def save(self, data: SidecarData) -> None:
        """Write atomically (blobs, then JSON), then collect unreferenced blobs.

        Raises OSError (LinkRefusedError when ``__reflow__/``, its ``blobs/`` or the file is a link).
        """
        self.files.check_dirs(create=True)
        text, refs = encode(data, self._write_blob)
        self.files.write_bytes(self.path.name, data=to_bytes(text))
        if refs or BLOBS_DIR in self.files.dirs():
            self.collect_blobs()

    # --- the index of blobs this store wrote ---------------------------------------------
    def written_blobs(self) -> set[str]:
        """Blob names listed in ``__reflow__/.blobs-index.json`` (valid names only); empty when unreadable."""
        try:
            doc = json.loads(self.files.read_bytes(BLOB_INDEX, limit=64 * 1024 * 1024))
        except (OSError, ValueError, RecursionError):
            return set()
        names = doc.get("written") if isinstance(doc, dict) else None
        return {n for n in names if valid_blob_name(n)} if isinstance(names, list) else set()

    def _write_index(self, names: set[str]) -> None:
        doc = {"version": 1, "written": sorted(names)}
        self.files.write_bytes(BLOB_INDEX, data=json.dumps(doc).encode("utf-8"))

    def _index_add(self, name: str) -> None:
        written = self.written_blobs()
        if name not in written:
            self._write_index(written | {name})

    def collect_blobs(self) -> list[str]:
        """Delete blobs that no sidecar in this directory references (all notebooks share blobs/).

        Only regular files this store (or another Reflow store) listed in the index as written
        are candidates: files someone else put there, and anything behind a link, stay.
        """
        written = self.written_blobs()
        present = {n for n in self.files.files(BLOBS_DIR) if not n.startswith(".")}
        names = sorted(written & present)
        if not names:
            return []
        referenced: set[str] = set()
        for entry in self.files.files():
            if not entry.endswith(".json") or entry.startswith("."):
                continue
            try:
                doc = json.loads(self.files.read_bytes(entry, limit=MAX_SIDECAR_BYTES))
            except (OSError, ValueError, RecursionError):
                continue  # unreadable sidecars cannot be restored from, so they keep nothing alive
            if isinstance(doc, dict) and isinstance(doc.get("cells"), list):
                referenced |= blob_refs(doc["cells"])
        now = time.time()
        removed: list[str] = []
        for name in names:
            if name in referenced:
                continue
            try:
                st = self.files.lstat(BLOBS_DIR, name)
                if not stat.S_ISREG(st.st_mode) or now - st.st_mtime < self.blob_grace:
                    continue
                self.files.unlink(BLOBS_DIR, name)
                removed.append(name)
            except (OSError, PathEscapeError):
                pass
        if removed:
            try:
                self._write_index((written & present) - set(removed))
            except OSError:
                pass  # a stale index only keeps names of files that are gone
        return removed
