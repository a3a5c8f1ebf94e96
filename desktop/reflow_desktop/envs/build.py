"""Create or reuse the environment for a notebook.

Reuse is a directory lookup (key → ``<cache_root>/envs/<key>`` with its marker)
and never runs uv. A build happens under a per-key file lock, into
``envs/.tmp-<key>-…`` (a relocatable venv), and is renamed into place only
after every step succeeded; a failure deletes the temporary directory and
leaves every existing environment as it was.

Build steps (see shared/research/desktop-feasibility.md §5):
1. ``uv venv --relocatable --python <interp> TMP``
2. ``uv pip install --python TMP/bin/python ipykernel>=6.29 orjson>=3.10`` (first, so the notebook's
   own pins win; tried ``--offline`` first, from uv's cache, then online; orjson: key.KERNEL_EXTRAS)
3. ``VIRTUAL_ENV=TMP uv sync --script nb.py --active --inexact --python <interp>``
   (``--locked`` when ``nb.py.lock`` exists, so opening never rewrites the user's lock); meanwhile
   the kernel's start-up modules are compiled (``bytecode.warm_kernel_imports``, stopped when uv is
   done: the build never waits for it), after linking the ``.pyc`` files other environments have for
   the same files (``bytecode.borrow_compiled``), so the first kernel start compiles little or nothing.

Early kernel (``kernel_early``, the app's sessions): a kernel start takes longer than the notebook's
packages usually take to install, so the session starts the kernel as soon as step 2 is done, while
step 3 runs (session/early_kernel.py). The running kernel cannot follow a rename, so such a build
happens in place, in ``envs/<key>`` itself, still under the key's lock and still complete only once
the marker is written last (an interrupted one is moved aside and rebuilt by the next open; ``reflow
envs clean`` removes it). The result says whether that kernel may be used: not when step 3 changed a
package already installed by step 2 (the notebook pins one of ipykernel's dependencies: the kernel has
the old one imported), and which ``.pth`` files step 3 added (the kernel reads them before the notebook
arrives, as its start would have: ``reflow.kernel.prestart``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock

from reflow_desktop.resources import engine_dir

from . import bytecode, layout
from .errors import EnvBuildError, UvCommandError
from .key import IPYKERNEL_REQUIREMENT, KERNEL_EXTRAS, environment_key
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
    # A build that called ``kernel_early``: may the kernel started then be used, and the ``.pth``
    # files installed after that moment (absolute paths), for that kernel to read.
    early_kernel_usable: bool = False
    added_pth: tuple[str, ...] = ()


# Called from the build's thread with the interpreter once ipykernel is installed in place and only the
# notebook's own packages are left to install: the caller may start a kernel from it now.
KernelEarly = Callable[[Path], None]


def ensure_environment(
    notebook_path: Path,
    *,
    progress: Progress | None = None,
    cache_root: Path | None = None,
    rebuild: bool = False,
    kernel_early: KernelEarly | None = None,
) -> Environment:
    """The notebook's environment, built if needed (blocking; call it from a worker thread).

    Raises NotebookFormatError (broken block), PythonNotFoundError, EnvBuildError.
    ``rebuild=True`` builds a fresh copy even if one exists and swaps it in on success.
    ``kernel_early``: see the module's docstring; never called for a reuse, a rebuild or a notebook
    without packages of its own.
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
        early = kernel_early if not rebuild and spec.needs_sync else None
        found = _build(notebook_path, spec, python, key, target, progress, early)
    layout.record_use(target, notebook_path)
    return Environment(
        key, target, layout.env_python(target), created=True, early_kernel_usable=found[0], added_pth=found[1]
    )


def _build(
    notebook_path: Path,
    spec: EnvSpec,
    python: Interpreter,
    key: str,
    target: Path,
    progress: Progress | None,
    kernel_early: KernelEarly | None,
) -> tuple[bool, tuple[str, ...]]:
    """Build into a temporary sibling directory and rename it over ``target`` on success; with
    ``kernel_early``, in ``target`` itself (see the module's docstring). (early kernel usable, .pth added)."""
    started = time.monotonic()
    if kernel_early is None:
        tmp = target.parent / f"{layout.TMP_PREFIX}{key}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    else:
        tmp = target
        if target.exists() or target.is_symlink():  # an earlier in-place build that never finished
            _move_aside(target)
    say = progress or (lambda line: None)
    warming: subprocess.Popen[bytes] | None = None
    before: _SiteState | None = None
    early_usable = False
    added_pth: tuple[str, ...] = ()
    try:
        say(f"Creating environment {key} with {python.path}")
        _uv(
            ["venv", "--relocatable", "--no-project", "--quiet", "--python", str(python.path), str(tmp)],
            progress,
            "creating the environment failed",
        )
        tmp_python = layout.env_python(tmp)
        say("Installing ipykernel")
        install = ["pip", "install", "--python", str(tmp_python), IPYKERNEL_REQUIREMENT, *KERNEL_EXTRAS]
        try:
            # From uv's cache alone when it can: skips ~0.5 s of index round trips per build.
            _uv([*install, "--offline"], None, "installing ipykernel failed")
        except EnvBuildError:
            _uv(install, progress, "installing ipykernel failed")
        # Bytecode (bytecode.py): another environment's .pyc files for the same ipykernel files, then
        # the kernel's start-up modules compile while uv installs the notebook's packages
        bytecode.borrow_compiled(tmp, target.parent)
        if kernel_early is not None:
            before = _site_state(tmp)  # what the kernel started next sees at its start
            kernel_early(tmp_python)  # its start imports (and compiles) what warming would
        elif spec.needs_sync:
            warming = bytecode.warm_kernel_imports(tmp_python, engine_dir())
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
        if before is not None:
            after = _site_state(tmp)
            early_usable = before.packages <= after.packages  # nothing the kernel may have imported was replaced
            added_pth = tuple(sorted(after.pth - before.pth))
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
        if tmp != target:
            _swap_into_place(tmp, target)
    except BaseException as exc:
        if warming is not None:
            warming.kill()
            warming.wait()
        if tmp == target:
            _move_aside(target)  # never seen half-deleted; a kernel started early is stopped by its caller
        else:
            shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, OSError):
            raise EnvBuildError(f"building the environment failed: {exc}") from exc
        raise
    say(f"Environment ready in {time.monotonic() - started:.1f} s")
    return early_usable, added_pth


@dataclass(frozen=True)
class _SiteState:
    packages: frozenset[tuple[str, int]]  # (dist-info folder, its RECORD's mtime): a version or reinstall changes it
    pth: frozenset[str]  # absolute paths of the .pth files


def _site_state(env: Path) -> _SiteState:
    packages: set[tuple[str, int]] = set()
    pth: set[str] = set()
    for site in bytecode.site_packages(env):
        try:
            entries = list(os.scandir(site))
        except OSError:
            continue
        for entry in entries:
            if entry.name.endswith(".dist-info"):
                try:
                    stamp = os.stat(os.path.join(entry.path, "RECORD")).st_mtime_ns
                except OSError:
                    stamp = -1
                packages.add((entry.name, stamp))
            elif entry.name.endswith(".pth"):
                pth.add(entry.path)
    return _SiteState(frozenset(packages), frozenset(pth))


def _move_aside(path: Path) -> None:
    """Rename to a trash name (atomic: never seen half there), then delete; what cannot go stays as trash."""
    trash = layout.trash_path(path)
    try:
        os.replace(path, trash)
    except OSError:
        shutil.rmtree(path, ignore_errors=True)
        return
    shutil.rmtree(trash, ignore_errors=True)


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
        trash = layout.trash_path(target)
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
