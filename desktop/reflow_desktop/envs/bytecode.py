"""Byte-compiling environments, so that kernels and notebook imports do not compile on every start.

uv installs without ``.pyc`` files. A kernel start then compiles IPython, ipykernel and their
dependencies (~400 modules, about 0.5 s), and with ``PYTHONDONTWRITEBYTECODE`` inherited it did so
on every start; a notebook's ``import pandas`` compiled pandas each time too. Two measures:

- ``warm_kernel_imports`` compiles just the kernel's start-up modules (by importing them, as the
  kernel does) into a fresh environment. The build runs it beside ``uv sync`` (uv waits on the
  network and disk, this on the CPU), so the first kernel start in a new environment is as fast as
  any other. uv's own ``--compile-bytecode`` compiles every file of every package (IPython's,
  jedi's, pygments'...): measured 7x slower than the install itself, too slow to wait for.
- ``borrow_compiled`` first links the ``.pyc`` files another environment of the same interpreter
  already has for the very same source files (uv hard-links every package file from its cache, so
  two environments with ipykernel 7.4 share ``kernelapp.py``'s inode): Python accepts a ``.pyc``
  whose recorded source size and mtime match, so a new environment starts with the kernel's
  modules compiled, for the cost of a few hundred ``stat`` calls.
- ``compile_in_background`` compiles the rest of ``site-packages`` (the notebook's packages) at
  idle priority once the environment is in use, and leaves a marker so it happens once.

Python writes each ``.pyc`` atomically and checks it against its source, so a kernel importing
while a compile runs is safe, and a ``.pyc`` compiled in the build's temporary directory stays
valid after the rename (the loader fixes the code's file names).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from . import layout

COMPILED_MARKER = ".reflow-compiled"
_running: dict[Path, subprocess.Popen[bytes]] = {}


def kernel_environment(engine: Path) -> dict[str, str]:
    """The child's environment: the engine importable, bytecode written, no venv selectors from outside."""
    env = dict(os.environ)
    for name in ("PYTHONDONTWRITEBYTECODE", "VIRTUAL_ENV", "PYTHONHOME"):
        env.pop(name, None)
    paths = [str(engine)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    return env


def warm_kernel_imports(python: Path, engine: Path) -> subprocess.Popen[bytes]:
    """Start compiling the kernel's start-up modules in ``python``'s environment; the caller waits."""
    return subprocess.Popen(
        [str(python), "-m", "reflow.kernel", "--warm"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=kernel_environment(engine),
        cwd=str(python.parent),  # never a notebook's folder: nothing of the user's is imported
        creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
    )


def borrow_compiled(target: Path, envs: Path) -> int:
    """Link into ``target`` the ``.pyc`` files of a compiled sibling environment whose sources are the
    same files (same size and mtime, same interpreter); the number linked. Never raises."""
    mine = _interpreter(target)
    sites = site_packages(target)
    if mine is None or len(sites) != 1:
        return 0
    try:
        donors = [d for d in envs.iterdir() if d != target and layout.is_complete(d) and _interpreter(d) == mine]
    except OSError:
        return 0
    donors.sort(key=lambda d: (is_compiled(d), _mtime(d / layout.USAGE)), reverse=True)  # compiled, recent first
    for donor in donors[:3]:
        linked = _borrow_from(donor, sites[0])
        if linked:
            return linked
    return 0


def _interpreter(env: Path) -> tuple[str, str] | None:
    """(home, version_info) from pyvenv.cfg: the interpreter whose bytecode the environment holds."""
    try:
        text = (env / "pyvenv.cfg").read_text(encoding="utf-8")
    except OSError:
        return None
    values = {k.strip(): v.strip() for k, _, v in (line.partition("=") for line in text.splitlines())}
    home, version = values.get("home"), values.get("version_info") or values.get("version")
    return (home, version) if home and version else None


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _borrow_from(donor: Path, site: Path) -> int:
    linked = 0
    for donor_site in site_packages(donor):
        for cache in donor_site.rglob("__pycache__"):
            package = cache.parent.relative_to(donor_site)
            for pyc in cache.glob("*.pyc"):
                source = pyc.name.split(".", 1)[0] + ".py"
                mine, theirs = site / package / source, donor_site / package / source
                try:
                    a, b = mine.stat(), theirs.stat()
                    if (a.st_size, a.st_mtime_ns) != (b.st_size, b.st_mtime_ns):
                        continue
                    dest = site / package / "__pycache__" / pyc.name
                    if dest.exists():
                        continue
                    dest.parent.mkdir(exist_ok=True)
                    os.link(pyc, dest)  # a .pyc is replaced (new inode) when recompiled, never edited
                    linked += 1
                except OSError:
                    continue
    return linked


def is_compiled(env: Path) -> bool:
    return (env / COMPILED_MARKER).is_file()


def site_packages(env: Path) -> list[Path]:
    """The environment's site-packages folder(s) (Windows: Lib/site-packages)."""
    if sys.platform == "win32":
        return [p for p in [env / "Lib" / "site-packages"] if p.is_dir()]
    return sorted(p for p in (env / "lib").glob("python*/site-packages") if p.is_dir())


def compile_in_background(env: Path) -> subprocess.Popen[bytes] | None:
    """Compile the environment's packages at idle priority, once; None when done or already running.

    The child writes ``COMPILED_MARKER`` when it finished; a compile cut short (the app quit) runs
    again on a later open and skips what is already compiled.
    """
    env = env.absolute()
    running = _running.get(env)
    if running is not None and running.poll() is None:
        return None
    if is_compiled(env) or not layout.is_complete(env):
        return None
    folders = [str(p) for p in site_packages(env)]
    if not folders:
        return None
    code = (
        "import compileall, pathlib, sys\n"
        "ok = all(compileall.compile_dir(d, quiet=2, workers=0) for d in sys.argv[2:])\n"
        "if ok: pathlib.Path(sys.argv[1]).write_text('compiled\\n')\n"
    )
    command = [str(layout.env_python(env)), "-c", code, str(env / COMPILED_MARKER), *folders]
    flags = 0
    if sys.platform == "win32":
        flags = getattr(subprocess, "IDLE_PRIORITY_CLASS", 0) | getattr(subprocess, "CREATE_NO_WINDOW", 0)
    elif (nice := shutil.which("nice")) is not None:
        command = [nice, "-n", "19", *command]  # idle priority: the user's kernel and app come first
    proc = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        creationflags=flags,
        start_new_session=sys.platform != "win32",  # its own group: its worker processes are stopped with it
    )
    _running[env] = proc
    return proc


def stop_background() -> None:
    """Stop the compiles still running (the app quits); each runs again on a later open, where it left off.

    ``compileall`` compiles in a pool of worker processes: stopping only the parent left the workers
    behind, idle and never ending (about 10 MB each). The whole process group is stopped.
    """
    for env, proc in list(_running.items()):
        if proc.poll() is None:
            _stop_group(proc)
        _running.pop(env, None)


def _stop_group(proc: subprocess.Popen[bytes]) -> None:
    """Ask the compile (its whole process group, where there are groups) to end, then kill what is left."""
    group = sys.platform != "win32"
    with contextlib.suppress(OSError):
        if group:
            os.killpg(proc.pid, signal.SIGTERM)
        else:
            proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
    with contextlib.suppress(OSError):  # whatever is left (workers the parent's end left behind)
        if group:
            os.killpg(proc.pid, signal.SIGKILL)
        elif proc.poll() is None:
            proc.kill()
    proc.wait()
