"""Entry script of the frozen Reflow app (PyInstaller runs this as ``__main__``).

It is the same `reflow` command line as the console script; the runtime hook
(``rthook_reflow.py``) has already put the plain-file engine on ``sys.path``.
"""

from __future__ import annotations

import sys


def main() -> int:
    """Run the CLI; a bare double-click (no arguments) opens the welcome window."""
    from reflow_desktop.cli import main as cli_main

    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
