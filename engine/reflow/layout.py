"""Layout helpers: hstack, vstack, tabs, accordion, callout.

Each renders as ``application/vnd.reflow.layout+json``: ``{kind, props, children:
[MIME bundle]}`` (tabs/accordion also carry ``labels``). Children are formatted
like any output (IPython's formatter in the kernel), so elements inside stay live;
text/html gives a static fallback for exports.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

LAYOUT_MIME = "application/vnd.reflow.layout+json"


def format_bundle(value: object) -> dict[str, Any]:
    """A child's MIME bundle: strings as markdown, else the kernel's formatter or repr."""
    if isinstance(value, str):
        return {"text/markdown": value, "text/plain": value}
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except Exception:
        shell = None
    data: dict[str, Any] = {}
    if shell is not None:
        try:
            data, _ = shell.display_formatter.format(value)
        except Exception:
            data = {}
        try:
            from ipykernel.jsonutil import encode_images

            data = encode_images(data)  # type: ignore[no-untyped-call]  # ipykernel ships no annotations here
        except Exception:
            pass
    elif hasattr(value, "_repr_mimebundle_"):
        try:
            data = dict(value._repr_mimebundle_())
        except Exception:
            data = {}
    if not data:
        data = {"text/plain": repr(value)}
    return data


def _static(bundle: dict[str, Any]) -> str:
    if "text/html" in bundle:
        return str(bundle["text/html"])
    for mime in ("image/png", "image/jpeg"):
        if mime in bundle:
            return f'<img src="data:{mime};base64,{bundle[mime]}">'
    text = bundle.get("text/markdown") or bundle.get("text/plain") or ""
    return f"<pre>{html.escape(str(text))}</pre>"


class Layout:
    """A layout output made of child outputs."""

    def __init__(
        self,
        kind: str,
        items: Sequence[object],
        props: dict[str, Any] | None = None,
        labels: Sequence[str] | None = None,
    ) -> None:
        self.kind = kind
        self.items = list(items)
        self.props = props or {}
        self.labels = list(labels) if labels is not None else None

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        children = [format_bundle(item) for item in self.items]
        payload: dict[str, Any] = {"kind": self.kind, "props": self.props, "children": children}
        if self.labels is not None:
            payload["labels"] = self.labels
        return {LAYOUT_MIME: payload, "text/plain": repr(self), "text/html": self._html(children)}

    def _html(self, children: list[dict[str, Any]]) -> str:
        parts = [_static(c) for c in children]
        if self.kind in ("hstack", "vstack"):
            direction = "row" if self.kind == "hstack" else "column"
            gap = self.props.get("gap", 0.5)
            return (
                f'<div style="display:flex;flex-direction:{direction};gap:{gap}rem">'
                + "".join(f"<div>{p}</div>" for p in parts)
                + "</div>"
            )
        if self.kind in ("tabs", "accordion"):
            # fewer labels than parts: the parts past the last label are not shown (strict=False)
            return "".join(
                f"<details {'open' if i == 0 else ''}><summary>{html.escape(str(label))}</summary>{p}</details>"
                for i, (label, p) in enumerate(zip(self.labels or [], parts, strict=False))
            )
        kind = html.escape(str(self.props.get("kind", "info")))
        return f'<div class="callout callout-{kind}">{"".join(parts)}</div>'

    def __repr__(self) -> str:
        return f"<{self.kind} of {len(self.items)}>"


def hstack(
    items: Sequence[object],
    *,
    gap: float = 0.5,
    align: str | None = None,
    justify: str = "start",
    wrap: bool = False,
    widths: Sequence[float] | None = None,
) -> Layout:
    """Items side by side."""
    return Layout(
        "hstack",
        items,
        {"gap": gap, "align": align, "justify": justify, "wrap": wrap, "widths": list(widths) if widths else None},
    )


def vstack(items: Sequence[object], *, gap: float = 0.5, align: str | None = None) -> Layout:
    """Items one below the other."""
    return Layout("vstack", items, {"gap": gap, "align": align})


def tabs(items: dict[str, object]) -> Layout:
    """One tab per item (label -> content)."""
    return Layout("tabs", list(items.values()), {}, labels=[str(k) for k in items])


def accordion(items: dict[str, object], *, multiple: bool = False) -> Layout:
    """Collapsible sections (label -> content)."""
    return Layout("accordion", list(items.values()), {"multiple": multiple}, labels=[str(k) for k in items])


def callout(value: object, kind: str = "info") -> Layout:
    """A highlighted box: kind is info, success, warn, danger or neutral."""
    return Layout("callout", [value], {"kind": kind})
