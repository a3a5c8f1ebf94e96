"""Create or reuse the environment for a notebook.

Reuse is a directory lookup (key → ``<cache_root>/envs/<key>`` with its marker)
and never runs uv. A build happens under a per-key file lock, into
``envs/.tmp-<key>-…`` (a relocatable venv), and is renamed into place only
after every step succeeded; a failure deletes the temporary directory and
leaves every existing environment as it was.

Build steps (see shared/research/desktop-feasibility.md §5):
1. ``uv venv --relocatable --python <interp> TMP``
2. ``uv pip install --python TMP/bin/python ipykernel>=6.29`` (first, so the notebook's own pins win;
   tried ``--offline`` first, from uv's cache, then online)
3. ``VIRTUAL_ENV=TMP uv sync --script nb.py --active --inexact --python <interp>``
   (``--locked`` when ``nb.py.lock`` exists, so opening never rewrites the user's lock); meanwhile
   the kernel's start-up modules are compiled (``bytecode.warm_kernel_imports``, stopped when uv is
   done: the build never waits for it), after linking the ``.pyc`` files other environments have for
   the same files (``bytecode.borrow_compiled``), so the first kernel start compiles little or nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock

from reflow_desktop.resources import engine_dir

from . import bytecode, layout
from .errors import EnvBuildError, UvCommandError
from .key import IPYKERNEL_REQUIREMENT, environment_key
from .pythons import Interpreter, find_python
from .spec import EnvSpec, lock_file, read_spec
from .uv import Progress, run_uv


@dataclass(frozen=True)
class Environment:
    """A ready environment: start the kernel with ``python -m ...`` from ``python``."""

    key: str
    path: Path
    python: Path
    created: bool  # True when this call built it, False when an existing one was reused


def ensure_environment(
    notebook_path: Path, *, progress: Progress | None = None, cache_root: Path | None = None, rebuild: bool = False
) -> Environment:
    """The notebook's environment, built if needed (blocking; call it from a worker thread).

    Raises NotebookFormatError (broken block), PythonNotFoundError, EnvBuildError.
    ``rebuild=True`` builds a fresh copy even if one exists and swaps it in on success.
    """
    notebook_path = Path(notebook_path).resolve()
    root = (Path(cache_root) if cache_root is not None else layout.default_cache_root()).absolute()
    spec = read_spec(notebook_path)
    layout.envs_dir(root).mkdir(parents=True, exist_ok=True)
    python = find_python(spec.requires_python, root, progress)
    key = environment_key(spec, python)
    target = layout.env_dir(root, key)
    if not rebuild and layout.is_complete(target):
        layout.record_use(target, notebook_path)
        return Environment(key, target, layout.env_python(target), created=False)
    with FileLock(layout.lock_path(root, key)):
        if not rebuild and layout.is_complete(target):  # someone else built it while we waited
            layout.record_use(target, notebook_path)
            return Environment(key, target, layout.env_python(target), created=False)
        _build(notebook_path, spec, python, key, target, progress)
    layout.record_use(target, notebook_path)
    return Environment(key, target, layout.env_python(target), created=True)


def _build(
    notebook_path: Path, spec: EnvSpec, python: Interpreter, key: str, target: Path, progress: Progress | None
) -> None:
    """Build into a temporary sibling directory and rename it over ``target`` on success."""
    started = time.monotonic()
    tmp = target.parent / f"{layout.TMP_PREFIX}{key}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    say = progress or (lambda line: None)
    warming: subprocess.Popen[bytes] | None = None
    try:
        say(f"Creating environment {key} with {python.path}")
        _uv(
            ["venv", "--relocatable", "--no-project", "--quiet", "--python", str(python.path), str(tmp)],
            progress,
            "creating the environment failed",
        )
        tmp_python = layout.env_python(tmp)
        say("Installing ipykernel")
        install = ["pip", "install", "--python", str(tmp_python), IPYKERNEL_REQUIREMENT]
        try:
            # From uv's cache alone when it can: skips ~0.5 s of index round trips per build.
            _uv([*install, "--offline"], None, "installing ipykernel failed")
        except EnvBuildError:
            _uv(install, progress, "installing ipykernel failed")
        # Bytecode (bytecode.py): another environment's .pyc files for the same ipykernel files, then
        # the kernel's start-up modules compile while uv installs the notebook's packages
        bytecode.borrow_compiled(tmp, target.parent)
        warming = bytecode.warm_kernel_imports(tmp_python, engine_dir()) if spec.needs_sync else None
        if spec.needs_sync:
            say("Installing the notebook's packages")
            args = ["sync", "--script", str(notebook_path), "--active", "--inexact", "--python", str(python.path)]
            locked = lock_file(notebook_path).exists()
            if locked:
                args.append("--locked")
            _uv(
                args,
                progress,
                "installing the notebook's packages failed"
                + (f" (is {lock_file(notebook_path).name} out of date? lock again)" if locked else ""),
                env={"VIRTUAL_ENV": str(tmp)},
                cwd=notebook_path.parent,
            )
        if warming is not None:
            _finish_warming(warming)
        layout.write_json(
            tmp / layout.MARKER,
            {
                "key": key,
                "created": time.time(),
                "python": str(python.path),
                "python_version": venv_python_version(tmp),
                "requires_python": spec.requires_python,
                "dependencies": list(spec.dependencies),
                "lock_sha256": spec.lock_sha256,
                "notebook": str(notebook_path),
            },
        )
        _swap_into_place(tmp, target)
    except BaseException as exc:
        if warming is not None:
            warming.kill()
            warming.wait()
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, OSError):
            raise EnvBuildError(f"building the environment failed: {exc}") from exc
        raise
    say(f"Environment ready in {time.monotonic() - started:.1f} s")


def _finish_warming(warming: subprocess.Popen[bytes]) -> None:
    """Stop the kernel modules' compile if it is still going: the environment is never ready later for it.

    What it compiled so far stays; the first kernel start compiles the rest (reflow.kernel.__main__).
    """
    if warming.poll() is None:
        warming.kill()
    warming.wait()


def _uv(
    args: list[str], progress: Progress | None, what: str, *, env: dict[str, str] | None = None, cwd: Path | None = None
) -> None:
    try:
        run_uv(args, progress=progress, env=env, cwd=cwd, error=EnvBuildError, what=what)
    except EnvBuildError:
        raise
    except UvCommandError as exc:  # pragma: no cover - run_uv raises the class it is given
        raise EnvBuildError(exc.message, uv_output=exc.uv_output) from exc


def _swap_into_place(tmp: Path, target: Path) -> None:
    """Atomic rename; an existing (stale or rebuilt) target is moved aside first, then deleted."""
    if target.exists():
        trash = target.parent / f"{layout.TRASH_PREFIX}{target.name}-{uuid.uuid4().hex[:8]}"
        os.replace(target, trash)
        os.replace(tmp, target)
        shutil.rmtree(trash, ignore_errors=True)
    else:
        os.replace(tmp, target)


def venv_python_version(env: Path) -> str | None:
    """The venv's Python version from pyvenv.cfg (uv writes ``version_info``)."""
    try:
        for line in (env / "pyvenv.cfg").read_text(encoding="utf-8").splitlines():
            name, _, value = line.partition("=")
            if name.strip() in ("version_info", "version"):
                return value.strip()
    except OSError:
        pass
    return None
