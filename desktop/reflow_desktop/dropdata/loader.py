"""The loader cell for a dropped data file: checks, a global name, a path literal, the right reader.

Pure apart from looking at the dropped file itself (``lstat``, a SQLite file's table names, read
only). Everything a drop may carry is hostile: a folder, a symbolic link, a device, a name with
control characters or undecodable bytes, an unknown type -- each is a ``DropRefused`` whose text is
the message the user sees, and nothing is inserted.

The code is plain pandas / polars (``python nb.py`` runs it too), e.g.::

    import pandas as pd

    sales = pd.read_csv(r"data/sales.csv")
    sales

The path is relative when the file is under the notebook's folder (the kernel's working directory),
else absolute; it is written as a raw string when that reads back exactly, else as ``repr``.
"""

from __future__ import annotations

import builtins
import keyword
import os
import re
import sqlite3
import stat
import unicodedata
from collections.abc import Collection
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Library = Literal["pandas", "polars"]
Kind = Literal["csv", "tsv", "parquet", "excel", "json", "jsonl", "sqlite"]

KINDS: dict[str, Kind] = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".xlsx": "excel",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".sqlite": "sqlite",
    ".sqlite3": "sqlite",
    ".db": "sqlite",
}
SUPPORTED_TEXT = "CSV, TSV, Parquet, Excel (.xlsx), JSON (.json, .jsonl) and SQLite (.sqlite, .db) files"
SQLITE_HEADER = b"SQLite format 3\x00"

# what each library needs per kind (PEP 508 names as uv adds them)
PACKAGES: dict[Library, dict[Kind, tuple[str, ...]]] = {
    "pandas": {
        "csv": ("pandas",),
        "tsv": ("pandas",),
        "parquet": ("pandas", "pyarrow"),
        "excel": ("pandas", "openpyxl"),
        "json": ("pandas",),
        "jsonl": ("pandas",),
        "sqlite": ("pandas",),
    },
    "polars": {
        "csv": ("polars",),
        "tsv": ("polars",),
        "parquet": ("polars",),
        "excel": ("polars", "fastexcel"),  # polars' default Excel engine (calamine)
        "json": ("polars",),
        "jsonl": ("polars",),
        "sqlite": ("polars",),
    },
}
ALIAS: dict[Library, str] = {"pandas": "pd", "polars": "pl"}
_READ: dict[Library, dict[Kind, str]] = {
    "pandas": {
        "csv": "pd.read_csv({p})",
        "tsv": 'pd.read_csv({p}, sep="\\t")',
        "parquet": "pd.read_parquet({p})",
        "excel": "pd.read_excel({p})",
        "json": "pd.read_json({p})",
        "jsonl": "pd.read_json({p}, lines=True)",
    },
    "polars": {
        "csv": "pl.read_csv({p})",
        "tsv": 'pl.read_csv({p}, separator="\\t")',
        "parquet": "pl.read_parquet({p})",
        "excel": "pl.read_excel({p})",
        "json": "pl.read_json({p})",
        "jsonl": "pl.read_ndjson({p})",
    },
}
# names a loader itself uses: never taken for a data frame
_OWN_NAMES = frozenset({"pd", "pl", "sqlite3", "closing", "reflow"})


class DropRefused(ValueError):
    """A dropped path Reflow will not load; ``str()`` is the message for the user."""


@dataclass(frozen=True)
class Loader:
    """One loader cell: its code, the global it binds, and the packages its reader needs."""

    name: str
    kind: Kind
    code: str
    packages: tuple[str, ...]
    path_text: str  # the path as the code writes it (relative to the notebook's folder when under it)
    options: dict[str, object] = field(default_factory=lambda: {"watch": True})


def check_path(raw: str) -> tuple[Path, Kind]:
    """The dropped path if Reflow can load it, else ``DropRefused`` saying why (nothing is opened)."""
    shown = raw.encode("utf-8", "backslashreplace").decode("utf-8")
    if not raw:
        raise DropRefused("The drop carried no file path.")
    if any(unicodedata.category(ch) == "Cc" for ch in raw):
        raise DropRefused(f"Not loaded: the file name {shown!r} has control characters; rename the file first.")
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in raw):
        raise DropRefused(f"Not loaded: the file name {shown!r} is not valid text; rename the file first.")
    path = Path(raw)
    name = path.name or raw
    try:
        st = path.lstat()
    except OSError as exc:
        raise DropRefused(f"Not loaded: {name} cannot be read ({exc.strerror or exc}).") from None
    if stat.S_ISLNK(st.st_mode):
        raise DropRefused(f"Not loaded: {name} is a symbolic link; drop the file it points to instead.")
    if stat.S_ISDIR(st.st_mode):
        raise DropRefused(f"Not loaded: {name} is a folder; drop one of the data files in it.")
    if not stat.S_ISREG(st.st_mode):
        raise DropRefused(f"Not loaded: {name} is not a regular file.")
    kind = KINDS.get(path.suffix.lower())
    if kind is None and path.suffix.lower() in (".py", ".ipynb"):
        raise DropRefused(f"Not loaded: {name} is a notebook, not a data file; open it with File ▸ Open.")
    if kind is None:
        raise DropRefused(f"Not loaded: {name} is not a data file Reflow can load ({SUPPORTED_TEXT}).")
    return path, kind


