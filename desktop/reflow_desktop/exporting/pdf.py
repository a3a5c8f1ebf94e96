"""Notebook → PDF (and paper) through QtWebEngine's own printer, from the HTML export.

No LaTeX and no browser download: the self-contained HTML page (``html.py``) gets the
print stylesheet (``print_css.py``), is loaded into an off-the-record QWebEnginePage that
can fetch nothing but the page itself, and once everything on it has drawn (the static UI
says ready, images decoded, output frames sized, charts drawn) Chromium prints it with
``printToPdf``. For paper, a hidden QWebEngineView prints the same page to a QPrinter.

Interactive outputs print in their static form: a Jupyter widget view falls back to the
bundle's other representation (its image or text), long text is cut to what the static
page shows whole. Everything runs on the Qt GUI thread; ``html_to_pdf`` runs a local event
loop for callers without one (the CLI, ``reflow export pdf``), ``PrintJob`` reports by
callback for the app, whose loop is already running.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reflow.notebook import Notebook

from .html import render_html
from .outputs import CellOutputs, Output
from .print_css import PRINT_CSS

if TYPE_CHECKING:
    from qtpy.QtGui import QPageLayout
    from qtpy.QtPrintSupport import QPrinter
    from qtpy.QtWebEngineCore import QWebEnginePage, QWebEngineProfile
    from qtpy.QtWebEngineWidgets import QWebEngineView

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
MAX_TEXT_LINES = 399  # the static page windows (virtualises) longer text, which would print only its first screen
PAGE_SIZES = ("A4", "Letter", "Legal", "A3", "A5")
# How long to wait for a page's outputs to finish drawing before printing what is there.
READY_LIMIT_MS = 30_000
POLL_MS = 40

# true once the static page has rendered and everything on it has drawn
READY_JS = """(function(){
  var d = document.documentElement;
  if (d.dataset.ready !== '1') return false;
  var imgs = document.images;
  for (var i = 0; i < imgs.length; i++) if (!imgs[i].complete) return false;
  if (document.querySelector('[data-chart][data-state=loading]')) return false;
  var frames = document.querySelectorAll('iframe');
  for (var j = 0; j < frames.length; j++) if (frames[j].dataset.sized !== '1') return false;
  if (document.fonts && document.fonts.status !== 'loaded') return false;
  return true;
})()"""


class PdfError(RuntimeError):
    """The page could not be printed (the text says why)."""


class QtUnavailableError(PdfError):
    """Qt (QtWebEngine) cannot start here, so there is no printer."""


# --- the page to print ------------------------------------------------------------------


def _cut_text(text: str, keep_tail: bool) -> str:
    lines = text.splitlines(keepends=True)
    if len(lines) <= MAX_TEXT_LINES:
        return text
    cut = len(lines) - MAX_TEXT_LINES
    note = f"… {cut:,} more lines not printed …\n"
    return note + "".join(lines[-MAX_TEXT_LINES:]) if keep_tail else "".join(lines[:MAX_TEXT_LINES]) + note


def static_output(output: Output) -> Output:
    """An output as paper shows it: widget views by their other representation, long text cut."""
    kind = output.get("kind")
    if kind == "stream" and isinstance(output.get("text"), str):
        return {**output, "text": _cut_text(output["text"], keep_tail=True)}
    bundle = output.get("data")
    if kind != "data" or not isinstance(bundle, Mapping):
        return output
    shown = {k: v for k, v in bundle.items() if not (k == WIDGET_VIEW and len(bundle) > 1)}
    plain = shown.get("text/plain")
    if isinstance(plain, str):
        shown["text/plain"] = _cut_text(plain, keep_tail=False)
    return {**output, "data": shown}


def static_outputs(outputs: CellOutputs) -> dict[str, list[Output]]:
    """Every cell's outputs in their printable form (see ``static_output``)."""
    return {cid: [static_output(o) for o in outs if isinstance(o, Mapping)] for cid, outs in outputs.items()}


def print_html(
    nb: Notebook,
    outputs: CellOutputs | None = None,
    *,
    name: str = "notebook",
    include_code: bool = True,
    states: dict[str, Any] | None = None,
) -> str:
    """The HTML export made for paper: static outputs, light theme, the print stylesheet."""
    page = render_html(nb, static_outputs(outputs or {}), name=name, hide_code=not include_code, states=states)
    page = page.replace('<html lang="en">', '<html lang="en" data-theme="light" data-print="1">', 1)
    return page.replace("</head>", f"<style>{PRINT_CSS}</style>\n</head>", 1)


# --- Qt ----------------------------------------------------------------------------------


