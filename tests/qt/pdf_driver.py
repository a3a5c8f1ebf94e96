"""App scenarios for PDF export, printing and Edit ▸ Format Notebook (issue 20 item 4, issue 19).

Runs in its own process like shell_driver.py (whose Driver and main it reuses):
pdf_driver.py SCENARIO OUTDIR notebook. Results in OUTDIR/result.json.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import shell_driver  # the environment it sets must precede Qt's import
from shell_driver import Driver, _answer_save_dialog


def _menu_actions(d: Driver, win: Any) -> dict[str, Any]:
    from qtpy.QtGui import QAction

    def read() -> dict[str, Any]:
        found: dict[str, Any] = {}
        for a in win.native.menuBar().findChildren(QAction):
            menu = a.parent()
            found[a.objectName()] = a
            found[f"{a.objectName()}@"] = menu.title() if hasattr(menu, "title") else ""
        return found

    result: dict[str, Any] = d.gui(read)
    return result


def _wait_notice(d: Driver, win: Any, target: Path) -> None:
    notice = f"document.querySelector('[data-export-notice=exported]')?.dataset.path === {json.dumps(str(target))}"
    d.wait(functools.partial(d.js, win, notice), timeout=60, what=f"the page saying where {target.name} went")


def _answer_print_dialog(d: Driver, target: Path) -> None:
    """The modal QPrintDialog File ▸ Print… opened: print to a PDF file, as "Print to File" does."""
    from qtpy.QtPrintSupport import QPrintDialog, QPrinter
    from qtpy.QtWidgets import QApplication

    def dialog() -> Any:
        w = QApplication.activeModalWidget()
        return w if isinstance(w, QPrintDialog) and w.isVisible() else None

    d.wait(lambda: d.gui(dialog), what="the print dialog")

    def answer() -> None:
        dlg = dialog()
        printer = dlg.printer()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(target))
        printer.setResolution(96)  # a light raster: this checks the path, not the print quality
        dlg.done(1)  # accepted, with the printer as set (accept() would reread the dialog's own fields)

    d.gui(answer)


def scenario_pdf(d: Driver) -> None:
    app = d.app
    win = d.wait(lambda: next(iter(app.windows.values()), None), what="window")
    d.wait(win.loaded.is_set, what="page load")
    d.wait(lambda: "pdf marker 42" in d.js(win, "document.body.innerText"), timeout=180, what="outputs")
    acts = _menu_actions(d, win)
    d.step(
        "menus",
        menu_of={k: acts.get(f"{k}@") for k in ("Export pdf", "Export pdf-no-code", "Print…", "Format Notebook")},
        print_shortcut=d.gui(lambda: acts["Print…"].shortcut().toString()),
    )
    # File ▸ Export ▸ PDF… and PDF without Code…: the menu actions, the save dialog answered as a user would
    for name, file in (("Export pdf", "menu.pdf"), ("Export pdf-no-code", "menu-no-code.pdf")):
        target = d.out / file
        app.invoke(acts[name].trigger)
        _answer_save_dialog(d, target)
        d.wait(target.exists, timeout=120, what=f"{file} written")
        _wait_notice(d, win, target)
        d.step(f"exported {file}")
    # the top bar's PDF button: the page asks the server, which hands it to the window's native dialog
    if d.js(win, "!!document.querySelector('[data-action=export-pdf]')"):
        target = d.out / "topbar.pdf"
        d.js(win, "document.querySelector('[data-action=export-pdf]').click(), 1")
        _answer_save_dialog(d, target)
        d.wait(target.exists, timeout=120, what="topbar.pdf written")
        _wait_notice(d, win, target)
        d.step("exported topbar.pdf", topbar=True)
    # File ▸ Print…: the print dialog, answered with a PDF file as the printer
    printed = d.out / "printed.pdf"
    app.invoke(acts["Print…"].trigger)
    _answer_print_dialog(d, printed)
    d.wait(lambda: printed.exists() and printed.stat().st_size > 0, timeout=120, what="the printed file")
    d.wait(
        lambda: d.gui(lambda: win.native.statusBar().currentMessage()).startswith("Sent"),
        timeout=60,
        what="the print job's report",
    )
    d.step("printed", status=d.gui(lambda: win.native.statusBar().currentMessage()))
    # Edit ▸ Format Notebook: ruff over every Python cell
    app.invoke(acts["Format Notebook"].trigger)

    def code() -> str:
        return str(app.server_thread.call(lambda: "\n".join(c.source for c in win.session.notebook.cells)).result(10))

    d.wait(lambda: "ugly = [1,2, 3]" not in code(), timeout=60, what="the notebook formatted")
    d.step("formatted", code=code(), alive=d.gui(lambda: win.native.isVisible()))
    d.gui(app.quit)


if __name__ == "__main__":
    shell_driver.SCENARIOS["pdf"] = scenario_pdf
    os.environ.setdefault("REFLOW_TEST_PDF", "1")
    sys.exit(shell_driver.main())
