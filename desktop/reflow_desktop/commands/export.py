"""`reflow export html|ipynb|pdf|script nb.py -o OUT [--run] [--hide-code|--no-code]`.

Outputs come from the sidecar (``__reflow__/``) when they are current for every
cell; ``--run`` runs the notebook first in a fresh kernel. Without either, the
export holds code only, and says so. ``script`` never needs outputs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

FORMATS = ("html", "ipynb", "pdf", "script")
SUFFIX = {"html": ".html", "ipynb": ".ipynb", "pdf": ".pdf", "script": ".script.py"}


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("export", help="export a notebook to HTML, .ipynb, PDF or a flat script")
    p.add_argument("format", choices=FORMATS)
    p.add_argument("notebook")
    p.add_argument("-o", "--output", help="output file (default: beside the notebook; '-' = stdout)")
    p.add_argument("--run", action="store_true", help="run the notebook first (fresh kernel)")
    p.add_argument("--trust", action="store_true", help="with --run: trust (sign) the notebook even if not yours")
    p.add_argument("--hide-code", "--no-code", action="store_true", help="html, pdf: show outputs and markdown only")
    p.add_argument("--page-size", default="A4", choices=("A4", "Letter", "Legal", "A3", "A5"), help="pdf: paper size")


def _default_output(nb_path: Path, fmt: str) -> Path:
    return nb_path.with_name(nb_path.stem + SUFFIX[fmt])


def run(args: argparse.Namespace) -> int:
    from reflow_desktop.commands._load import load_or_report

    loaded = load_or_report(args.notebook)
    if loaded is None:
        return 1
    nb, path = loaded.notebook, loaded.path
    out = args.output or str(_default_output(path, args.format))
    if out != "-" and Path(out).resolve() == path.resolve():
        print(f"{out}: error: refusing to overwrite the notebook itself", file=sys.stderr)
        return 1
    if args.format == "script":
        from reflow_desktop.exporting.script import notebook_to_script

        return _write(out, notebook_to_script(nb))

    from reflow_desktop.exporting import sources

    states = None
    outputs: dict[str, list[dict[str, Any]]] | None
    failed = 0
    if args.run:
        from reflow_desktop.trust.cli import refusal

        refused = refusal(path, trust=getattr(args, "trust", False), command="export --run")
        if refused is not None:
            print(refused, file=sys.stderr)
            return 1
        try:
            nb, outputs, states = sources.run_outputs(path)
        except sources.RunError as exc:
            print(f"{path}: error: {exc}", file=sys.stderr)
            return 1
        failed = sum(any(o.get("kind") == "error" for o in outs) for outs in outputs.values())
    else:
        outputs = sources.sidecar_outputs(path, nb)
        if outputs is None:
            print(
                f"{path}: note: no current saved outputs; exporting code only (open it in Reflow, or use --run)",
                file=sys.stderr,
            )
            outputs = {}
    if args.format == "ipynb":
        from reflow_desktop.exporting.ipynb import dumps, notebook_to_ipynb, validate

        notebook = notebook_to_ipynb(nb, outputs)
        validate(notebook)
        code = _write(out, dumps(notebook))
    elif args.format == "pdf":
        from reflow_desktop.commands.export_pdf import export_pdf

        code = export_pdf(
            nb, path, outputs, out, include_code=not args.hide_code, page_size=args.page_size, states=states
        )
    else:
        from reflow_desktop.exporting.html import BundleMissingError, render_html

        try:
            page = render_html(nb, outputs, name=path.name, hide_code=args.hide_code, states=states)
        except BundleMissingError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        code = _write(out, page)
    if failed:
        print(f"{path}: note: {failed} cell(s) failed; their errors are in the export", file=sys.stderr)
    return code


def _write(out: str, text: str) -> int:
    if out == "-":
        sys.stdout.write(text)
        return 0
    from reflow.notebook import atomic_write_text

    try:
        atomic_write_text(Path(out), text)
    except OSError as exc:
        print(f"{out}: error: cannot write: {exc}", file=sys.stderr)
        return 1
    print(out)
    return 0
