"""File ▸ Export ▸ PDF… and File ▸ Print… of a notebook window (issue 20 item 4).

Both print what the window shows (its session's notebook and current outputs, no re-run)
through the HTML export and QtWebEngine's printer (``exporting/pdf.py``), on the GUI thread
whose loop is already running: the page to print is made on the server thread, the print
runs as a ``PrintJob`` and reports back by callback; errors are shown, never raised into Qt.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from reflow_desktop.exporting.pdf import PrintJob, default_page_size, page_layout, print_html, write_pdf
from reflow_desktop.session.doors import NotebookView, WindowDoor
from reflow_desktop.shell.threads import ServerThread, gui_only

if TYPE_CHECKING:
    from qtpy.QtPrintSupport import QPrinter
    from qtpy.QtWidgets import QMainWindow

# a finished print reports here: the PDF written (None for paper or a failure) and the error text, if any
Finished = Callable[[Path | None, str | None], None]
_JOBS: set[PrintJob] = set()  # running jobs, kept alive until they report


class PrintHost(Protocol):
    """What printing needs of the app (windows.WindowHost has it): the server thread, and to say an error."""

    @property
    def server_thread(self) -> ServerThread: ...

    def error(self, title: str, text: str) -> None: ...


class PrintableWindow(Protocol):
    """What printing needs of a notebook window (windows.NotebookWindow)."""

    @property
    def app(self) -> PrintHost: ...

    native: QMainWindow | None
    session: WindowDoor

    @property
    def path(self) -> Path: ...

    def page_command(self, command: str, fallback: Callable[[], object] | None = None, **detail: object) -> None: ...


def session_page(session: NotebookView, *, include_code: bool) -> str:
    """The printable page of what the session shows (server thread: it reads the session)."""
    nb = session.notebook
    outputs = {c.id: list(session.outputs_of(c.id)) for c in nb.cells if c.kind == "code"}
    return print_html(nb, outputs, name=session.path.name, include_code=include_code)


def _page(win: PrintableWindow, include_code: bool) -> str:
    session = win.session
    return win.app.server_thread.call(lambda: session_page(session, include_code=include_code)).result(60)


def _start(job: PrintJob) -> None:
    _JOBS.add(job)
    job.start()


@gui_only
def ask_export_pdf(win: PrintableWindow, *, include_code: bool = True) -> None:
    """File ▸ Export ▸ PDF…: ask where, then print there."""
    from qtpy.QtWidgets import QFileDialog

    title = f"Export {win.path.name} as PDF" + ("" if include_code else " (outputs only)")
    target, _ = QFileDialog.getSaveFileName(win.native, title, str(win.path.with_suffix(".pdf")), "PDF (*.pdf)")
    if target:
        export_pdf_to(win, target, include_code=include_code)


@gui_only
def export_pdf_to(
    win: PrintableWindow, target: str, *, include_code: bool = True, finished: Finished | None = None
) -> None:
    """Print to ``target`` (atomically, the file itself, never through a symlink), then tell the page where."""
    chosen = Path(target)
    if chosen.suffix.lower() != ".pdf":
        chosen = chosen.with_name(chosen.name + ".pdf")
    try:
        html = _page(win, include_code)
    except Exception as exc:  # missing UI bundle, a session gone
        _failed(win, str(exc), finished)
        return

    def done(pdf: bytes | None, error: str | None) -> None:
        _JOBS.discard(job)
        if pdf is None:
            _failed(win, error or "printing failed", finished)
            return
        try:
            write_pdf(chosen, pdf)
        except OSError as exc:
            _failed(win, f"Cannot write {chosen}: {exc}", finished)
            return
        written = win.app.server_thread.server.exported.add(win.session.id, chosen)  # for "Show in folder"
        _announce(win, written)
        if finished is not None:
            finished(written, None)

    job = PrintJob(html, done, layout=page_layout(default_page_size()))
    _start(job)


def _announce(win: PrintableWindow, written: Path) -> None:
    win.page_command(
        "exported",
        fallback=lambda: _status(win, f"Exported to {written}"),
        path=str(written),
        folder=str(written.parent),
        format="pdf",
    )


def _status(win: PrintableWindow, text: str) -> None:
    if win.native is not None:
        win.native.statusBar().showMessage(text, 15_000)


def _failed(win: PrintableWindow, text: str, finished: Finished | None) -> None:
    win.app.error("Export failed", text)
    if finished is not None:
        finished(None, text)


@gui_only
def ask_print(win: PrintableWindow) -> None:
    """File ▸ Print…: the system print dialog, then the page to the chosen printer."""
    from qtpy.QtPrintSupport import QPrintDialog, QPrinter
    from qtpy.QtWidgets import QDialog

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(win.path.name)
    dialog = QPrintDialog(printer, win.native)
    dialog.setWindowTitle(f"Print {win.path.name}")
    if dialog.exec() == QDialog.DialogCode.Accepted:
        if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and printer.resolution() > 300:
            printer.setResolution(300)  # "Print to file": Qt's PDF driver would rasterise each page at 1200 dpi
        print_to(win, printer)


@gui_only
def print_to(win: PrintableWindow, printer: QPrinter, *, finished: Finished | None = None) -> None:
    """Print what the window shows on ``printer`` (kept alive by the job until it reports)."""
    try:
        html = _page(win, True)
    except Exception as exc:
        win.app.error("Print failed", str(exc))
        if finished is not None:
            finished(None, str(exc))
        return

    def done(result: bytes | None, error: str | None) -> None:
        _JOBS.discard(job)
        if result is None:
            win.app.error("Print failed", error or "printing failed")
        else:
            _status(
                win, f"Sent {win.path.name} to {printer.printerName() or printer.outputFileName() or 'the printer'}"
            )
        if finished is not None:
            finished(None, None if result is not None else (error or "printing failed"))

    job = PrintJob(html, done, printer=printer)
    _start(job)