def ensure_qt_app() -> object:
    """The running QApplication, or a new headless one just for printing.

    A new one is offscreen (no window is ever shown, so no display is needed or touched)
    unless QT_QPA_PLATFORM says otherwise. Raises QtUnavailableError, with the reason, when
    QtWebEngine cannot be loaded or started.
    """
    os.environ.setdefault("QT_API", "pyside6")
    try:
        from qtpy.QtCore import QCoreApplication, Qt
        from qtpy.QtWebEngineCore import QWebEnginePage  # noqa: F401  # must load before the app exists
        from qtpy.QtWidgets import QApplication
    except Exception as exc:  # ImportError, qtpy's PythonQtError, a missing system library
        raise QtUnavailableError(f"Qt WebEngine is not available: {exc}") from exc
    existing = QApplication.instance()
    if existing is not None:
        return existing
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")  # Chromium's sandbox refuses root
    os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--log-level=3")  # Chromium's own chatter off
    _quiet_qt_warnings()
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    try:
        return QApplication(["reflow-pdf"])
    except Exception as exc:
        raise QtUnavailableError(f"Qt could not start: {exc}") from exc


def _quiet_qt_warnings() -> None:
    """A headless print has no use for Qt's notes about GPUs and sandboxes: keep critical ones only."""
    from qtpy.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

    def handler(kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
        if kind in (QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
            sys.stderr.write(f"{message}\n")

    qInstallMessageHandler(handler)


def page_layout(page_size: str = "A4", *, landscape: bool = False) -> QPageLayout:
    """A page of ``page_size`` (one of PAGE_SIZES) with the stylesheet's margins."""
    from qtpy.QtCore import QMarginsF
    from qtpy.QtGui import QPageLayout, QPageSize

    ids = {
        "A4": QPageSize.PageSizeId.A4,
        "Letter": QPageSize.PageSizeId.Letter,
        "Legal": QPageSize.PageSizeId.Legal,
        "A3": QPageSize.PageSizeId.A3,
        "A5": QPageSize.PageSizeId.A5,
    }
    if page_size not in ids:
        raise ValueError(f"unknown page size {page_size!r}; use one of {', '.join(PAGE_SIZES)}")
    orientation = QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
    return QPageLayout(QPageSize(ids[page_size]), orientation, QMarginsF(12, 14, 12, 16), QPageLayout.Unit.Millimeter)


def default_page_size() -> str:
    """Letter where the locale measures in US units, else A4."""
    from qtpy.QtCore import QLocale

    return "Letter" if QLocale().measurementSystem() == QLocale.MeasurementSystem.ImperialUSSystem else "A4"


def _locked_profile() -> QWebEngineProfile:
    """An off-the-record profile whose pages may load only file:, data:, blob: and about: URLs.

    The page's own CSP already forbids network sources; this holds even if a page had none.
    """
    from qtpy.QtWebEngineCore import QWebEngineProfile, QWebEngineUrlRequestInfo, QWebEngineUrlRequestInterceptor

    class LocalOnly(QWebEngineUrlRequestInterceptor):
        def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:  # Qt names it
            if info.requestUrl().scheme() not in ("file", "data", "blob", "about"):
                info.block(True)

    profile = QWebEngineProfile()  # no storage name: off the record, nothing written to disk
    interceptor = LocalOnly(profile)
    profile.setUrlRequestInterceptor(interceptor)
    profile.setHttpCacheType(QWebEngineProfile.HttpCacheType.MemoryHttpCache)
    return profile


_RETIRED: list[list[object]] = []


def _retire(objects: list[object]) -> None:
    """Free a finished job's Qt objects, the page before its profile (Qt warns, and may crash,
    otherwise), once the current callback (often the page's own) has returned."""
    from qtpy.QtCore import QTimer

    _RETIRED.append(objects)
    QTimer.singleShot(0, lambda: _drop(objects))


def _drop(objects: list[object]) -> None:
    if objects in _RETIRED:
        _RETIRED.remove(objects)
    while objects:
        objects.pop(0)  # the last reference: PySide deletes the C++ object now, in this order


def flush_retired() -> None:
    """Free finished jobs' Qt objects now (a blocking caller, once its loop has returned)."""
    while _RETIRED:
        _drop(_RETIRED[0])


Done = Callable[[bytes | None, str | None], None]  # (pdf bytes or None, error text or None)


class PrintJob:
    """Load one page and print it, to PDF bytes or to a QPrinter; reports once through ``done``.

    GUI thread only. The page is read from a private temporary file (``setHtml`` caps pages
    at 2 MB, and an export with images is larger); the file and the page go when done.
    """

    def __init__(
        self,
        html: str,
        done: Done,
        *,
        layout: QPageLayout | None = None,
        printer: QPrinter | None = None,
        ready_limit_ms: int = READY_LIMIT_MS,
    ) -> None:
        self._html = html
        self._done = done
        self._layout = layout
        self._printer = printer
        self._ready_limit_ms = ready_limit_ms
        self._dir: str | None = None
        self._profile: QWebEngineProfile | None = None
        self._page: QWebEnginePage | None = None
        self._view: QWebEngineView | None = None
        self._waited_ms = 0
        self._finished = False
        self.drawn_in_time: bool | None = None  # whether everything had drawn before printing (for callers' notes)

    def start(self) -> None:
        from qtpy.QtCore import QUrl
        from qtpy.QtWebEngineCore import QWebEnginePage, QWebEngineSettings

        self._dir = tempfile.mkdtemp(prefix="reflow-print-")
        page_file = Path(self._dir) / "page.html"
        page_file.write_text(self._html, encoding="utf-8")
        self._profile = _locked_profile()
        if self._printer is not None:  # QWebEngineView.print prints to a QPrinter; a page alone cannot
            from qtpy.QtWebEngineWidgets import QWebEngineView

            self._view = QWebEngineView(self._profile)
            self._view.resize(1000, 1400)
            self._view.printFinished.connect(self._printed_on_paper)
            page: QWebEnginePage = self._view.page()
        else:
            page = QWebEnginePage(self._profile)
        settings = page.settings()
        settings.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessFileUrls, False)
        settings.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls, False)
        settings.setAttribute(QWebEngineSettings.WebAttribute.PluginsEnabled, False)
        settings.setAttribute(QWebEngineSettings.WebAttribute.JavascriptCanOpenWindows, False)
        page.setLifecycleState(QWebEnginePage.LifecycleState.Active)
        page.loadFinished.connect(self._loaded)
        self._page = page
        page.load(QUrl.fromLocalFile(str(page_file)))

    def _loaded(self, ok: bool) -> None:
        if self._finished:
            return
        if not ok:
            self._finish(None, "the page for printing did not load")
            return
        self._poll()

    def _poll(self) -> None:
        if self._finished or self._page is None:
            return
        self._page.runJavaScript(READY_JS, 0, self._checked)

    def _checked(self, ready: object) -> None:
        from qtpy.QtCore import QTimer

        if self._finished:
            return
        if ready is True or self._waited_ms >= self._ready_limit_ms:
            self.drawn_in_time = ready is True
            QTimer.singleShot(0, self._print)  # outside the JS callback
            return
        self._waited_ms += POLL_MS
        QTimer.singleShot(POLL_MS, self._poll)

    def _print(self) -> None:
        if self._finished or self._page is None:
            return
        if self._view is not None and self._printer is not None:
            self._view.print(self._printer)
            return
        layout = self._layout if self._layout is not None else page_layout()
        self._page.printToPdf(self._printed, layout)

    def _printed(self, data: Any) -> None:
        pdf = bytes(data)
        if not pdf.startswith(b"%PDF"):
            self._finish(None, "Chromium returned no PDF")
        else:
            self._finish(pdf, None)

    def _printed_on_paper(self, ok: bool) -> None:
        self._finish(b"" if ok else None, None if ok else "the printer did not accept the page")

    def _finish(self, pdf: bytes | None, error: str | None) -> None:
        if self._finished:
            return
        self._finished = True
        _retire([self._view if self._view is not None else self._page, self._profile])
        self._page = self._view = self._profile = None
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
        self._done(pdf, error)


