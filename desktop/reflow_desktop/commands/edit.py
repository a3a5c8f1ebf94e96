"""`reflow edit nb.py [--browser] [--no-open] [--port N]`: edit a notebook.

Until the Qt shell exists, editing always happens in the browser. A path that does not exist yet
is a new notebook (the session writes it at once); its folder must exist.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def run(args: argparse.Namespace) -> int:
    from reflow_desktop.server.launch import serve_notebook

    path = Path(args.notebook)
    if not path.exists() and not path.parent.is_dir():
        print(f"reflow: cannot create {path}: there is no folder {path.parent}", file=sys.stderr)
        return 2
    return serve_notebook(
        args.notebook,
        read_only=False,
        open_browser=not args.no_open,
        port=args.port,
        url_file=getattr(args, "url_file", None),
    )
