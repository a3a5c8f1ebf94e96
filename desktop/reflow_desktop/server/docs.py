"""``/docs``: the API reference and example gallery, built from the running engine's
docstrings on each request (so the page is the code's, never a stale copy)."""

from __future__ import annotations

from reflow_desktop.docs import reference, render_html
from reflow_desktop.docs.gallery import examples

DOCS_PATH = "/docs"


def docs_page() -> str:
    """The whole page (HTML, no script)."""
    return render_html(reference(), examples())
