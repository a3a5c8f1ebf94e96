"""Choose the base interpreter for a notebook's environment.

``uv python find --no-project "<requirement>"`` does the search (managed
Pythons, PATH, registry on Windows) so Reflow follows uv's preferences. The
answer is cached in ``<cache_root>/envs/.pythons.json`` and trusted while the
interpreter file is unchanged, so reopening a notebook does not call uv. The
kernel runs Reflow's engine, which needs ``ENGINE_REQUIRES_PYTHON``; that is
added to every request.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from . import layout
from .errors import EnvError, PythonNotFoundError, UvCommandError
from .uv import Progress, run_uv

ENGINE_REQUIRES_PYTHON = ">=3.11"
CACHE_FILE = ".pythons.json"
# uv settings that change which interpreter `uv python find` picks. PATH is deliberately not
# one: launched from a desktop icon or a shell, the same notebook must keep the same environment.
_PREFERENCE_VARS = (
    "UV_PYTHON",
    "UV_PYTHON_PREFERENCE",
    "UV_MANAGED_PYTHON",
    "UV_NO_MANAGED_PYTHON",
    "UV_PYTHON_INSTALL_DIR",
)


@dataclass(frozen=True)
class Interpreter:
    """A base interpreter, identified by its real path and file stat (replaced in place → new identity)."""

    path: Path
    size: int
    mtime_ns: int

    @classmethod
    def from_path(cls, path: Path) -> Interpreter:
        real = Path(os.path.realpath(path))
        st = real.stat()
        return cls(path=real, size=st.st_size, mtime_ns=st.st_mtime_ns)

    def identity(self) -> str:
        return f"{self.path}|{self.size}|{self.mtime_ns}"

    def still_valid(self) -> bool:
        try:
            st = self.path.stat()
        except OSError:
            return False
        return (st.st_size, st.st_mtime_ns) == (self.size, self.mtime_ns)


def python_request(requires_python: str | None) -> str:
    """The specifier passed to uv: the notebook's requirement plus the engine's minimum."""
    if not requires_python or not requires_python.strip():
        return ENGINE_REQUIRES_PYTHON
    try:
        combined = SpecifierSet(ENGINE_REQUIRES_PYTHON) & SpecifierSet(requires_python)
    except InvalidSpecifier:
        raise EnvError(
            f"requires-python = {requires_python!r} in the notebook's '# /// script' block is "
            'not a valid version specifier (e.g. ">=3.11")'
        ) from None
    return str(combined)


def find_python(requires_python: str | None, cache_root: Path, progress: Progress | None = None) -> Interpreter:
    """An interpreter satisfying the notebook (and the engine); PythonNotFoundError if none is installed."""
    request = python_request(requires_python)
    cache_path = layout.envs_dir(cache_root) / CACHE_FILE
    lookup = json.dumps([request] + [os.environ.get(v, "") for v in _PREFERENCE_VARS])
    cached = layout.read_json(cache_path).get(lookup)
    if isinstance(cached, dict):
        try:
            interp = Interpreter(Path(cached["path"]), int(cached["size"]), int(cached["mtime_ns"]))
        except (KeyError, TypeError, ValueError):
            interp = None
        if interp is not None and interp.still_valid():
            return interp
    if progress:
        progress(f"Looking for Python {request}")
    try:
        result = run_uv(["python", "find", "--no-project", request], cwd=cache_root if cache_root.is_dir() else None)
    except UvCommandError as exc:
        raise PythonNotFoundError(_describe(requires_python), installed_pythons(), exc.uv_output) from None
    lines = [ln for ln in result.stdout.splitlines() if ln.strip()]
    if not lines:
        raise PythonNotFoundError(_describe(requires_python), installed_pythons(), result.stderr)
    interp = Interpreter.from_path(Path(lines[-1].strip()))
    try:
        cache = layout.read_json(cache_path)
        cache[lookup] = {"path": str(interp.path), "size": interp.size, "mtime_ns": interp.mtime_ns}
        cache_path.parent.mkdir(parents=True, exist_ok=True)
        layout.write_json(cache_path, cache)
    except OSError:
        pass
    return interp


def _describe(requires_python: str | None) -> str:
    if requires_python and requires_python.strip():
        return f"{requires_python.strip()} (and Reflow needs {ENGINE_REQUIRES_PYTHON})"
    return ENGINE_REQUIRES_PYTHON


def installed_pythons() -> list[str]:
    """ "3.11.7 (/usr/bin/python3.11)" for each interpreter uv can see, for error messages."""
    try:
        out = run_uv(["python", "list", "--only-installed", "--output-format", "json"]).stdout
        entries = json.loads(out)
    except (EnvError, ValueError):
        return []
    seen: dict[str, str] = {}
    for entry in entries if isinstance(entries, list) else []:
        version, path = str(entry.get("version", "?")), entry.get("path")
        if path:
            real = os.path.realpath(path)
            seen.setdefault(real, f"{version} ({path})")
    return list(seen.values())
