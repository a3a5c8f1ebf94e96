"""The one wrapper for every uv call Reflow makes.

Finds the binary from the `uv` PyPI package (``uv.find_uv_bin()``), falling back
to PATH; runs a command with stderr streamed line by line to a progress
callback (uv writes its progress there); raises a typed error carrying uv's
stderr text. The child never inherits ``VIRTUAL_ENV`` or
``UV_PROJECT_ENVIRONMENT`` from whoever launched Reflow, so uv acts only on the
environment we name. ``UV_PYTHON_DOWNLOADS`` is passed through untouched (tests
set it to ``never``).
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import UvCommandError, UvNotFoundError

Progress = Callable[[str], None]
STRIPPED_VARS = ("VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT")


@dataclass(frozen=True)
class UvResult:
    """What a successful command printed."""

    stdout: str
    stderr: str


@functools.lru_cache(maxsize=1)
def find_uv() -> Path:
    """The uv executable; cached because it is looked up on every build."""
    from reflow_desktop.resources import bundled_uv  # the frozen app ships uv's binary

    if (bundled := bundled_uv()) is not None:
        return bundled
    try:
        import uv as uv_package

        path = Path(uv_package.find_uv_bin())
        if path.exists():
            return path
    except (ImportError, FileNotFoundError):
        pass
    found = shutil.which("uv")
    if found:
        return Path(found)
    raise UvNotFoundError("uv was not found: install the `uv` package into Reflow's environment")


def uv_environment(extra: Mapping[str, str] | None = None, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The child's environment: inherited minus stray venv selectors, plus ``extra``."""
    env = dict(os.environ if base is None else base)
    for name in STRIPPED_VARS:
        env.pop(name, None)
    env.setdefault("NO_COLOR", "1")
    if extra:
        env.update(extra)
    return env


def run_uv(
    args: Sequence[str],
    *,
    progress: Progress | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    error: type[UvCommandError] = UvCommandError,
    what: str | None = None,
) -> UvResult:
    """Run ``uv <args>``; stream each stderr line to ``progress``; raise ``error`` on failure.

    ``env`` holds extra variables on top of ``uv_environment()``; ``what`` is the
    human summary used as the error message ("installing packages failed").
    """
    command = [str(find_uv()), *args]
    creationflags = getattr(subprocess, "CREATE_NO_WINDOW", 0) if sys.platform == "win32" else 0
    try:
        proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=uv_environment(env),
            cwd=cwd,
            text=True,
            encoding="utf-8",
            errors="replace",
            creationflags=creationflags,
        )
    except OSError as exc:
        raise error(f"could not run uv: {exc}", command=command) from exc
    out_chunks: list[str] = []
    out_pipe = proc.stdout
    assert out_pipe is not None  # Popen(stdout=PIPE)
    reader = threading.Thread(target=lambda: out_chunks.append(out_pipe.read()), daemon=True)
    reader.start()
    err_lines: list[str] = []
    try:
        assert proc.stderr is not None
        for line in proc.stderr:
            err_lines.append(line)
            if progress is not None:
                progress(line.rstrip("\r\n"))
        returncode = proc.wait()
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    finally:
        reader.join()
    stdout, stderr = "".join(out_chunks), "".join(err_lines)
    if returncode != 0:
        summary = what or f"uv {' '.join(args[:2])} failed"
        raise error(
            f"{summary} (uv exited with status {returncode})", command=command, returncode=returncode, uv_output=stderr
        )
    return UvResult(stdout=stdout, stderr=stderr)


def uv_version() -> str:
    """``uv --version`` output, e.g. "uv 0.13.9 (...)"."""
    return run_uv(["--version"]).stdout.strip()
