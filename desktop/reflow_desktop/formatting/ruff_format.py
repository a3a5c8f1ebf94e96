"""Run ``ruff format -`` on one piece of code, with the notebook's ``[tool.ruff]`` settings.

The binary is the one installed with the app (the ``ruff`` package's ``find_ruff_bin``), never
whatever ``ruff`` the notebook's environment or PATH holds, so results do not change with the
notebook. The notebook's ``[tool.ruff]`` table (PEP 723 block) becomes ``--config key = value``
overrides; ``--stdin-filename`` is the notebook's path, so a project's ruff configuration applies
underneath them as it would to the file.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

TIMEOUT = 30.0  # a hang guard for one cell, never a performance limit


class FormatterUnavailable(RuntimeError):
    """ruff cannot be found or started."""


@dataclass(frozen=True)
class Formatted:
    """ruff's answer for one piece of code: the new text, or its parse error message."""

    code: str | None
    error: str | None = None


def ruff_binary() -> str:
    """Path of the app's ruff executable; FormatterUnavailable when it is not installed."""
    try:
        from ruff.__main__ import find_ruff_bin  # type: ignore[import-untyped]  # ruff ships no stubs
    except ImportError as exc:
        raise FormatterUnavailable("ruff is not installed with Reflow; formatting is unavailable") from exc
    try:
        return os.fsdecode(str(find_ruff_bin()))
    except FileNotFoundError as exc:
        raise FormatterUnavailable(f"the ruff executable is missing: {exc}") from exc


def _toml_value(value: object) -> str | None:
    """A TOML literal for simple values (JSON spells them the same way); None for what cannot be passed."""
    if isinstance(value, bool | int | float | str):
        return json.dumps(value)
    if isinstance(value, list) and all(isinstance(v, bool | int | float | str) for v in value):
        return json.dumps(value)
    return None


def config_overrides(ruff_table: Mapping[str, object], prefix: str = "") -> list[str]:
    """``--config`` arguments for a ``[tool.ruff]`` table (nested tables as dotted keys)."""
    args: list[str] = []
    for key, value in ruff_table.items():
        if not isinstance(key, str) or not key.replace("-", "").replace("_", "").isalnum():
            continue  # a hostile key would change the meaning of the override
        if isinstance(value, Mapping):
            args.extend(config_overrides(value, f"{prefix}{key}."))
            continue
        literal = _toml_value(value)
        if literal is not None:
            args.extend(["--config", f"{prefix}{key} = {literal}"])
    return args


def format_code(code: str, *, ruff_table: Mapping[str, object] | None = None, path: Path | None = None) -> Formatted:
    """Format ``code``; a parse error comes back as ``Formatted(None, message)``."""
    command = [ruff_binary(), "format", "--no-cache", *config_overrides(ruff_table or {})]
    if path is not None:
        command += ["--stdin-filename", str(path)]
    command.append("-")
    try:
        proc = subprocess.run(
            command,
            input=code,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=TIMEOUT,
            cwd=path.parent if path is not None and path.parent.is_dir() else None,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise FormatterUnavailable(f"ruff could not run: {exc}") from exc
    if proc.returncode == 0:
        return Formatted(proc.stdout)
    message = " ".join(line.strip() for line in proc.stderr.strip().splitlines() if line.strip())
    return Formatted(None, message.removeprefix("error: ") or f"ruff exited with {proc.returncode}")
