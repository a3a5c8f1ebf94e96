"""The packages an imported notebook needs: its imports mapped to distributions.

Reads every code cell's ``import`` statements with ``ast`` (never runs them),
drops the standard library, Reflow itself and modules that live beside the
notebook (or in a folder it adds to ``sys.path``, or a ``.py`` file it names,
downloads or writes with ``%%writefile``), and maps the rest to PyPI names with ``envs.install_hints``
(``sklearn`` → ``scikit-learn``). Imports guarded by ``except ImportError`` are
optional and left out. Packages the code needs without importing them (matplotlib
for pandas' or statsmodels' plots) come from ``implied``.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from reflow_desktop.envs.install_hints import distribution_for_import, provided_by

from .implied import implied_packages

_OPTIONAL = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}
_ENGINE = {"reflow"}  # reaches every kernel through PYTHONPATH


def _is_optional_guard(node: ast.Try | ast.TryStar) -> bool:
    for handler in node.handlers:
        kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        if handler.type is None or any(isinstance(k, ast.Name) and k.id in _OPTIONAL for k in kinds):
            return True
    return False


class _Imports(ast.NodeVisitor):
    def __init__(self) -> None:
        self.modules: list[str] = []
        self.paths: list[str] = []

    def visit_Try(self, node: ast.Try) -> None:
        self._visit_try(node)

    def visit_TryStar(self, node: ast.TryStar) -> None:
        self._visit_try(node)

    def _visit_try(self, node: ast.Try | ast.TryStar) -> None:
        if _is_optional_guard(node):  # try: import ujson / except ImportError: ...
            for child in node.handlers + node.orelse + node.finalbody:
                self.visit(child)
            return
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        self.modules.extend(alias.name for alias in node.names)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level == 0 and node.module:
            self.modules.append(node.module)

    def visit_Call(self, node: ast.Call) -> None:
        # sys.path.append("../src") / sys.path.insert(0, "lib"): local modules may live there
        f = node.func
        if (
            isinstance(f, ast.Attribute)
            and f.attr in ("append", "insert")
            and isinstance(f.value, ast.Attribute)
            and f.value.attr == "path"
            and isinstance(f.value.value, ast.Name)
            and f.value.value.id == "sys"
        ):
            for arg in node.args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    self.paths.append(arg.value)
        self.generic_visit(node)


def imported_modules(source: str) -> tuple[list[str], list[str]]:
    """(absolute modules imported, in order; folders added to sys.path) of one cell; ([], []) if invalid."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return [], []
    visitor = _Imports()
    visitor.visit(tree)
    return visitor.modules, visitor.paths


def _is_local(top: str, folders: Iterable[Path], written: set[str]) -> bool:
    if top in written:
        return True
    for folder in folders:
        try:
            if (folder / f"{top}.py").is_file():
                return True
            package = folder / top
            if package.is_dir() and any(package.glob("*.py")):
                return True
        except OSError:
            continue
    return False


@dataclass
class Detected:
    """Requirements found for a notebook and which import led to each."""

    requirements: list[str] = field(default_factory=list)
    reasons: dict[str, str] = field(default_factory=dict)  # requirement → import that needs it
    local: list[str] = field(default_factory=list)  # imports found beside the notebook
    implied: dict[str, str] = field(default_factory=dict)  # requirement → why, when no import names it


def requirement_names(requirements: Iterable[str]) -> set[str]:
    """Canonical project names of requirement strings (unparsable ones by their text)."""
    names: set[str] = set()
    for text in requirements:
        try:
            names.add(canonicalize_name(Requirement(text).name))
        except InvalidRequirement:
            names.add(canonicalize_name(text.split()[0]) if text.split() else text)
    return names


_MENTIONED_PY = re.compile(r"(?<![\w.])([A-Za-z_][A-Za-z0-9_]*)\.py\b")


def mentioned_scripts(texts: Iterable[str]) -> set[str]:
    """Module names the notebook mentions as files (``download('.../modsim.py')``, ``!wget .../helper.py``).

    A notebook that fetches or writes ``helper.py`` and then imports ``helper`` needs no package.
    """
    return {m.group(1) for text in texts for m in _MENTIONED_PY.finditer(text)}


def detect_dependencies(
    sources: Iterable[str],
    folder: Path | None,
    declared: Iterable[str] = (),
    written_files: Iterable[str] = (),
    mentioned: Iterable[str] = (),
    raw_sources: Iterable[str] = (),
) -> Detected:
    """Distributions for the third-party imports of ``sources`` not already in ``declared``.

    ``mentioned`` are modules known to be local files (see ``mentioned_scripts``);
    ``raw_sources`` the cells as written, magics included (see ``implied``).
    """
    sources = list(sources)
    modules: list[str] = []
    paths: list[str] = []
    for source in sources:
        found, added = imported_modules(source)
        modules.extend(found)
        paths.extend(added)
    folders: list[Path] = []
    if folder is not None:
        folders.append(folder)
        folders.extend(folder / p for p in paths if not Path(p).is_absolute())
    written = {Path(f).stem for f in written_files if f.endswith(".py")} | set(mentioned)
    written |= {Path(f).parts[0] for f in written_files if len(Path(f).parts) > 1}
    have = requirement_names(declared)
    result = Detected()
    seen: set[str] = set()
    for module in modules:
        top = module.split(".")[0]
        if module in seen or top in _ENGINE:
            continue
        seen.add(module)
        dist = distribution_for_import(module)
        if dist is None:
            continue
        if _is_local(top, folders, written):
            if top not in result.local:
                result.local.append(top)
            continue
        if provided_by(module) & have:
            continue
        have.add(canonicalize_name(dist))
        result.requirements.append(dist)
        result.reasons[dist] = module
    tops = {m.split(".")[0] for m in modules}
    for dist, why in implied_packages(sources, raw_sources, tops).items():
        if not provided_by(dist) & have and not _is_local(dist, folders, written):
            have.add(canonicalize_name(dist))
            result.requirements.append(dist)
            result.reasons[dist] = dist
            result.implied[dist] = why
    return result
