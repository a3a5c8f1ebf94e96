"""`reflow export pdf nb.py [-o out.pdf] [--no-code] [--page-size A4]`: the PDF half of ``export``.

A headless Qt (offscreen when there is no display) starts just to print and goes with the
process; where QtWebEngine cannot start, the command says so and writes nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from reflow.notebook import Notebook


def export_pdf(
    nb: Notebook,
    path: Path,
    outputs: dict[str, list[dict[str, Any]]],
    out: str,
    *,
    include_code: bool,
    page_size: str,
    states: dict[str, Any] | None = None,
) -> int:
    """Print the notebook to ``out`` ('-' = stdout); 0 on success, 1 with a message on stderr."""
    from reflow_desktop.exporting.html import BundleMissingError
    from reflow_desktop.exporting.pdf import PdfError, QtUnavailableError, notebook_to_pdf, write_pdf

    try:
        pdf = notebook_to_pdf(
            nb, outputs, name=path.name, include_code=include_code, states=states, page_size=page_size
        )
    except QtUnavailableError as exc:
        print(f"error: cannot print to PDF here: {exc}", file=sys.stderr)
        print("  (PDF export prints with Qt WebEngine; `reflow export html` needs no Qt)", file=sys.stderr)
        return 1
    except (BundleMissingError, PdfError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if out == "-":
        sys.stdout.buffer.write(pdf)
        sys.stdout.flush()
        return 0
    try:
        write_pdf(out, pdf)
    except OSError as exc:
        print(f"{out}: error: cannot write: {exc}", file=sys.stderr)
        return 1
    print(out)
    return 0
