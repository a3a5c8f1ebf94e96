"""`reflow script nb.py`: run a notebook headless, in execution order.

Cell output (printed text and the value of each cell's last expression) goes to
stdout, errors to stderr with the file line of the failing cell; the exit code
is 1 if any cell failed or could not run, so it fits CI pipelines.
``--json`` prints one JSON object per line instead (``{"cell": N, "line": L, "stream":
"stdout"|"stderr", "text": ...}``, ``{..., "result": repr}``, ``{..., "error": message}``;
N is the cell's 1-based position in the file), for tools that compare runs.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import TextIO

from reflow.runtime import CellError, Runtime

from ._load import LoadedNotebook, load_or_report


class ScriptSink:
    """Writes a headless run to the terminal and remembers which cells failed."""

    def __init__(self, nb: LoadedNotebook, out: TextIO, err: TextIO) -> None:
        self._nb = nb
        self._out = out  # the real streams, taken before the runtime redirects sys.stdout
        self._err = err
        self.failed: list[str] = []

    def status(self, cell_id: str, status: str) -> None:
        """Statuses matter to an interactive UI, not to a terminal."""

    def clear(self, cell_id: str) -> None:
        """Nothing to clear on a terminal."""

    def stream(self, cell_id: str, name: str, text: str) -> None:
        (self._err if name == "stderr" else self._out).write(text)
        (self._err if name == "stderr" else self._out).flush()

    def output(self, cell_id: str, value: object) -> None:
        self._out.write(f"{value!r}\n")
        self._out.flush()

    def error(self, cell_id: str, error: CellError) -> None:
        self.failed.append(cell_id)
        where = self._nb.where(cell_id)
        self._err.write(f"{where}: error: {self._cell_name(cell_id)}: {error.message}\n")
        if error.traceback:
            self._err.write(error.traceback.rstrip("\n") + "\n")
        self._err.flush()

    def _cell_name(self, cell_id: str) -> str:
        """ "cell 3": the cell's number in the file (markdown cells count), as the editor shows it."""
        ids = [c.id for c in self._nb.notebook.cells]
        return f"cell {ids.index(cell_id) + 1}" if cell_id in ids else "cell"

    def run_finished(self, ran: list[str]) -> None:
        """A terminal run reports as it goes."""


class JsonScriptSink(ScriptSink):
    """The same run as JSON lines on stdout, each tagged with its cell, for tools that compare runs."""

    def __init__(self, nb: LoadedNotebook, out: TextIO, err: TextIO) -> None:
        super().__init__(nb, out, err)
        self._numbers = {cell.id: n for n, cell in enumerate(nb.notebook.cells, start=1)}

    def _emit(self, cell_id: str, **fields: str) -> None:
        record = {"cell": self._numbers.get(cell_id), "line": self._nb.code_line(cell_id), **fields}
        self._out.write(json.dumps(record) + "\n")
        self._out.flush()

    def stream(self, cell_id: str, name: str, text: str) -> None:
        self._emit(cell_id, stream=name, text=text)

    def output(self, cell_id: str, value: object) -> None:
        self._emit(cell_id, result=repr(value))

    def error(self, cell_id: str, error: CellError) -> None:
        self.failed.append(cell_id)
        self._emit(cell_id, error=error.message, traceback=error.traceback or "")


def run(args: argparse.Namespace) -> int:
    """Run every code cell once in execution order; 1 if any cell failed."""
    nb = load_or_report(args.notebook)
    if nb is None:
        return 1
    sink = (JsonScriptSink if getattr(args, "json", False) else ScriptSink)(nb, sys.stdout, sys.stderr)
    namespace = {"__name__": "__main__", "__file__": os.path.abspath(args.notebook)}
    runtime = Runtime(sink, namespace=namespace, mode="auto")
    all_ids = [c.id for c in nb.notebook.cells]
    runtime.cell_numbers.use(lambda: all_ids)  # messages say "cell 3" like the editor, markdown included
    runtime.set_cells([(c.id, c.source) for c in nb.notebook.cells if c.kind == "code"])
    sys.path.insert(0, os.path.dirname(os.path.abspath(args.notebook)))
    runtime.run_all()
    return 1 if sink.failed else 0
