"""What UI → server and server → UI messages have in common, declared once for both sides.

``client`` and ``server`` subclass these; none of them is a message of its own, so
none shows in the schema: msgspec copies their fields into each message (first, in
the order given here), and the generated files are as if each message spelled them out.
"""

from __future__ import annotations

from typing import Annotated, Any

from msgspec import Meta

from reflow_desktop.protocol.shapes import Shape, union_of


class Message(Shape, tag_field="type"):
    """Base of every message, either way: tagged by ``type`` (each class's ``tag``)."""


class Correlated(Shape):
    """A request the server answers with one reply, or that reply: both carry the page's ``request_id``."""

    request_id: str


def tagged_union(classes: tuple[type[Shape], ...], title: str) -> Any:
    """``A | B | …`` of tagged classes, named ``title``: what msgspec validates and the schema and TS name.

    Type checkers see the base class instead (each use is under ``if TYPE_CHECKING: … else:``).
    """
    return Annotated[union_of(classes), Meta(title=title)]
