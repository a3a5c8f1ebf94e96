"""Which language server Reflow runs, how, and why (issue 19).

Measured on this machine (2 shared cores; a 200-cell notebook; ``benchmarks/lsp_diagnostics.py``
for the figures of the chosen one, /tmp scratch runs for the others), diagnostics after a
keystroke (full-text change) and the server's resident memory:

==========================  =======  ============  ========  ======  ===================================
server                      start    first diags   p50/p90   RSS     notes
==========================  =======  ============  ========  ======  ===================================
basedpyright 1.40 (node)    0.45 s   2.3 s         351/479   434 MB  best types; bundles node (~60 MB)
python-lsp-server 1.15      1.2 s    0.6 s         544/552   55 MB   jedi + ruff (pyflakes rules); 0.5 s
  + python-lsp-ruff 2.3                            ms                lint debounce is most of the p50
jedi-language-server 0.47   1.4 s    1.0 s         1015/1050 57 MB   syntax errors only: no undefined
                                                                     names, so not enough on its own
==========================  =======  ============  ========  ======  ===================================

Chosen: **python-lsp-server with python-lsp-ruff** (both MIT, released in 2026, in wide use). It is
an eighth of basedpyright's memory per open notebook (one server per window), reuses the ruff the
app already ships (issue 19 item 2), and jedi answers hover, signatures, definitions, references
and rename. Its lint runs 0.5 s after the last change (pylsp's fixed debounce): that is the
latency floor, and fine for diagnostics while typing. pylsp's "preload" plugin is off: it imports
numpy, pandas... into the server at start (measured: 8.1 s start and 141 MB instead of 4.7 s and
50 MB with the app's packages installed, at load 18).

``benchmarks/lsp_diagnostics.py`` with the app's settings (200 cells, 40 keystrokes, load ~19 on 2
cores): keystroke -> diagnostics p50 826 ms / p90 900 ms, server RSS 50 MB.

It runs with the app's own Python (it is a runtime dependency) and is *pointed at* the notebook's
interpreter through jedi's ``environment`` setting, so imports of the notebook's packages resolve
without installing anything into the notebook's environment.
"""

from __future__ import annotations

import sys
from typing import Any

# ruff rules for diagnostics: pyflakes (undefined and unused names...) and syntax errors. Not F704
# (top-level `await` is allowed in a cell) nor the style rules (ruff's formatter handles style).
LINT_SELECT = ["F", "E9"]
LINT_IGNORE = ["F704"]


def server_command() -> list[str]:
    """The server process: ``python -m pylsp`` with the app's interpreter. OSError in a frozen app (there
    ``sys.executable`` is the app itself: ``-m`` would start a second app, not the server)."""
    if getattr(sys, "frozen", False):
        raise OSError("not available in the packaged app")
    return [sys.executable, "-m", "pylsp"]


def server_settings(notebook_python: str | None) -> dict[str, Any]:
    """``initializationOptions`` for pylsp: only ruff lints; jedi resolves imports in the notebook's Python."""
    jedi: dict[str, Any] = {"environment": notebook_python} if notebook_python else {}
    off = {"enabled": False}
    return {
        "pylsp": {
            "plugins": {
                "jedi": jedi,
                "ruff": {"enabled": True, "select": LINT_SELECT, "ignore": LINT_IGNORE, "formatEnabled": False},
                "preload": off,  # imports numpy, pandas... into the server at start: seconds and ~90 MB for nothing
                "pyflakes": off,
                "pycodestyle": off,
                "mccabe": off,
                "pydocstyle": off,
                "flake8": off,
                "pylint": off,
                "autopep8": off,
                "yapf": off,
                "rope_autoimport": off,
                "rope_completion": off,
                "jedi_completion": {"include_params": False, "fuzzy": False},
            }
        }
    }
