"""The parts of LSP results the app reads, as msgspec shapes: what the server sends is checked here.

A result that does not fit raises ``msgspec.ValidationError`` (the request then answers "nothing
found"); unknown fields are ignored, as LSP allows. Strings shown to the user are capped.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

import msgspec
from msgspec import Meta

Count = Annotated[int, Meta(ge=0, le=10_000_000)]
Text = Annotated[str, Meta(max_length=200_000)]

T = TypeVar("T")


class Position(msgspec.Struct):
    line: Count
    character: Count


class Range(msgspec.Struct):
    start: Position
    end: Position


class Diagnostic(msgspec.Struct):
    range: Range
    message: Text
    severity: Annotated[int, Meta(ge=1, le=4)] = 1
    source: Annotated[str, Meta(max_length=100)] | None = None
    code: int | Annotated[str, Meta(max_length=100)] | None = None


class PublishDiagnostics(msgspec.Struct):
    uri: str
    diagnostics: Annotated[list[Diagnostic], Meta(max_length=100_000)]
    version: int | None = None


class Location(msgspec.Struct):
    uri: str
    range: Range


class LocationLink(msgspec.Struct, rename="camel"):
    target_uri: str
    target_range: Range
    target_selection_range: Range | None = None


class MarkupContent(msgspec.Struct):
    value: Text
    kind: str = "plaintext"


class MarkedString(msgspec.Struct):
    value: Text
    language: str = ""


class Hover(msgspec.Struct):
    contents: MarkupContent | Text | list[MarkedString | Text]


class ParameterInformation(msgspec.Struct):
    label: str | tuple[int, int]
    documentation: MarkupContent | Text | None = None


class SignatureInformation(msgspec.Struct, rename="camel"):
    label: Text
    documentation: MarkupContent | Text | None = None
    parameters: list[ParameterInformation] = []
    active_parameter: int | None = None


class SignatureHelp(msgspec.Struct, rename="camel"):
    signatures: Annotated[list[SignatureInformation], Meta(max_length=100)]
    active_signature: int | None = None
    active_parameter: int | None = None


class CompletionItem(msgspec.Struct, rename="camel"):
    label: Annotated[str, Meta(max_length=500)]
    kind: int | None = None
    detail: Annotated[str, Meta(max_length=2000)] | None = None
    insert_text: Annotated[str, Meta(max_length=2000)] | None = None


class CompletionList(msgspec.Struct, rename="camel"):
    items: Annotated[list[CompletionItem], Meta(max_length=50_000)]
    is_incomplete: bool = False


class TextEdit(msgspec.Struct, rename="camel"):
    range: Range
    new_text: Annotated[str, Meta(max_length=1_000_000)]


class VersionedDocument(msgspec.Struct):
    uri: str
    version: int | None = None


class TextDocumentEdit(msgspec.Struct, rename="camel"):
    text_document: VersionedDocument
    edits: list[TextEdit]


class WorkspaceEdit(msgspec.Struct, rename="camel"):
    changes: dict[str, list[TextEdit]] | None = None
    document_changes: list[TextDocumentEdit] | None = None

    def edits_for(self, uri: str) -> list[TextEdit] | None:
        """The edits to ``uri``; None when the edit also touches another file (never applied half)."""
        found: list[TextEdit] = []
        for target, edits in (self.changes or {}).items():
            if target != uri and edits:
                return None
            found += edits if target == uri else []
        for change in self.document_changes or []:
            if change.text_document.uri != uri:
                return None
            found += change.edits
        return found


def parse(value: Any, shape: type[T]) -> T:
    """``value`` (decoded JSON from the server) as ``shape``; msgspec.ValidationError when it does not fit."""
    return msgspec.convert(value, shape)


def plain(content: MarkupContent | str | None) -> str:
    if content is None:
        return ""
    return content if isinstance(content, str) else content.value


def hover_text(hover: Hover) -> str:
    """Markdown of a hover result, whatever shape the server used."""
    c = hover.contents
    if isinstance(c, list):
        return "\n\n".join(
            x if isinstance(x, str) else f"```{x.language}\n{x.value}\n```" if x.language else x.value for x in c
        )
    if isinstance(c, MarkupContent) and c.kind != "markdown":
        return f"```text\n{c.value}\n```" if c.value.strip() else ""
    return plain(c)
