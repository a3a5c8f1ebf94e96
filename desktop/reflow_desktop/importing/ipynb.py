"""Jupyter .ipynb → Reflow notebook: code and markdown cells, no outputs.

Dependencies come from the notebook metadata when present (a Reflow export's
``reflow.script_metadata``, or a juv-style ``# /// script`` block in the first
code cell), else from the cells' imports (``dependencies``), plus the
``pip install`` / ``%conda install`` lines found in cells. Cells that are not
valid Python are converted by ``magics`` and reported per cell.
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path
from typing import Any

from reflow.notebook import Cell, Notebook, ScriptMetadata
from reflow.notebook.errors import NotebookFormatError
from reflow.notebook.metadata import set_shared_privates, shared_privates
from reflow.notebook.pep723 import parse_block_text

from .dependencies import Detected, detect_dependencies, mentioned_scripts, requirement_names
from .magics import convert_code
from .privates import cross_cell_privates
from .result import ImportProblem, ImportResult, NotebookImportError


def _text(source: Any) -> str:
    return "".join(source) if isinstance(source, list) else str(source or "")


def _table(owner: dict[str, Any], key: str) -> dict[str, Any]:
    """``owner[key]`` if it is a JSON object, else an empty one (hostile files put anything anywhere)."""
    value = owner.get(key)
    return value if isinstance(value, dict) else {}


def _metadata_from(
    nbmeta: dict[str, Any], cells: list[dict[str, Any]], problems: list[ImportProblem]
) -> tuple[ScriptMetadata | None, int | None]:
    """The PEP 723 block: Reflow metadata, else a leading ``# /// script`` cell.

    Returns the metadata and the index of a code cell that held only the block.
    """
    reflow = _table(nbmeta, "reflow")
    raw = reflow.get("script_metadata")
    if isinstance(raw, str) and raw.strip():
        try:
            return ScriptMetadata(raw=raw if raw.endswith("\n") else raw + "\n", data=parse_block_text(raw)), None
        except NotebookFormatError as exc:
            problems.append(
                ImportProblem(None, None, "warning", f"notebook metadata has a broken script block ({exc}); ignored")
            )
    for i, cell in enumerate(cells):
        if cell.get("cell_type") != "code":
            continue
        src = _text(cell.get("source")).strip()
        if src.startswith("# /// script"):
            try:
                data = parse_block_text(src + "\n")
            except NotebookFormatError:
                break
            return ScriptMetadata(raw=src + "\n", data=data), i
        break
    deps = reflow.get("dependencies")
    if isinstance(deps, list) and all(isinstance(d, str) for d in deps) and deps:
        return ScriptMetadata.from_data({"dependencies": list(deps)}), None
    return None, None


def _options(cell: dict[str, Any]) -> dict[str, Any]:
    meta = _table(cell, "metadata")
    opts = dict(_table(_table(meta, "reflow"), "options"))
    raw_tags = meta.get("tags")
    tags: list[Any] = raw_tags if isinstance(raw_tags, list) else []
    # JupyterLab's collapsed input, the hide_input extension, Jupyter Book's tags
    if (
        _table(meta, "jupyter").get("source_hidden") is True
        or meta.get("hide_input") is True
        or "hide-input" in tags
        or "remove-input" in tags
    ):
        opts.setdefault("hide_code", True)
    return opts


def convert_ipynb(data: dict[str, Any], source: Path) -> ImportResult:
    """Convert parsed .ipynb JSON; never raises for odd cells, reports them."""
    problems: list[ImportProblem] = []
    raw_cells = data.get("cells")
    if not isinstance(raw_cells, list):  # nbformat 3 keeps cells in worksheets
        ws = data.get("worksheets") or [{}]
        raw_cells = ws[0].get("cells", []) if isinstance(ws, list) and ws else []
    nbmeta = _table(data, "metadata")
    metadata, block_cell = _metadata_from(nbmeta, raw_cells, problems)
    cells: list[Cell] = []
    packages: list[str] = []
    sources: list[str] = []
    written: list[str] = []
    raw_code: list[str] = []
    for n, raw in enumerate(raw_cells, start=1):
        if not isinstance(raw, dict) or n - 1 == block_cell:
            continue
        kind = raw.get("cell_type")
        src = _text(raw.get("source") if "source" in raw else raw.get("input")).rstrip("\n")
        if kind == "markdown":
            cells.append(Cell(kind="markdown", source=src))
        elif kind == "code":
            conv = convert_code(src)
            cells.append(
                Cell(
                    kind=conv.kind,
                    source=conv.source,
                    options=_options(raw) if conv.kind == "code" else {},
                )
            )
            packages.extend(conv.packages)
            written.extend(conv.written_files)
            written.extend(f"{m}.py" for m in conv.local_modules)
            raw_code.append(src)
            if conv.kind == "code" and conv.parses:
                sources.append(conv.source)
            for line, msg in conv.notes:
                problems.append(ImportProblem(n, line, "warning" if conv.parses else "error", msg))
        elif kind in ("raw", "heading"):
            depth = raw.get("level") if kind == "heading" else None
            text = f"{'#' * depth} {src}" if isinstance(depth, int) else src
            cells.append(Cell(kind="markdown", source=text))
            if kind == "raw" and src.strip():
                problems.append(ImportProblem(n, None, "info", "raw cell kept as a markdown cell"))
        else:
            problems.append(ImportProblem(n, None, "warning", f"unknown cell type {kind!r} skipped"))
    written.extend(f"{m}.py" for m in mentioned_scripts(raw_code))
    metadata = _with_dependencies(metadata, packages, sources, written, nbmeta, source, problems, raw_code)
    header = _table(nbmeta, "reflow").get("header")
    nb = Notebook(metadata=metadata, cells=cells)
    shared = cross_cell_privates(sources)
    if shared and not shared_privates(nb):
        set_shared_privates(nb)
        names = ", ".join(shared[:5]) + (" ..." if len(shared) > 5 else "")
        problems.append(
            ImportProblem(
                None,
                None,
                "info",
                f'cells share {names}; [tool.reflow] underscore_names = "shared" keeps _names global as in Jupyter',
            )
        )
    if isinstance(header, str) and header.strip():
        nb._layout.before = header  # keep a Reflow export's header comments
    return ImportResult(notebook=nb, source=source, problems=problems)


def _with_dependencies(
    metadata: ScriptMetadata | None,
    packages: list[str],
    sources: list[str],
    written: list[str],
    nbmeta: dict[str, Any],
    source: Path,
    problems: list[ImportProblem],
    raw: list[str],
) -> ScriptMetadata | None:
    """The PEP 723 block: declared dependencies kept, install lines and imports added.

    A notebook that declares its dependencies (a Reflow export, a juv block) is
    trusted as it is, apart from packages its install lines add; otherwise the
    imports of its code cells are mapped to distributions. No block when nothing
    is needed: the notebook then runs in the shared default environment.
    """
    explicit = metadata is not None
    data: dict[str, Any] = dict(metadata.data) if metadata else {"requires-python": _requires_python(nbmeta, problems)}
    deps = list(data.get("dependencies") or [])
    have = requirement_names(deps)
    from_pip = []
    for p in packages:
        name = next(iter(requirement_names([p])))
        if name not in have:
            deps.append(p)
            have.add(name)
            from_pip.append(p)
    if from_pip:
        problems.append(
            ImportProblem(None, None, "info", "added to dependencies from install lines: " + ", ".join(from_pip))
        )
    if not explicit:
        found = detect_dependencies(sources, source.parent, declared=deps, written_files=written, raw_sources=raw)
        deps.extend(found.requirements)
        if found.requirements:
            said = [_why(d, found) for d in found.requirements]
            problems.append(
                ImportProblem(
                    None, None, "info", "added to dependencies from the notebook's imports: " + ", ".join(said)
                )
            )
        if found.local:
            problems.append(
                ImportProblem(
                    None,
                    None,
                    "info",
                    "local modules (files beside the notebook, or that it "
                    "writes or downloads), not packages: " + ", ".join(found.local),
                )
            )
    if not deps and not explicit:
        return None
    if not from_pip and explicit:
        return metadata
    data["dependencies"] = deps
    return ScriptMetadata.from_data(data)


def _why(requirement: str, found: Detected) -> str:
    """``scikit-learn (import sklearn)``, ``matplotlib (pandas plots with it)``, or the bare name."""
    if requirement in found.implied:
        return f"{requirement} ({found.implied[requirement]})"
    top = found.reasons[requirement].split(".")[0]
    return requirement if top == requirement else f"{requirement} (import {top})"


_VERSION = re.compile(r"^\s*(\d+)(?:\.(\d+))?")


def _requires_python(nbmeta: dict[str, Any], problems: list[ImportProblem]) -> str:
    """Always ``>=3.11`` (Reflow's floor): the version a notebook last ran with is not a requirement.

    An older Python or another language in the metadata is reported, since cells may need changes.
    """
    info = _table(nbmeta, "language_info")
    spec = _table(nbmeta, "kernelspec")
    language = str(info.get("name") or spec.get("language") or "python").lower()
    if language != "python":
        problems.append(
            ImportProblem(
                None, None, "warning", f"the notebook was written for a {language} kernel; Reflow runs Python"
            )
        )
        return ">=3.11"
    m = _VERSION.match(str(info.get("version") or ""))
    if m is None and str(spec.get("name", "")).lower() in ("python2", "python27"):
        m = _VERSION.match("2")
    if m is not None:
        version = (int(m.group(1)), int(m.group(2) or 0))
        if version < (3, 11):
            problems.append(
                ImportProblem(
                    None,
                    None,
                    "warning" if version[0] < 3 else "info",
                    f"the notebook last ran on Python {'.'.join(map(str, version))}; Reflow needs Python 3.11 or newer",
                )
            )
    return ">=3.11"


MAX_BYTES = 512 * 2**20  # refuse larger files rather than exhaust memory


def read_ipynb(path: str | Path) -> ImportResult:
    """Read and convert an .ipynb file (NotebookImportError naming the file if it cannot be)."""
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise NotebookImportError(
            f"{path}: not imported: the file is {size / 2**20:.0f} MB "
            f"(notebooks over {MAX_BYTES // 2**20} MB are refused)"
        )
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NotebookImportError(
            f"{path}: not a Jupyter notebook (not UTF-8 text: byte 0x{exc.object[exc.start]:02x} at offset {exc.start})"
        ) from None
    return convert_ipynb_text(text, path)


def convert_ipynb_text(text: str, source: Path) -> ImportResult:
    """Parse .ipynb text with nbformat (any version it reads, upgraded to 4) and convert it."""
    problems: list[ImportProblem] = []
    try:
        data = _nbformat_v4(text, source, problems)
        result = convert_ipynb(data, source)
    except RecursionError:
        raise NotebookImportError(f"{source}: not imported: its JSON is nested too deeply") from None
    result.problems[:0] = problems
    return result


def _nbformat_v4(text: str, source: Path, problems: list[ImportProblem]) -> dict[str, Any]:
    """The notebook as nbformat 4 JSON; a schema violation is reported, not fatal."""
    # Imported here, not at the top: nbformat pulls in jsonschema's format checkers (seconds when
    # rfc3987-syntax is installed), and every launch imports this package but few convert a notebook.
    import nbformat
    from nbformat import NBFormatError, ValidationError
    from nbformat.reader import NotJSONError

    captured: dict[str, Any] = {}
    try:
        with warnings.catch_warnings():  # e.g. MissingIDFieldWarning: repaired, nothing for the user to do
            warnings.simplefilter("ignore")
            nb = nbformat.reads(text, as_version=4, capture_validation_error=captured)  # type: ignore[no-untyped-call]  # nbformat is unannotated
    except NotJSONError:
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            raise NotebookImportError(
                f"{source}: not a Jupyter notebook (invalid JSON: {exc.msg}, line {exc.lineno})"
            ) from None
        raise NotebookImportError(f"{source}: not a Jupyter notebook (invalid JSON)") from None
    except NBFormatError as exc:
        raise NotebookImportError(f"{source}: not imported: {exc} (Reflow reads nbformat 1 to 4)") from None
    except ValidationError as exc:  # nbformat could not repair it: convert what is there
        data = json.loads(text)
        nb = data
        captured["ValidationError"] = exc
    except (AttributeError, TypeError, KeyError) as exc:
        raise NotebookImportError(f"{source}: not a Jupyter notebook (unexpected structure: {exc})") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells", nb.get("worksheets")), list):
        raise NotebookImportError(f"{source}: not a Jupyter notebook (no cells)")
    error = captured.get("ValidationError")
    if error is not None:
        detail = getattr(error, "message", str(error)).splitlines()[0][:200]
        problems.append(
            ImportProblem(
                None,
                None,
                "warning",
                f"the notebook does not follow the nbformat schema ({detail}); converted what could be read",
            )
        )
    return dict(nb)
