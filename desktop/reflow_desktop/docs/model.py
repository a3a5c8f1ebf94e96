"""What the API reference lists: every public name of ``reflow`` and ``reflow.ui``, read
from the objects themselves (signature, docstring), grouped in sections for a reader."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# reflow.ui names that are plumbing for the runtime, not user API
UI_INTERNAL = frozenset({"UI_MIME", "REGISTRY", "apply_updates"})


@dataclass(frozen=True)
class Entry:
    """One documented name: ``reflow.ui.slider``, with its call signature and docstring."""

    name: str
    signature: str
    doc: str
    members: tuple[Entry, ...] = ()


@dataclass(frozen=True)
class Section:
    title: str
    intro: str
    entries: tuple[Entry, ...]


def _annotation(value: Any) -> str:
    if value is inspect.Parameter.empty:
        return ""
    return value if isinstance(value, str) else inspect.formatannotation(value)


def signature(obj: Callable[..., Any]) -> str:
    """``(start: float = 0, *, label: str = '')``: annotations as written, no ``self``/return."""
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return ""
    parts: list[str] = []
    star_done = False
    for p in sig.parameters.values():
        if p.kind is p.KEYWORD_ONLY and not star_done:
            parts.append("*")
            star_done = True
        if p.kind is p.VAR_POSITIONAL:
            star_done = True
        prefix = "*" if p.kind is p.VAR_POSITIONAL else "**" if p.kind is p.VAR_KEYWORD else ""
        text = prefix + p.name
        ann = _annotation(p.annotation)
        if ann:
            text += f": {ann}"
        if p.default is not inspect.Parameter.empty:
            text += f" = {p.default!r}" if ann else f"={p.default!r}"
        parts.append(text)
    return f"({', '.join(parts)})"


def _doc(obj: object) -> str:
    doc = getattr(obj, "__doc__", None)
    return inspect.cleandoc(doc) if isinstance(doc, str) else ""


def _members(cls: type, qualname: str) -> tuple[Entry, ...]:
    """Public methods and properties a class defines itself (not its base's, not constants),
    those with a docstring: a member without one is an implementation detail of the class."""
    out: list[Entry] = []
    for name, value in vars(cls).items():
        if name.startswith("_"):
            continue
        if isinstance(value, property):
            out.append(Entry(f"{qualname}.{name}", "", _doc(value.fget) or _doc(value)))
        elif inspect.isfunction(value):
            sig = signature(value).replace("(self, ", "(").replace("(self)", "()")
            out.append(Entry(f"{qualname}.{name}", sig, _doc(value)))
    return tuple(e for e in out if e.doc)


def entry(name: str, obj: Any) -> Entry:
    sig = signature(obj)
    if inspect.isclass(obj):
        sig = sig.replace("(self, ", "(").replace("(self)", "()")
        return Entry(name, sig, _doc(obj), _members(obj, name))
    return Entry(name, sig, _doc(obj))


def public_ui_names() -> list[str]:
    import reflow.ui as ui

    return [n for n in ui.__all__ if n not in UI_INTERNAL]


def reference() -> tuple[Section, ...]:
    """The sections of the reference, in reading order (imports the engine's user API).

    Functions are taken from their modules: ``reflow.md`` is the function until ``reflow.md``
    the module is imported, then the (callable) module."""
    import reflow.cache as cache_pkg
    import reflow.cluster as cluster
    import reflow.layout as layout
    import reflow.md as md_mod
    import reflow.state as state_mod
    import reflow.stop as stop_mod
    import reflow.ui as ui

    ui_base = ("UIElement", "form")
    ui_inputs = [n for n in public_ui_names() if n not in ui_base]
    return (
        Section(
            "Interactive elements: reflow.ui",
            "Assign an element to a global in one cell and read its `.value` in another: moving the "
            "element re-runs the cells that read it, never the cell that made it.",
            tuple(entry(f"reflow.ui.{n}", getattr(ui, n)) for n in [*ui_inputs, *ui_base]),
        ),
        Section(
            "Markdown: reflow.md",
            "Markdown output from code, with values and live elements inside. Math: `$...$` inline, "
            "`$$...$$` displayed (KaTeX, offline).",
            (entry("reflow.md", md_mod.md), entry("reflow.md.escape", md_mod.escape)),
        ),
        Section(
            "Layout",
            "Arrange outputs and elements; each helper returns an output you end a cell with.",
            tuple(
                entry(f"reflow.{n}", getattr(layout, n)) for n in ("hstack", "vstack", "tabs", "accordion", "callout")
            ),
        ),
        Section(
            "State and control flow",
            "For the rare cases the dataflow graph does not cover.",
            (entry("reflow.state", state_mod.state), entry("reflow.stop", stop_mod.stop)),
        ),
        Section(
            "Caching",
            "Skip expensive work that was already done: in memory for a session, or on disk across sessions.",
            (
                entry("reflow.cache", cache_pkg.cache),
                entry("reflow.persistent_cache", cache_pkg.persistent_cache),
                entry("reflow.clear_cache", cache_pkg.clear_cache),
            ),
        ),
        Section(
            "Fan-out with Dask: reflow.cluster",
            "Run work on many cores or machines from a cell; the futures a cell creates are cancelled when "
            "it re-runs, is deleted or is interrupted. Needs `distributed` in the notebook's dependencies.",
            (
                Entry("reflow.cluster", "", _doc(cluster)),
                entry("reflow.cluster.connect", cluster.connect),
                entry("reflow.cluster.close", cluster.close),
            ),
        ),
    )


def top_level_names() -> set[str]:
    """Every public ``reflow.X`` (and ``reflow.ui.X``) a user can reach: what must be documented."""
    import reflow

    names = {f"reflow.{n}" for n in (*reflow._API, *reflow._LAZY) if n != "ui"}
    return names | {f"reflow.ui.{n}" for n in public_ui_names()}
