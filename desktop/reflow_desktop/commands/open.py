"""`reflow [nb.py]` / `reflow open [nb.py] [--browser]`: open a notebook.

The desktop shell by default (welcome window without a notebook; a second launch
hands its path to the running app). ``--browser`` serves the same UI to the
default browser, exactly like `reflow edit nb.py --browser`.
"""

from __future__ import annotations

import argparse
import sys


def run(args: argparse.Namespace) -> int:
    if getattr(args, "browser", False):
        if not args.notebook:
            print("reflow: --browser needs a notebook: reflow open NOTEBOOK.py --browser", file=sys.stderr)
            return 2
        from reflow_desktop.commands import edit

        ns = argparse.Namespace(notebook=args.notebook, browser=True, no_open=False, port=getattr(args, "port", 0) or 0)
        return edit.run(ns)
    try:
        from reflow_desktop.shell.app import main
    except ImportError as exc:  # the desktop extra is not installed
        print(
            f"reflow: the desktop app needs PySide6 and pywebview ({exc}); use --browser, or install reflow[desktop]",
            file=sys.stderr,
        )
        return 2
    return main([args.notebook] if args.notebook else [])
