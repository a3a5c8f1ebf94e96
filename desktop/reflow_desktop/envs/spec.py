"""What a notebook asks of its environment, read from its PEP 723 block and lock file.

A notebook without a block (or with an empty one) asks for nothing, so every
such notebook maps to the same shared default environment.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement


@dataclass(frozen=True)
class EnvSpec:
    """The inputs of an environment build (everything that goes into its key, but the interpreter)."""

    requires_python: str | None = None
    dependencies: tuple[str, ...] = ()
    tool_uv: dict[str, Any] = field(default_factory=dict)  # [tool.uv] in the block: indexes, sources…
    lock_sha256: str | None = None  # of <notebook>.lock when present
    has_block: bool = False

    @property
    def needs_sync(self) -> bool:
        """True when `uv sync --script` has anything to do (skipped for the default environment)."""
        return self.has_block and bool(self.dependencies or self.lock_sha256)

    def normalized_dependencies(self) -> list[str]:
        """Sorted, whitespace/case-normalised requirements, so cosmetic edits keep the same key."""
        out = []
        for dep in self.dependencies:
            try:
                out.append(str(Requirement(dep)))
            except InvalidRequirement:
                out.append(dep.strip())  # uv will report it when building
        return sorted(set(out))


def lock_file(notebook_path: Path) -> Path:
    """uv's lock file for a script: ``nb.py`` → ``nb.py.lock``."""
    return notebook_path.with_name(notebook_path.name + ".lock")


def read_spec(notebook_path: Path) -> EnvSpec:
    """Read the notebook's block; a broken block raises reflow.notebook.NotebookFormatError (with its line)."""
    from reflow.notebook import read_notebook

    nb = read_notebook(notebook_path)
    md = nb.metadata
    lock = lock_file(notebook_path)
    try:
        lock_sha = hashlib.sha256(lock.read_bytes()).hexdigest()
    except FileNotFoundError:
        lock_sha = None
    if md is None:
        return EnvSpec(lock_sha256=lock_sha)
    tool = md.data.get("tool")
    tool_uv = tool.get("uv") if isinstance(tool, dict) else None
    return EnvSpec(
        requires_python=md.requires_python,
        dependencies=tuple(md.dependencies),
        tool_uv=dict(tool_uv) if isinstance(tool_uv, dict) else {},
        lock_sha256=lock_sha,
        has_block=True,
    )
