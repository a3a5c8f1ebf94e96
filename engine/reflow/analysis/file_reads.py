"""The data files a cell reads, as far as its code says so with a literal path.

Static, like the rest of ``reflow.analysis``: a call of a known reader
(``pd.read_csv("sales.csv")``, ``pl.read_parquet(...)``, ``sqlite3.connect(...)``, ...) whose path
is a string literal (the first argument, or the reader's path keyword) names a file the cell reads.
The app watches those files for cells marked ``watch=true`` (a dropped file's loader cell) and runs
the cell again when one changes on disk, so its dependents follow (docs/drop-data.md). A path built
at run time is not seen: nothing is guessed.
"""

from __future__ import annotations

import ast

READERS = frozenset(
    {
        "read_csv",
        "read_table",
        "read_fwf",
        "read_parquet",
        "read_feather",
        "read_orc",
        "read_excel",
        "read_json",
        "read_ndjson",
        "read_ipc",
        "read_avro",
        "scan_csv",
        "scan_parquet",
        "scan_ndjson",
        "scan_ipc",
    }
)
PATH_KEYWORDS = frozenset({"filepath_or_buffer", "path", "io", "source", "file", "database"})


def _reader_name(func: ast.expr) -> str | None:
    """``read_csv`` for ``pd.read_csv`` / ``read_csv``; ``connect`` only as ``sqlite3.connect``."""
    if isinstance(func, ast.Attribute):
        if func.attr == "connect":
            return "connect" if isinstance(func.value, ast.Name) and func.value.id == "sqlite3" else None
        return func.attr if func.attr in READERS else None
    if isinstance(func, ast.Name) and func.id in READERS:
        return func.id
    return None


def _literal_path(call: ast.Call) -> str | None:
    if call.args:
        first = call.args[0]
        return first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None
    for kw in call.keywords:
        if kw.arg in PATH_KEYWORDS and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
            return kw.value.value
    return None


def literal_file_reads(source: str) -> tuple[str, ...]:
    """The literal paths the cell's reader calls name, in order of appearance, each once; () if it does not parse."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):  # ValueError: NUL bytes
        return ()
    found: list[tuple[int, int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _reader_name(node.func) is not None:
            path = _literal_path(node)
            if path and path != ":memory:":
                found.append((node.lineno, node.col_offset, path))
    return tuple(dict.fromkeys(path for _line, _col, path in sorted(found)))
