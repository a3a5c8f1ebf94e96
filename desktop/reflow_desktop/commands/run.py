"""`reflow run nb.py [--no-open] [--port N]`: serve a notebook as a read-only app.

The session refuses every message that would change code, structure or the file.
"""

from __future__ import annotations

import argparse


def run(args: argparse.Namespace) -> int:
    from reflow_desktop.server.launch import serve_notebook

    return serve_notebook(args.notebook, read_only=True, open_browser=not args.no_open, port=args.port)
