"""``[tool.reflow] secrets``: the environment variables a notebook asks the app to fill from the OS keychain.

The names come from a file that may be hostile, and each one becomes a variable in the kernel's
environment and a key in the user's keychain, so only plain environment-variable names pass, a
bounded number of them, and never one the kernel's own start depends on (``PATH``, ``PYTHONPATH``,
``LD_PRELOAD``, Reflow's and Jupyter's own variables): a notebook could otherwise steer the kernel's
launch by declaring such a name. The values never appear in the notebook (the app reads them).
"""

from __future__ import annotations

import re
from typing import Any

MAX_SECRETS = 32
MAX_NAME_LENGTH = 128
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_RESERVED = frozenset(
    {"PATH", "HOME", "USERPROFILE", "TMPDIR", "TEMP", "TMP", "SYSTEMROOT", "COMSPEC", "SHELL", "VIRTUAL_ENV"}
)
_RESERVED_PREFIXES = ("PYTHON", "LD_", "DYLD_", "REFLOW_", "JPY_", "JUPYTER_", "IPYTHON", "UV_", "PYDEVD_")


def secrets_problem(value: Any) -> str | None:
    """What is wrong with a ``secrets`` value (None: it is a valid list of names)."""
    example = 'e.g. secrets = ["OPENAI_API_KEY"]'
    if not isinstance(value, list):
        return f"[tool.reflow] secrets must be a list of environment variable names, {example}"
    if len(value) > MAX_SECRETS:
        return f"[tool.reflow] secrets lists {len(value)} names; at most {MAX_SECRETS} are allowed"
    seen: set[str] = set()
    for name in value:
        if not isinstance(name, str):
            return f"[tool.reflow] secrets must list names as strings, not {type(name).__name__} ({example})"
        shown = name if len(name) <= 40 else name[:40] + "..."
        if len(name) > MAX_NAME_LENGTH or not _NAME.fullmatch(name):
            return (
                f"[tool.reflow] secrets: {shown!r} is not an environment variable name "
                f"(letters, digits and '_', not starting with a digit, at most {MAX_NAME_LENGTH} characters)"
            )
        upper = name.upper()
        if upper in _RESERVED or upper.startswith(_RESERVED_PREFIXES):
            return f"[tool.reflow] secrets: {name!r} is a variable the kernel's start depends on; pick another name"
        if upper in seen:
            return f"[tool.reflow] secrets lists {name!r} twice"
        seen.add(upper)
    return None


def declared_secrets(reflow_table: dict[str, Any]) -> list[str]:
    """The secret names a (validated) ``[tool.reflow]`` table declares; none for an invalid value."""
    value = reflow_table.get("secrets")
    if value is None or secrets_problem(value) is not None:
        return []
    return list(value)
