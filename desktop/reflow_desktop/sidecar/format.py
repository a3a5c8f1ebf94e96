"""The sidecar file format: a versioned JSON snapshot of each cell's last outputs.

``__reflow__/<notebook name>.json`` beside the notebook::

    {"version": 1, "notebook": "nb.py",
     "cells": [{"code_hash": "<sha256 of the code that produced the outputs>",
                "status": "idle", "outputs": [Output, ...], "ran_at": "2026-…Z",
                "ui_values": {"slider[n]#0": 7}}],
     "ui_values": {}}

A cell's ``ui_values`` (present only when not empty) are the values the user chose for
the ``reflow.ui`` elements that cell made, by slot key (``reflow.ui._persist``): they
travel with the cell's outputs, so they find the cell again on the next open the same
way (by content and position), and the kernel's run uses them. The top-level
``ui_values`` is what older versions wrote (keyed by session ids, which a reopen cannot
match); it is read, checked and no longer used.

Outputs are exactly the protocol's ``Output`` dicts (docs/protocol.md). Large
base64 binaries (images, PDFs over ``BLOB_THRESHOLD`` characters) move to
``__reflow__/blobs/<sha256>.<ext>`` so the JSON stays small and a 10 MB plot is
written once, not on every debounce tick; the output then carries
``"$blobs": {mime: file name}`` in place of those MIME entries.

Decoding is strict about the envelope (wrong JSON, wrong version, nesting past the
parser's limit → the whole file is ignored) and lenient per cell and output (one
malformed entry, or an output nested past ``MAX_OUTPUT_DEPTH``, is skipped, the rest are kept),
because losing every output to one bad cell is what we do better than an
all-or-nothing cache. A lone surrogate (from a ``\\udXXX`` escape) becomes U+FFFD.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reflow.notebook.limits import MAX_OUTPUT_DEPTH, too_deep

VERSION = 1
SIDECAR_DIR = "__reflow__"
BLOBS_DIR = "blobs"
BLOB_THRESHOLD = 64 * 1024  # characters of base64; smaller payloads stay inline
BLOB_KEY = "$blobs"

# Binary MIME types that the kernel sends base64-encoded, and their blob extensions.
BINARY_MIME_EXT: dict[str, str] = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/bmp": "bmp",
    "image/tiff": "tiff",
    "application/pdf": "pdf",
}


class SidecarFormatError(ValueError):
    """The file is not a sidecar we can read (corrupt, truncated, other version)."""


def code_hash(code: str) -> str:
    """sha256 of a cell's code: what ties stored outputs to the code that made them."""
    return hashlib.sha256(code.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class CellRecord:
    """One cell's stored outputs, keyed by the hash of the code that produced them."""

    code_hash: str
    status: str = "idle"
    outputs: list[dict[str, Any]] = field(default_factory=list)
    ran_at: str | None = None
    ui_values: dict[str, Any] = field(default_factory=dict)  # slot key -> JSON value (reflow.ui._persist)


@dataclass
class SidecarData:
    """Everything the sidecar file holds for one notebook (cells in display order)."""

    notebook: str
    cells: list[CellRecord] = field(default_factory=list)
    ui_values: dict[str, Any] = field(default_factory=dict)


# --- encoding ---------------------------------------------------------------------------
BlobSink = Callable[[str, bytes], None]  # (file name, bytes) -> store it


def _externalize(output: dict[str, Any], sink: BlobSink, refs: set[str]) -> dict[str, Any]:
    """Move large base64 payloads of a data output into blobs; returns a new dict if changed."""
    if output.get("kind") != "data" or not isinstance(output.get("data"), dict):
        return output
    data: dict[str, Any] = output["data"]
    moved: dict[str, str] = {}
    for mime, value in data.items():
        ext = BINARY_MIME_EXT.get(mime)
        if ext is None or not isinstance(value, str) or len(value) <= BLOB_THRESHOLD:
            continue
        try:
            raw = base64.b64decode(value, validate=False)
        except (binascii.Error, ValueError):
            continue  # not base64 after all: keep it inline
        name = f"{hashlib.sha256(raw).hexdigest()}.{ext}"
        sink(name, raw)
        refs.add(name)
        moved[mime] = name
    if not moved:
        return output
    out = dict(output)
    out["data"] = {k: v for k, v in data.items() if k not in moved}
    out[BLOB_KEY] = moved
    return out


def encode(data: SidecarData, sink: BlobSink) -> tuple[str, set[str]]:
    """Serialize to JSON text; large binaries go to ``sink``. Returns (text, blob names used)."""
    refs: set[str] = set()
    cells = [
        {
            "code_hash": c.code_hash,
            "status": c.status,
            "outputs": [_externalize(o, sink, refs) for o in c.outputs],
            "ran_at": c.ran_at,
            **({"ui_values": c.ui_values} if c.ui_values else {}),
        }
        for c in data.cells
    ]
    doc = {"version": VERSION, "notebook": data.notebook, "cells": cells, "ui_values": data.ui_values}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")), refs


def scrub(text: str) -> str:
    """``text`` with each lone surrogate (half of a character pair) replaced by U+FFFD."""
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def to_bytes(text: str) -> bytes:
    """UTF-8 for the file; a lone surrogate a cell printed becomes U+FFFD instead of failing every save."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return scrub(text).encode("utf-8")


# --- decoding ---------------------------------------------------------------------------
BlobSource = Callable[[str], bytes | None]  # file name -> bytes, None if missing
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")  # JSON's spelling of a surrogate (paired or not)


def valid_blob_name(name: object) -> bool:
    """A blob reference must be a bare ``<hex>.<ext>`` name: never a path out of blobs/."""
    if not isinstance(name, str) or "/" in name or "\\" in name:
        return False
    stem, _, ext = name.partition(".")
    return len(stem) == 64 and all(c in "0123456789abcdef" for c in stem) and ext.isalnum()


def blob_refs(doc_cells: list[Any]) -> set[str]:
    """Blob names referenced by the raw ``cells`` list of a decoded JSON document."""
    refs: set[str] = set()
    for cell in doc_cells:
        outputs = cell.get("outputs") if isinstance(cell, dict) else None
        for out in outputs if isinstance(outputs, list) else ():
            moved = out.get(BLOB_KEY) if isinstance(out, dict) else None
            if isinstance(moved, dict):
                refs.update(n for n in moved.values() if valid_blob_name(n))
    return refs


def _output(raw: object, source: BlobSource, missing: list[str], deep: list[str]) -> dict[str, Any] | None:
    """Validate one stored output and inline its blobs; None if it is unusable.

    Only the parts that can nest (an error's details, a data bundle) are walked for depth.
    """
    if not isinstance(raw, dict):
        return None
    kind = raw.get("kind")
    if kind == "stream":
        if raw.get("name") in ("stdout", "stderr") and isinstance(raw.get("text"), str):
            return {"kind": "stream", "name": raw["name"], "text": raw["text"]}
        return None
    if kind == "error":
        err = raw.get("error")
        if isinstance(err, dict) and isinstance(err.get("message"), str):
            if too_deep(err, MAX_OUTPUT_DEPTH):
                deep.append("error")
                return None
            return {"kind": "error", "error": err}
        return None
    if kind != "data" or not isinstance(raw.get("data"), dict):
        return None
    if too_deep(raw["data"], MAX_OUTPUT_DEPTH):
        deep.append("data")
        return None
    data = dict(raw["data"])
    moved = raw.get(BLOB_KEY)
    if isinstance(moved, dict):
        for mime, name in moved.items():
            blob = source(name) if valid_blob_name(name) else None
            if blob is None:
                missing.append(str(name))
                continue
            data[mime] = base64.b64encode(blob).decode("ascii")
    if not data:
        return None
    return {"kind": "data", "data": data}


def cell_ui_values(raw: object) -> tuple[dict[str, Any], int]:
    """One cell's kept widget values from untrusted JSON: (the usable ones, how many were dropped).

    Keys are strings, values plain JSON (finite numbers), not deeply nested and not huge
    (``reflow.ui._persist.valid_value``); whether a value fits its element is the kernel's check.
    """
    from reflow.ui._persist import MAX_SLOTS_PER_CELL, valid_value

    if raw is None:
        return {}, 0
    if not isinstance(raw, dict):
        return {}, 1
    items = list(raw.items())
    kept = {k: v for k, v in items[:MAX_SLOTS_PER_CELL] if isinstance(k, str) and valid_value(v)}
    return kept, len(items) - len(kept)


def decode(text: str | bytes, source: BlobSource) -> tuple[SidecarData, list[str]]:
    """Parse a sidecar file. Raises SidecarFormatError when the envelope is unusable.

    Returns the data and a list of problems that cost individual outputs
    (skipped cells, missing blobs), for a notice.
    """
    try:
        doc = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise SidecarFormatError(f"not valid JSON ({exc})") from None
    except RecursionError:
        raise SidecarFormatError("nested too deeply to be a Reflow sidecar") from None
    problems: list[str] = []
    if _SURROGATE_ESCAPE.search(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")):
        dumped = json.dumps(doc, ensure_ascii=False)
        if to_bytes(dumped) != dumped.encode("utf-8", "surrogatepass"):
            doc = json.loads(scrub(dumped))
            problems.append("text that is not valid Unicode (a lone surrogate) was replaced with \ufffd")
    if not isinstance(doc, dict):
        raise SidecarFormatError("not a JSON object")
    version = doc.get("version")
    if version != VERSION:
        raise SidecarFormatError(f"format version {version!r}, this Reflow reads version {VERSION}")
    cells = doc.get("cells")
    if not isinstance(cells, list):
        raise SidecarFormatError("no cell list")
    missing: list[str] = []
    deep: list[str] = []
    records: list[CellRecord] = []
    skipped = 0
    bad_values = 0
    for raw in cells:
        if not isinstance(raw, dict) or not isinstance(raw.get("code_hash"), str):
            skipped += 1
            continue
        outs_raw = raw.get("outputs")
        outputs = [
            o
            for o in (_output(x, source, missing, deep) for x in (outs_raw if isinstance(outs_raw, list) else ()))
            if o is not None
        ]
        status = raw.get("status")
        ran_at = raw.get("ran_at")
        values, dropped = cell_ui_values(raw.get("ui_values"))
        bad_values += dropped
        records.append(
            CellRecord(
                code_hash=raw["code_hash"],
                status=status if isinstance(status, str) else "idle",
                outputs=outputs,
                ran_at=ran_at if isinstance(ran_at, str) else None,
                ui_values=values,
            )
        )
    if skipped:
        problems.append(f"{skipped} malformed cell entr{'y' if skipped == 1 else 'ies'} skipped")
    if deep:
        problems.append(f"{len(deep)} output{'s' if len(deep) != 1 else ''} nested too deeply dropped")
    if missing:
        problems.append(f"{len(missing)} stored image{'s' if len(missing) != 1 else ''} missing")
    if bad_values:
        problems.append(f"{bad_values} unusable widget value{'s' if bad_values != 1 else ''} ignored")
    ui_values = doc.get("ui_values")
    if too_deep(ui_values, MAX_OUTPUT_DEPTH):
        ui_values = None
        problems.append(f"widget values nested more than {MAX_OUTPUT_DEPTH} levels deep were dropped")
    notebook = doc.get("notebook")
    return SidecarData(
        notebook=notebook if isinstance(notebook, str) else "",
        cells=records,
        ui_values=ui_values if isinstance(ui_values, dict) else {},
    ), problems
