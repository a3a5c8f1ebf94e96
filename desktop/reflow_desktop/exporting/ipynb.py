"""Notebook → Jupyter .ipynb (nbformat 4.5).

Fidelity over convenience: markdown cells stay markdown, outputs keep their
real MIME bundles (JSON stays JSON, PNG stays base64), errors become error
outputs with ename/evalue/traceback, and the PEP 723 block travels in the
notebook metadata so importing the file back gives the same notebook.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from reflow.notebook import Cell, Notebook, atomic_write_text
from reflow.notebook.sql_cells import export_source
from reflow_desktop.secrets.exports import notebook_mask

from .order import execution_order
from .outputs import CellOutputs, Output

NBFORMAT, NBFORMAT_MINOR = 4, 5
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
_ERROR_NAMES = {
    "syntax": "SyntaxError",
    "interrupted": "KeyboardInterrupt",
    "name-removed": "NameError",
    "ancestor-error": "AncestorError",
    "multiple-definition": "MultipleDefinitionError",
    "cycle": "CycleError",
    "star-import": "StarImportError",
}
_SPLIT_MIME = re.compile(r"^(text/.*|application/javascript|image/svg\+xml)$")
_NOT_RESULT_CALLS = {"print", "display"}


def language_info() -> dict[str, Any]:
    """What Jupyter front ends use for highlighting and the kernel picker."""
    return {
        "name": "python",
        "version": ".".join(map(str, sys.version_info[:3])),
        "mimetype": "text/x-python",
        "file_extension": ".py",
        "codemirror_mode": {"name": "ipython", "version": 3},
        "pygments_lexer": "ipython3",
        "nbconvert_exporter": "python",
    }


def _lines(text: str) -> list[str]:
    """Jupyter's on-disk multiline form: a list of lines keeping their newlines."""
    return text.splitlines(keepends=True)


def _cell_ids(cells: Sequence[Cell]) -> list[str]:
    """Stable ids (from kind + source), so re-exporting an unchanged cell keeps its id."""
    ids: list[str] = []
    seen: set[str] = set()
    for cell in cells:
        base = hashlib.sha1(f"{cell.kind}\0{cell.source}".encode()).hexdigest()[:8]
        cid, n = base, 1
        while cid in seen:
            n += 1
            cid = f"{base}-{n}"
        seen.add(cid)
        ids.append(cid)
    return ids


def _cell_metadata(cell: Cell) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    if cell.options:
        meta["reflow"] = {"options": _json_safe(cell.options)}
        if cell.options.get("hide_code") is True:
            meta["jupyter"] = {"source_hidden": True}
    return meta


