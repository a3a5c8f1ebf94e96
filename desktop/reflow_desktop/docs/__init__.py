"""Documentation inside the product: the API reference built from the engine's docstrings
(so it cannot drift from the code) and the gallery of example notebooks.

``reference()`` is the model, ``render_markdown`` / ``render_html`` its two faces: the
committed ``docs/api.md`` (``python -m reflow_desktop.docs`` rewrites it; a test fails when
it is stale) and the page the app serves at ``/docs``.
"""

from reflow_desktop.docs.model import Entry, Section, reference
from reflow_desktop.docs.render import render_html, render_markdown

__all__ = ["Entry", "Section", "reference", "render_html", "render_markdown"]
