"""PDF for a page with no Qt behind it (``reflow edit --browser``): a headless Qt in a child process.

The local server runs on asyncio without Qt; printing needs a Qt event loop, so the printable
page goes to ``python -m reflow_desktop.exporting.pdf_process PAGE.html OUT.pdf`` in a private
temporary folder and the PDF comes back as bytes. A Qt that cannot start fails only the child:
the error names the reason. In the desktop app the window prints itself (shell/printing.py).
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import tempfile
from pathlib import Path

from reflow_desktop.session.doors import NotebookView

from .pdf import PdfError, QtUnavailableError, html_to_pdf, page_layout, print_html


async def session_pdf(session: NotebookView, *, include_code: bool = True) -> bytes:
    """What the session shows, printed by a child process (PdfError with the reason)."""
    nb = session.notebook
    outputs = {c.id: list(session.outputs_of(c.id)) for c in nb.cells if c.kind == "code"}
    return await html_pdf_in_child(print_html(nb, outputs, name=session.path.name, include_code=include_code))


async def html_pdf_in_child(html: str) -> bytes:
    if getattr(sys, "frozen", False):  # the installed app has no `python -m`; its windows print themselves
        raise PdfError("open the notebook in the Reflow app to export a PDF (File ▸ Export ▸ PDF)")
    folder = Path(tempfile.mkdtemp(prefix="reflow-pdf-"))
    try:
        page, out = folder / "page.html", folder / "out.pdf"
        page.write_text(html, encoding="utf-8")
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "reflow_desktop.exporting.pdf_process",
            str(page),
            str(out),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        _, err = await proc.communicate()
        if proc.returncode != 0 or not out.is_file():
            lines = err.decode("utf-8", "replace").strip().splitlines()
            raise PdfError(lines[-1] if lines else f"the PDF printer exited with code {proc.returncode}")
        return out.read_bytes()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str]) -> int:
    """PAGE.html OUT.pdf: print the page (the child's side)."""
    page, out = Path(argv[0]), Path(argv[1])
    try:
        pdf = html_to_pdf(page.read_text(encoding="utf-8"), layout=page_layout())
    except QtUnavailableError as exc:
        print(f"cannot print to PDF here: {exc}", file=sys.stderr)
        return 1
    except PdfError as exc:
        print(f"PDF printing failed: {exc}", file=sys.stderr)
        return 1
    out.write_bytes(pdf)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