def _json_safe(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def mime_bundle(bundle: Mapping[str, Any]) -> dict[str, Any]:
    """A protocol MIME bundle in nbformat form: JSON types stay JSON, text is split in lines."""
    out: dict[str, Any] = {}
    for mime, value in bundle.items():
        if mime == "application/json" or mime.endswith("+json"):
            out[mime] = value if isinstance(value, (dict, list)) else _maybe_json(value)
            continue
        text = (
            value
            if isinstance(value, str)
            else (
                "".join(value)
                if isinstance(value, list) and all(isinstance(v, str) for v in value)
                else json.dumps(value, default=str)
            )
        )
        out[mime] = _lines(text) if _SPLIT_MIME.match(mime) else text
    return out


def _maybe_json(value: Any) -> Any:
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return {"value": value}
        return parsed if isinstance(parsed, (dict, list)) else {"value": parsed}
    return {"value": value}


def error_output(error: Mapping[str, Any]) -> dict[str, Any]:
    """A protocol CellError as an nbformat error output."""
    kind = str(error.get("kind") or "exception")
    ename = error.get("ename") or _ERROR_NAMES.get(kind, "Error")
    message = str(error.get("message") or "")
    evalue = message
    prefix = f"{ename}: "
    if kind == "exception" and evalue.startswith(prefix):
        evalue = evalue[len(prefix) :]
    tb = error.get("traceback")
    lines = str(tb).rstrip("\n").split("\n") if tb else [f"{ename}: {evalue}" if evalue else ename]
    return {"output_type": "error", "ename": str(ename), "evalue": evalue, "traceback": lines}


def _result_index(cell: Cell, outputs: Sequence[Output]) -> int | None:
    """Which data output is the cell's last-expression value (an ``execute_result``).

    The protocol does not mark it; an output may say ``"result": true``. Otherwise:
    the last data output of a cell whose last statement is an expression other
    than a print()/display() call (the runtime emits the value after the cell ran).
    """
    marked = [i for i, o in enumerate(outputs) if o.get("kind") == "data" and o.get("result")]
    if marked:
        return marked[-1]
    data_idx = [i for i, o in enumerate(outputs) if o.get("kind") == "data"]
    if not data_idx:
        return None
    try:
        body = ast.parse(export_source(cell.source, cell.options)).body
    except SyntaxError:
        return None
    if not body or not isinstance(body[-1], ast.Expr):
        return None
    value = body[-1].value
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in _NOT_RESULT_CALLS:
        return None
    if source_ends_with_semicolon(cell.source):
        return None
    return data_idx[-1]


def source_ends_with_semicolon(source: str) -> bool:
    """IPython hides a trailing ``;`` value; so does the runtime (no result)."""
    stripped = [ln for ln in source.rstrip().split("\n") if ln.strip() and not ln.lstrip().startswith("#")]
    return bool(stripped) and stripped[-1].split("#")[0].rstrip().endswith(";")


def cell_outputs(cell: Cell, outputs: Sequence[Output], count: int | None) -> list[dict[str, Any]]:
    """A cell's protocol outputs as nbformat outputs (adjacent streams merged)."""
    result = _result_index(cell, outputs)
    out: list[dict[str, Any]] = []
    for i, o in enumerate(outputs):
        kind = o.get("kind")
        if kind == "stream":
            name = "stderr" if o.get("name") == "stderr" else "stdout"
            text = str(o.get("text") or "")
            if out and out[-1]["output_type"] == "stream" and out[-1]["name"] == name:
                out[-1]["_text"] += text
            else:
                out.append({"output_type": "stream", "name": name, "_text": text})
        elif kind == "error":
            out.append(error_output(o.get("error") or {}))
        elif kind == "data":
            bundle = mime_bundle(o.get("data") or {})
            meta = o.get("metadata") if isinstance(o.get("metadata"), dict) else {}
            if i == result:
                out.append(
                    {"output_type": "execute_result", "execution_count": count, "data": bundle, "metadata": meta}
                )
            else:
                out.append({"output_type": "display_data", "data": bundle, "metadata": meta})
    for o in out:
        if o["output_type"] == "stream":
            o["text"] = _lines(o.pop("_text"))
    return out


def notebook_metadata(nb: Notebook) -> dict[str, Any]:
    """Kernelspec, language_info and the Reflow-specific bits needed to come back."""
    reflow: dict[str, Any] = {}
    if nb.metadata is not None:
        reflow["script_metadata"] = nb.metadata.raw
        reflow["dependencies"] = nb.metadata.dependencies
        if nb.metadata.requires_python:
            reflow["requires_python"] = nb.metadata.requires_python
        reflow["runtime"] = nb.runtime_mode
    if nb.header.strip():
        reflow["header"] = nb.header
    meta: dict[str, Any] = {"kernelspec": dict(KERNELSPEC), "language_info": language_info()}
    if reflow:
        meta["reflow"] = reflow
    return meta


def notebook_to_ipynb(nb: Notebook, outputs: CellOutputs | None = None) -> dict[str, Any]:
    """The nbformat 4.5 notebook as a plain dict (ready for json.dumps or nbformat)."""
    outputs = notebook_mask(nb).message(outputs or {})  # [tool.reflow] secrets masked again (secrets/exports.py)
    has_outputs = {c.id for c in nb.cells if outputs.get(c.id)}
    counts = {c.id: n for n, c in enumerate((c for c in execution_order(nb) if c.id in has_outputs), start=1)}
    cells: list[dict[str, Any]] = []
    for cell, cid in zip(nb.cells, _cell_ids(nb.cells), strict=True):
        base: dict[str, Any] = {
            "id": cid,
            "cell_type": cell.kind,
            "metadata": _cell_metadata(cell),
            "source": _lines(export_source(cell.source, cell.options)),  # an SQL cell: Python calling duckdb
        }
        if cell.kind == "code":
            count = counts.get(cell.id)
            base["execution_count"] = count
            base["outputs"] = cell_outputs(cell, outputs.get(cell.id) or (), count)
        cells.append(base)
    return {"cells": cells, "metadata": notebook_metadata(nb), "nbformat": NBFORMAT, "nbformat_minor": NBFORMAT_MINOR}


def dumps(notebook: Mapping[str, Any]) -> str:
    """Serialise like Jupyter does (indent 1, sorted keys, UTF-8, final newline)."""
    return json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


class IpynbSchemaError(ValueError):
    """The exported notebook does not match nbformat's schema (a bug in the exporter: the text says where)."""


@lru_cache(maxsize=1)
def _schema_check() -> Callable[[Any], Any]:
    """nbformat's own JSON schema for v4.5, compiled by fastjsonschema (nbformat's own fast validator).

    Read from nbformat's package files without importing nbformat: its import loads jsonschema, whose
    format checkers compile dozens of grammars where rfc3987-syntax is installed (~3 s of CPU here).
    """
    import importlib.util

    import fastjsonschema

    spec = importlib.util.find_spec("nbformat")  # finds the package's folder; imports nothing
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    if not folders:
        raise IpynbSchemaError("nbformat is not installed: its schema checks the exported notebook")
    schema_file = Path(folders[0]) / f"v{NBFORMAT}" / f"nbformat.v{NBFORMAT}.{NBFORMAT_MINOR}.schema.json"
    check: Callable[[Any], Any] = fastjsonschema.compile(json.loads(schema_file.read_text(encoding="utf-8")))
    return check


def validate(notebook: Mapping[str, Any]) -> None:
    """nbformat's schema check of an exported notebook (raises IpynbSchemaError)."""
    import fastjsonschema

    try:
        _schema_check()(dict(notebook))
    except fastjsonschema.JsonSchemaException as exc:
        raise IpynbSchemaError(f"the exported notebook does not match nbformat's schema: {exc}") from None


def write_ipynb(
    nb: Notebook, path: str | Path, outputs: CellOutputs | None = None, *, check: bool = True
) -> dict[str, Any]:
    """Export to ``path`` atomically; validated with nbformat first unless ``check=False``."""
    notebook = notebook_to_ipynb(nb, outputs)
    if check:
        validate(notebook)
    atomic_write_text(Path(path), dumps(notebook))
    return notebook
