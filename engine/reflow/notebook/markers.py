"""Cell markers (``# %%``), their options, and where cells start.

Mirrors how Jupytext reads the percent format, so both tools see the same cells:
the same marker regexes (leading whitespace allowed, ``#%%``, ``# In[ ]:``,
``# <codecell>``), no markers inside triple-quoted strings of a code cell, and
none inside a closed fenced code block of a markdown cell.
"""

from __future__ import annotations

import ast
import json
import re
from typing import Any

from .errors import NotebookFormatError
from .limits import MAX_METADATA_DEPTH, too_deep

START = re.compile(r"^\s*#\s*%%(%*)\s(.*)$")
ALT_START = re.compile(r"^\s*#\s*(%%|<codecell>|In\[[0-9 ]*\]:?)\s*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_KEY = re.compile(r"([A-Za-z0-9_.\-]+)=")
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CELL_TYPES = {"[markdown]": "markdown", "[md]": "markdown"}
_SQL_TAG = "[sql]"  # an SQL cell: a code cell with options["language"] = "sql" (reflow.notebook.sql_cells)


def is_marker(line: str) -> bool:
    """Does this line (without line ending) start a cell?"""
    return bool(START.match(line) or ALT_START.match(line))


def uncomment(line: str) -> str:
    """Strip ``# `` or ``#`` like Jupytext does for markdown lines."""
    if line.startswith("# "):
        return line[2:]
    if line.startswith("#"):
        return line[1:]
    return line


# --- options on the marker line ------------------------------------------------------------


def _too_deep(lineno: int | None) -> NotebookFormatError:
    return NotebookFormatError(
        f"the cell options on this marker line nest more than {MAX_METADATA_DEPTH} levels deep", lineno
    )


def parse_marker(line: str, lineno: int | None = None) -> tuple[str, dict[str, Any]]:
    """Kind and options of a marker line: ``# %% Title [markdown] hide_code=true n=3``.

    Words before the first ``key=value`` form the title (options["title"]);
    values are JSON (``true``, ``3``, ``"a b"``), Python literals, or bare words
    (read as strings); a bare identifier after the options means ``key: None``;
    ``{...}`` is JSON metadata, as in Jupytext. Options nested too deeply (a hostile file)
    raise NotebookFormatError for ``lineno``.
    """
    m = START.match(line)
    if not m:
        return "code", {}
    text = line[line.find("%%") + 2 :].strip()
    kind = "code"
    first_eq = text.find("=")
    first_curly = text.find("{")
    options: dict[str, Any] = {}
    if first_curly >= 0 and (first_eq < 0 or first_curly < first_eq):
        title = text[:first_curly].strip()
        try:
            meta = json.loads(text[first_curly:])
            if isinstance(meta, dict):
                options.update(meta)
        except ValueError:
            title = text
        except RecursionError:
            raise _too_deep(lineno) from None
    else:
        km = None
        for km in _KEY.finditer(text):
            if km.start() == 0 or text[km.start() - 1].isspace():
                break
        else:
            km = None
        title = text[: km.start()].strip() if km else text
        if km:
            try:
                options.update(_parse_pairs(text[km.start() :]))
            except RecursionError:
                raise _too_deep(lineno) from None
    if too_deep(options, MAX_METADATA_DEPTH):
        raise _too_deep(lineno)
    for tag, tag_kind in _CELL_TYPES.items():
        if tag in title:
            title = title.replace(tag, "", 1).strip()
            kind = tag_kind
            break
    sql = kind == "code" and _SQL_TAG in title
    if sql:
        title = title.replace(_SQL_TAG, "", 1).strip()
    result: dict[str, Any] = {}
    if title:
        result["title"] = title
    result.update(options)
    if sql:
        result["language"] = "sql"
    return kind, result


def _parse_pairs(text: str) -> dict[str, Any]:
    decoder = json.JSONDecoder()
    out: dict[str, Any] = {}
    pos = 0
    n = len(text)
    while pos < n:
        while pos < n and text[pos].isspace():
            pos += 1
        if pos >= n:
            break
        km = _KEY.match(text, pos)
        if not km:
            end = pos
            while end < n and not text[end].isspace():
                end += 1
            out[text[pos:end]] = None
            pos = end
            continue
        key = km.group(1)
        pos = km.end()
        try:
            value, end = decoder.raw_decode(text, pos)
            if end < n and not text[end].isspace():
                raise ValueError
        except ValueError:
            end = pos
            while end < n and not text[end].isspace():
                end += 1
            token = text[pos:end]
            try:
                value = ast.literal_eval(token)
            except (ValueError, SyntaxError, MemoryError, RecursionError):
                value = token
        out[key] = value
        pos = end
    return out


def render_marker(kind: str, options: dict[str, Any]) -> str:
    """Canonical marker line (no line ending), the way Jupytext writes it."""
    parts = ["# %%"]
    title = options.get("title")
    if isinstance(title, str) and title:
        parts.append(title)
    if kind == "markdown":
        parts.append("[markdown]")
    sql = kind == "code" and options.get("language") == "sql"
    if sql:
        parts.append(_SQL_TAG)
    for key, value in options.items():
        if key == "title" or (sql and key == "language"):
            continue
        parts.append(key if value is None else f"{key}={json.dumps(value, ensure_ascii=False)}")
    return " ".join(parts)


# --- finding cell boundaries ------------------------------------------------------------------


class _Strings:
    """Is the next line inside a string? A port of Jupytext's StringParser for Python."""

    def __init__(self) -> None:
        self.single: str | None = None
        self.triple: str | None = None

    def quoted(self) -> bool:
        return bool(self.single or self.triple)

    def read(self, line: str) -> None:
        if not self.quoted() and line.lstrip().startswith("#"):
            return
        triple_start = -1
        for i, char in enumerate(line):
            if self.single is None and self.triple is None and char == "#":
                break
            if char not in "\"'":
                continue
            if line[i - 1 : i] == "\\":
                continue
            if self.single == char:
                self.single = None
                continue
            if self.single is not None:
                continue
            if line[i - 2 : i + 1] == 3 * char and i >= triple_start + 3:
                if self.triple == char:
                    self.triple = None
                    triple_start = i
                    continue
                if self.triple is not None:
                    continue
                self.triple = char
                triple_start = i
                continue
            if self.triple is not None:
                continue
            self.single = char
        self.single = None


def _fence(text: str) -> tuple[str, int] | None:
    m = _FENCE.match(text)
    if not m or (m.group(1)[0] == "`" and "`" in m.group(2)):
        return None
    return m.group(1)[0], len(m.group(1))


def _closing(text: str) -> tuple[str, int] | None:
    m = _FENCE.match(text)
    if m and not m.group(2).strip():
        return m.group(1)[0], len(m.group(1))
    return None


def find_markers(lines: list[str]) -> list[int]:
    """0-based indices of the lines that start cells (line endings removed)."""
    # For each line, the longest closing fence of each kind at or after it (Jupytext looks ahead).
    n = len(lines)
    closers: list[dict[str, int]] = [{}] * (n + 1)
    best: dict[str, int] = {}
    for i in range(n - 1, -1, -1):
        c = _closing(uncomment(lines[i]))
        if c and c[1] > best.get(c[0], 0):
            best = {**best, c[0]: c[1]}
        closers[i] = best
    markers: list[int] = []
    strings = _Strings()
    kind = "code"
    fence: tuple[str, int] | None = None
    for i, line in enumerate(lines):
        if strings.quoted():
            strings.read(line)
            continue
        strings.read(line)
        if kind == "markdown":
            text = uncomment(line)
            if fence:
                c = _closing(text)
                if c and c[0] == fence[0] and c[1] >= fence[1]:
                    fence = None
                continue
            opening = _fence(text)
            if opening and closers[i + 1].get(opening[0], 0) >= opening[1]:
                fence = opening
                continue
        if (markers and i == markers[-1]) or not is_marker(line):
            continue
        markers.append(i)
        strings = _Strings()
        fence = None
        kind = _scan_kind(line, i + 1)
    return markers


def _scan_kind(line: str, lineno: int) -> str:
    """Kind for boundary scanning: raw cells behave like markdown (fenced blocks) in Jupytext."""
    kind, options = parse_marker(line, lineno)
    if kind == "markdown" or "[raw]" in str(options.get("title", "")):
        return "markdown"
    return "code"
