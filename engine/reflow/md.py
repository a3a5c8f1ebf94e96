"""``reflow.md(text)``: markdown with live elements inside.

Interpolate like an f-string -- ``reflow.md(f"Speed: {slider}")`` -- or with
``reflow.md("Speed: {s}", s=slider)``. An element formats itself as a placeholder
``<span data-reflow-el="ID"></span>``; the output carries the elements' payloads
(``application/vnd.reflow.md+json``: ``{text, elements: {id: payload}}``) and the
UI mounts the live widgets there. text/markdown keeps a static stand-in.
"""

from __future__ import annotations

import html
import re
import textwrap
from typing import Any

MD_MIME = "application/vnd.reflow.md+json"
_PLACEHOLDER = re.compile(r'<span data-reflow-el="([^"]+)"></span>')


class Markdown:
    """A markdown output; renders through ``_repr_mimebundle_``."""

    def __init__(self, text: str) -> None:
        self.text = text

    def _elements(self) -> dict[str, Any]:
        from reflow.ui._core import REGISTRY

        found = {}
        for element_id in _PLACEHOLDER.findall(self.text):
            element = REGISTRY.get(element_id)
            if element is not None:
                found[element_id] = element
        return found

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        elements = self._elements()

        def static(match: re.Match[str]) -> str:
            element = elements.get(match.group(1))
            return "" if element is None else element._repr_mimebundle_()["text/html"]

        def plain(match: re.Match[str]) -> str:
            element = elements.get(match.group(1))
            return "" if element is None else repr(element)

        bundle: dict[str, Any] = {
            "text/markdown": _PLACEHOLDER.sub(static, self.text),
            "text/plain": _PLACEHOLDER.sub(plain, self.text),
        }
        if elements:
            bundle[MD_MIME] = {"text": self.text, "elements": {k: e._payload() for k, e in elements.items()}}
        return bundle

    def _repr_markdown_(self) -> str:
        return str(self._repr_mimebundle_()["text/markdown"])

    def __format__(self, spec: str) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Markdown({self.text[:60]!r})"


def md(text: str, *args: Any, **values: Any) -> Markdown:
    """Markdown output: end a cell with ``reflow.md(f"...")`` to show text with values in it.

    With an f-string the cell re-runs when the names it reads change; with fields --
    ``reflow.md("Speed: {s}", s=slider)`` -- the text is filled like ``str.format`` (double
    the braces meant literally, as TeX needs: ``$x^{{2}}$``). UI elements inside stay live
    widgets. ``$...$`` and ``$$...$$`` are math (KaTeX). Indentation common to all lines is
    removed, so triple-quoted text can be indented like the code around it.

        reflow.md(f"Mean of {n} samples: **{mean:.2f}**, threshold {slider}")
    """
    text = textwrap.dedent(text).strip("\n")
    if args or values:
        text = text.format(*args, **values)
    return Markdown(text)


def escape(text: str) -> str:
    """Text shown literally inside markdown: HTML special characters escaped."""
    return html.escape(text)


from reflow._callable import make_module_callable as _make_callable  # noqa: E402

_make_callable(__name__, md)
