"""Which format a file is in, told without importing the converters (they pull in IPython and nbformat).

Opening any ``.py`` asks this on the launch path, so it stays a regular expression away.
"""

from __future__ import annotations

import re


def is_marimo_source(text: str) -> bool:
    """Cheap check: imports marimo and creates ``app = marimo.App(...)``."""
    return bool(
        re.search(r"^import marimo\b|^from marimo\b", text, re.M) and re.search(r"^app\s*=\s*marimo\.App\(", text, re.M)
    )
