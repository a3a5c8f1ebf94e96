"""The command line's trust rule: `reflow run`, `reflow script` and `export --run` refuse an untrusted notebook.

``--trust`` is the user's explicit choice: the notebook is signed (as "Trust and run" does) and runs.
A file that cannot be read is let through: the command itself reports it as it always did.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from reflow.notebook import NotebookFormatError, read_notebook
from reflow_desktop.trust.check import assess, sign_notebook

TRUST_HELP = "trust this notebook (sign it as yours) and run it even if it was not created or saved by you"


def add_trust_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument("--trust", action="store_true", help=TRUST_HELP)


def refusal(notebook: str | Path, *, trust: bool, command: str) -> str | None:
    """The error to print when ``notebook`` may not run (None: it may; with ``trust`` it is signed first)."""
    path = Path(notebook)
    try:
        nb = read_notebook(path)
    except (OSError, NotebookFormatError, UnicodeError):
        return None
    state = assess(path, nb)
    if state.status == "trusted":
        return None
    if trust:
        sign_notebook(path, nb)
        return None
    why = (
        f"{len(state.held)} cell(s) changed outside Reflow since you last trusted it"
        if state.status == "changed"
        else "it was not created or saved by you in Reflow"
    )
    installs = f" and install {', '.join(state.packages)}" if state.packages else ""
    return (
        f"{path}: error: not trusted on this machine ({why}); `reflow {command}` would run its code{installs}. "
        "Read it first, then run again with --trust (or open it with `reflow edit` and choose “Trust and run”)."
    )
