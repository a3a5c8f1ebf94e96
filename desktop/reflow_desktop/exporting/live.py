"""Export what a live session shows: its notebook model and each cell's current outputs.

The one-click exports (the UI's Export button, the desktop's File ▸ Export) go
through here, so they capture exactly what the user sees, including edits not
yet saved, without re-running anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from reflow_desktop.session.doors import NotebookView

from .html import render_html
from .ipynb import dumps, notebook_to_ipynb, validate
from .script import notebook_to_script

ExportFormat = Literal["html", "ipynb", "script"]
FORMATS: dict[str, tuple[str, str]] = {  # format -> (file suffix, MIME type)
    "html": (".html", "text/html; charset=utf-8"),
    "ipynb": (".ipynb", "application/x-ipynb+json"),
    "script": (".script.py", "text/x-python; charset=utf-8"),
}


@dataclass(frozen=True)
class Exported:
    """An export ready to be saved or downloaded."""

    text: str
    filename: str
    content_type: str


def export_session(session: NotebookView, fmt: ExportFormat, *, hide_code: bool = False) -> Exported:
    """Render the session's notebook with its current outputs (ValueError for an unknown format)."""
    if str(fmt) == "pdf":  # printed by Qt on the GUI thread: the desktop window does it (shell/printing.py)
        raise ValueError("PDF is printed by Qt: exporting/pdf.py (the app, the CLI) or pdf_process.py (the server)")
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    nb = session.notebook
    outputs = {c.id: list(session.outputs_of(c.id)) for c in nb.cells if c.kind == "code"}
    if fmt == "html":
        relay = getattr(session, "widgets", None)  # Jupyter widgets' last state (session/widget_comms.py)
        widgets = relay.state_document() if relay is not None else None
        text = render_html(nb, outputs, name=session.path.name, hide_code=hide_code, widgets=widgets)
    elif fmt == "ipynb":
        notebook = notebook_to_ipynb(nb, outputs)
        validate(notebook)
        text = dumps(notebook)
    else:
        text = notebook_to_script(nb)
    suffix, content_type = FORMATS[fmt]
    return Exported(text, session.path.stem + suffix, content_type)
