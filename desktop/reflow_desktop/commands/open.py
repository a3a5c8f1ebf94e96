"""`reflow [open] nb.py`: open a notebook. The Qt shell is a later issue, so for
now this is `reflow edit nb.py --browser`."""

from __future__ import annotations

import argparse
import sys


def run(args: argparse.Namespace) -> int:
    if not args.notebook:
        print("reflow: the welcome window is not available yet; "
              "pass a notebook: reflow edit NOTEBOOK.py --browser", file=sys.stderr)
        return 2
    from reflow_desktop.server.launch import serve_notebook

    return serve_notebook(args.notebook, read_only=False, open_browser=True,
                          port=getattr(args, "port", 0) or 0)
