"""`reflow import nb.ipynb|marimo.py [-o out.py]`: convert into a Reflow notebook.

The original is never modified; the result goes beside it under a free name.
Per-cell problems (magics, shell escapes…) are printed as ``file: cell N: …``
and do not fail the import; exit 1 only when nothing could be written.
"""

from __future__ import annotations

import argparse
import sys


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`import` (a Python keyword, so the module is `importing`)."""
    p = sub.add_parser("import", help="convert a Jupyter .ipynb or marimo notebook to a Reflow notebook")
    p.add_argument("source", help="notebook to convert (.ipynb, or a marimo .py)")
    p.add_argument("-o", "--output", help="output .py path (must not exist); default: beside the source")
    p.set_defaults(command="importing")


def run(args: argparse.Namespace) -> int:
    from reflow_desktop.importing import import_notebook

    try:
        result = import_notebook(args.source, args.output)
    except FileNotFoundError:
        print(f"{args.source}: error: no such file", file=sys.stderr)
        return 1
    except (ValueError, FileExistsError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    from reflow_desktop.trust import sign_notebook

    if result.path is not None:
        sign_notebook(result.path, result.notebook)  # the user imported it: theirs, like a notebook they created
    for problem in result.problems:
        print(f"{args.source}: {problem}", file=sys.stderr)
    cells = result.notebook.cells
    md = sum(c.kind == "markdown" for c in cells)
    print(
        f"{result.path}: {len(cells)} cells ({len(cells) - md} code, {md} markdown)"
        + (f", {len(result.problems)} problem(s) reported" if result.problems else "")
    )
    return 0
