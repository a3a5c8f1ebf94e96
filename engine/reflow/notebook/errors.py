"""The one error type of the file format, so callers can show "line N: why"."""

from __future__ import annotations


class NotebookFormatError(ValueError):
    """A notebook file that cannot be read; ``lineno`` is 1-based (None if unknown)."""

    def __init__(self, message: str, lineno: int | None = None) -> None:
        self.message = message
        self.lineno = lineno
        super().__init__(f"line {lineno}: {message}" if lineno is not None else message)
