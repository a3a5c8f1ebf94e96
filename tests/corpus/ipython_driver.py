"""Run an .ipynb top to bottom in a plain IPython shell and record each cell's text output.

Usage (with the notebook environment's Python, which has IPython through ipykernel):
``python ipython_driver.py NOTEBOOK.ipynb OUT.json``. This is the reference a Jupyter
"Restart & Run All" gives: magics and shell escapes handled by IPython itself, stdout
and the text/plain of each cell's result recorded, and what ``display()`` shows as text/plain
(printed, as a plain IPython shell and `reflow script` print it; Jupyter shows it too).
What ``obj?`` pages is dropped: Jupyter puts it in its pager, not in the cell's output.
Stops at the first failing cell, as Run All does. Standard library + IPython only.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import time
import traceback
from typing import Any

from IPython.core import page
from IPython.core.displayhook import DisplayHook
from IPython.core.interactiveshell import InteractiveShell

_results: list[str] = []


class RecordingDisplayHook(DisplayHook):
    """Keeps the text/plain of each result instead of printing an Out[n] prompt."""

    def write_output_prompt(self) -> None:
        pass

    def write_format_data(self, format_dict: dict[str, Any], md_dict: Any = None) -> None:
        _results.append(str(format_dict.get("text/plain", "")))

    def finish_displayhook(self) -> None:
        pass


class HeadlessShell(InteractiveShell):
    """A plain shell whose `%matplotlib` needs no GUI event loop (figures go nowhere, as in `reflow script`)."""

    def enable_gui(self, gui: Any = None) -> None:
        pass


def _code_cells(path: str) -> list[str]:
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    cells = data.get("cells")
    if cells is None:  # nbformat 3
        cells = (data.get("worksheets") or [{}])[0].get("cells", [])
    out = []
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        src = cell.get("source", cell.get("input", ""))
        out.append("".join(src) if isinstance(src, list) else str(src))
    return out


def _to_pager(strng: Any, start: int = 0, screen_lines: int = 0, pager_cmd: Any = None) -> None:
    """Drops what `obj?` and `%pdoc` page: Jupyter shows it in its pager, not in the cell's output."""


def main(path: str, out_path: str) -> int:
    sys.path.insert(0, "")  # as in a Jupyter kernel: modules beside the notebook (the cwd) import
    page.page = _to_pager
    shell = HeadlessShell.instance(displayhook_class=RecordingDisplayHook, colors="nocolor")
    record: dict[str, Any] = {"cells": [], "completed": True, "error": None}
    real_stdout = sys.stdout
    for source in _code_cells(path):
        _results.clear()
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            result = shell.run_cell(source, store_history=True, silent=False)
        text = buf.getvalue() + "".join(r + "\n" for r in _results)
        record["cells"].append({"source": source, "text": text})
        if not result.success:
            exc = result.error_in_exec or result.error_before_exec
            record["completed"] = False
            record["error"] = "".join(traceback.format_exception_only(type(exc), exc)).strip() if exc else "failed"
            break
    record["cpu_seconds"] = round(time.process_time(), 1)  # load-independent cost, for the 60 s rule
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(record, f)
    real_stdout.write(f"{len(record['cells'])} cells, completed={record['completed']}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
