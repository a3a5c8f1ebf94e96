"""Reading and writing notebook files (UTF-8, optional BOM kept, atomic saves)."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

from .atomic import atomic_write_bytes
from .errors import NotebookFormatError
from .limits import invalid_text
from .model import Notebook
from .parse import parse_notebook
from .render import render_notebook


def decode(data: bytes) -> tuple[str, bool]:
    """Bytes → text and whether there was a UTF-8 BOM; junk → NotebookFormatError."""
    bom = data.startswith(codecs.BOM_UTF8)
    if bom:
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotebookFormatError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "is this a binary file? Notebooks are UTF-8 Python scripts",
            data.count(b"\n", 0, exc.start) + 1,
        ) from None
    return text, bom


def read_notebook(path: str | os.PathLike[str]) -> Notebook:
    """Read and parse a notebook file; OSError if unreadable, NotebookFormatError if malformed."""
    text, bom = decode(Path(path).read_bytes())
    nb = parse_notebook(text)
    nb._bom = bom
    return nb


def write_notebook(path: str | os.PathLike[str], nb: Notebook) -> None:
    """Save atomically; on any failure the previous file stays as it was.

    Text that could not be read back (a NUL, a lone surrogate) raises NotebookFormatError
    (a ValueError) with its line, before anything is written.
    """
    text = render_notebook(nb)
    bad = invalid_text(text)
    if bad is not None:  # saved, the file would not open again (NUL) or cannot be encoded at all
        offset, what = bad
        raise NotebookFormatError(
            f"cannot save {path}: the notebook contains {what}; nothing was written. "
            "Remove it from the cell and save again",
            text.count("\n", 0, offset) + 1,
        )
    data = text.encode("utf-8")
    if nb._bom:
        data = codecs.BOM_UTF8 + data
    atomic_write_bytes(path, data)