def path_literal(text: str) -> str:
    """Python source for the string ``text``: ``r"..."`` when that reads back exactly, else ``repr``."""
    if '"' not in text and not text.endswith("\\") and text.isprintable():
        return f'r"{text}"'
    return repr(text)


def path_in_code(path: Path, notebook_dir: Path) -> str:
    """``path`` relative to the notebook's folder (POSIX slashes) when it is under it, else absolute."""
    absolute = Path(os.path.abspath(path))
    folder = notebook_dir.resolve()
    for candidate in (absolute, absolute.parent.resolve() / absolute.name):  # the folder may be reached by a link
        try:
            return candidate.relative_to(folder).as_posix()
        except ValueError:
            continue
    return str(absolute)


def _identifier(text: str) -> str:
    """Lower-case identifier characters of ``text`` (letters of any script, digits, ``_``), runs of others as ``_``."""
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).lower())
    chars = [ch if ("_" + ch).isidentifier() else "_" for ch in text]
    return re.sub(r"_+", "_", "".join(chars)).strip("_")


def frame_name(path: Path, taken: Collection[str], *, suffixes: tuple[str, ...] = ("",)) -> str:
    """A new, valid, public global name from the file's name; ``name + s`` is free for every suffix."""
    stem = path.name[: -len(path.suffix)] if path.suffix else path.name
    base = _identifier(stem) or "data"
    if base[0].isdigit():
        base = f"data_{base}"
    if keyword.iskeyword(base) or keyword.issoftkeyword(base) or hasattr(builtins, base) or base in _OWN_NAMES:
        base = f"{base}_data"
    name, n = base, 2
    while any(name + s in taken or (name + s) in _OWN_NAMES for s in suffixes):
        name, n = f"{base}_{n}", n + 1
    return name


def sqlite_tables(path: Path) -> list[str]:
    """The file's table names (read only, nothing created); ``DropRefused`` if it is no SQLite database."""
    try:
        with path.open("rb") as f:
            header = f.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise DropRefused(f"Not loaded: {path.name} cannot be read ({exc.strerror or exc}).") from None
    if header != SQLITE_HEADER:
        raise DropRefused(f"Not loaded: {path.name} is not a SQLite database.")
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
            rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").fetchall()
    except sqlite3.Error as exc:
        raise DropRefused(f"Not loaded: {path.name} cannot be read as SQLite ({exc}).") from None
    return [str(r[0]) for r in rows if not str(r[0]).startswith("sqlite_")]


def _imports(library: Library, defined: Collection[str], *, sqlite: bool) -> list[str]:
    """Import lines for what no cell of the notebook binds already (a second definer would form a chain)."""
    lines = []
    if sqlite and "sqlite3" not in defined:
        lines.append("import sqlite3")
    if sqlite and "closing" not in defined:
        lines.append("from contextlib import closing")
    if lines:
        lines.append("")
    if ALIAS[library] not in defined:
        lines.append(f"import {library} as {ALIAS[library]}")
    return lines


def loader_for(raw_path: str, notebook_dir: Path, library: Library, defined: Collection[str]) -> Loader:
    """The loader cell for ``raw_path``; ``defined``: the globals the notebook's cells bind already."""
    path, kind = check_path(raw_path)
    shown = path_in_code(path, notebook_dir)
    literal = path_literal(shown)
    if kind == "sqlite":
        tables = sqlite_tables(path)
        if not tables:
            raise DropRefused(f"Not loaded: the SQLite database {path.name} has no tables.")
        name = frame_name(path, defined, suffixes=("", "_tables"))
        query = repr('SELECT * FROM "{}"'.format(tables[0].replace('"', '""')))
        read = "pd.read_sql_query" if library == "pandas" else "pl.read_database"
        body = [
            "_tables_sql = \"SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name\"",
            f"with closing(sqlite3.connect({literal})) as _db:",
            f"    {name}_tables = [row[0] for row in _db.execute(_tables_sql)]",
            f"    {name} = {read}({query}, _db)  # the first table; {name}_tables lists them all",
        ]
    else:
        name = frame_name(path, defined)
        body = [f"{name} = {_READ[library][kind].format(p=literal)}"]
    lines = [*_imports(library, defined, sqlite=kind == "sqlite")]
    if lines:
        lines.append("")
    code = "\n".join([*lines, *body, name])
    return Loader(name=name, kind=kind, code=code, packages=PACKAGES[library][kind], path_text=shown)