def html_to_pdf(html: str, *, layout: QPageLayout | None = None) -> bytes:
    """Print a page to PDF bytes, blocking (a local event loop); for callers with no Qt loop running."""
    ensure_qt_app()
    from qtpy.QtCore import QEventLoop

    loop = QEventLoop()
    result: dict[str, Any] = {}

    def done(pdf: bytes | None, error: str | None) -> None:
        result["pdf"], result["error"] = pdf, error
        loop.quit()

    job = PrintJob(html, done, layout=layout)
    job.start()
    if "pdf" not in result:
        loop.exec()
    flush_retired()
    if result.get("error") or not result.get("pdf"):
        raise PdfError(result.get("error") or "printing failed")
    pdf: bytes = result["pdf"]
    return pdf


def write_pdf(path: str | Path, pdf: bytes) -> Path:
    """Write ``pdf`` to exactly ``path``, atomically; a symlink there is replaced, never followed
    (an export never writes outside the file the user chose). Raises OSError (AtomicWriteError)."""
    from reflow.notebook.atomic import atomic_write_bytes

    target = Path(path)
    atomic_write_bytes(target, pdf, follow_symlinks=False)
    return target


def notebook_to_pdf(
    nb: Notebook,
    outputs: CellOutputs | None = None,
    *,
    name: str = "notebook",
    include_code: bool = True,
    states: dict[str, Any] | None = None,
    page_size: str = "A4",
) -> bytes:
    """The notebook with its outputs as PDF bytes (blocking; starts a headless Qt if none runs)."""
    html = print_html(nb, outputs, name=name, include_code=include_code, states=states)
    ensure_qt_app()
    return html_to_pdf(html, layout=page_layout(page_size))


__all__: Sequence[str] = (
    "PdfError",
    "PrintJob",
    "QtUnavailableError",
    "default_page_size",
    "html_to_pdf",
    "notebook_to_pdf",
    "page_layout",
    "print_html",
    "static_outputs",
    "write_pdf",
)
