"""Reading and writing one notebook's sidecar file and its blobs.

Reading never raises: a missing file is an empty result; a corrupt, truncated or
foreign-version file is an empty result plus a notice for the user (the file is
left in place, it is overwritten by the next save). Writing is atomic (blobs
first, then the JSON, via ``reflow.notebook.atomic``) so a crash at any point
leaves either the old or the new sidecar, both valid; blobs no sidecar in the
directory references any more are then deleted.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reflow.notebook import atomic_write_bytes, atomic_write_text
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
)
from reflow_desktop.sidecar.match import match_cells

MAX_SIDECAR_BYTES = 512 * 1024 * 1024  # refuse to json-parse something absurd
BLOB_GRACE_S = 60.0  # a blob this young may belong to another window's write in progress


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

    # --- read ------------------------------------------------------------------------
    def _read_blob(self, name: str) -> bytes | None:
        try:
            return (self.blobs / name).read_bytes()
        except OSError:
            return None

    def load(self) -> LoadResult:
        """Read the sidecar; never raises."""
        label = f"{SIDECAR_DIR}/{self.path.name}"
        try:
            size = self.path.stat().st_size
            if size > MAX_SIDECAR_BYTES:
                return LoadResult(None, f"Saved outputs in {label} ignored: the file is too large.")
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return LoadResult(None)
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
            if not rec.outputs and not m.exact:
                continue  # nothing to show for an edited cell
            out[cell.id] = RestoredCell(
                status="idle" if m.exact else "stale",
                outputs=list(rec.outputs),
                code_hash=rec.code_hash,
                ran_at=rec.ran_at,
            )
        return out

    # --- write -----------------------------------------------------------------------
    def _write_blob(self, name: str, raw: bytes) -> None:
        target = self.blobs / name
        if target.exists():
            try:
                os.utime(target)  # content-addressed: same bytes; fresh mtime keeps GC off it
                return
            except OSError:
                pass
        self.blobs.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(target, raw)

    def save(self, data: SidecarData) -> None:
        """Write atomically (blobs, then JSON), then collect unreferenced blobs. Raises OSError."""
        self.dir.mkdir(exist_ok=True)
        text, refs = encode(data, self._write_blob)
        atomic_write_text(self.path, text)
        if refs or self.blobs.is_dir():
            self.collect_blobs()

    def collect_blobs(self) -> list[str]:
        """Delete blobs that no sidecar in this directory references (all notebooks share blobs/)."""
        try:
            names = [e.name for e in os.scandir(self.blobs) if e.is_file() and not e.name.startswith(".")]
        except OSError:
            return []
        if not names:
            return []
        referenced: set[str] = set()
        for entry in os.scandir(self.dir):
            if not (entry.name.endswith(".json") and entry.is_file()):
                continue
            try:
                doc = json.loads(Path(entry.path).read_bytes())
            except (OSError, ValueError, RecursionError):
                continue  # unreadable sidecars cannot be restored from, so they keep nothing alive
            if isinstance(doc, dict) and isinstance(doc.get("cells"), list):
                referenced |= blob_refs(doc["cells"])
        now = time.time()
        removed: list[str] = []
        for name in names:
            if name in referenced:
                continue
            p = self.blobs / name
            try:
                if now - p.stat().st_mtime < self.blob_grace:
                    continue
                p.unlink()
                removed.append(name)
            except OSError:
                pass
        return removed
