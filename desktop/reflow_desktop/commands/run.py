"""`reflow run nb.py [--no-open] [--port N]`: serve a notebook as a read-only app.

The session refuses every message that would change code, structure or the file.
"""

from __future__ import annotations

import argparse


def run(args: argparse.Namespace) -> int:
    import sys

    from reflow_desktop.server.launch import serve_notebook
    from reflow_desktop.trust.cli import refusal

    refused = refusal(args.notebook, trust=getattr(args, "trust", False), command="run")
    if refused is not None:
        print(refused, file=sys.stderr)
        return 1

    return serve_notebook(
        args.notebook,
        read_only=True,
        open_browser=not args.no_open,
        port=args.port,
        url_file=getattr(args, "url_file", None),
    )
