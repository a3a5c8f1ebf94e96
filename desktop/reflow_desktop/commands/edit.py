"""`reflow edit nb.py [--browser] [--no-open] [--port N]`: edit a notebook.

Until the Qt shell exists, editing always happens in the browser.
"""

from __future__ import annotations

import argparse


def run(args: argparse.Namespace) -> int:
    from reflow_desktop.server.launch import serve_notebook

    return serve_notebook(args.notebook, read_only=False, open_browser=not args.no_open, port=args.port)
