"""IPython syntax in imported cells: magics and shell escapes become comments.

A cell that is not valid Python (``%matplotlib inline``, ``!pip install x``,
``%%time``) keeps every character the user typed, as comments where needed, so
the converted notebook parses, runs (in Reflow and as ``python nb.py``) and
still shows what the cell used to do. ``pip install`` arguments are collected
so the importer can add them to the notebook's dependencies.
"""

from __future__ import annotations

import ast
import re
import shlex
from dataclasses import dataclass, field

from reflow.notebook.markers import is_marker

NOTE = "reflow import:"
# cell magics whose body is Python: keep the body, comment the magic line
PYTHON_BODY_CELL_MAGICS = {"time", "timeit", "capture", "prun", "debug", "python", "python3"}
MARKDOWN_CELL_MAGICS = {"markdown", "md"}
_LINE_MAGIC = re.compile(r"^(\s*)(?:[A-Za-z_][\w.,\s\[\]]*=\s*)?(%{1,2}|!{1,2})\S")
_HELP = re.compile(r"^(\s*)[\w.]*\?{1,2}\s*$|^(\s*)\?{1,2}[\w.]+\s*$")
_PIP = re.compile(r"^\s*(?:[!%]\s*)?(?:python3?\s+-m\s+)?(?:uv\s+)?pip3?\s+install\s+(.*)$")
_PIP_FLAGS_WITH_ARG = {"-r", "--requirement", "-c", "--constraint", "-e", "--editable",
                       "-i", "--index-url", "--extra-index-url", "-f", "--find-links",
                       "--target", "-t", "--prefix", "--python"}


@dataclass
class Converted:
    """A cell after conversion: new source, notes (line, message), found packages."""

    source: str
    kind: str = "code"
    notes: list[tuple[int | None, str]] = field(default_factory=list)
    packages: list[str] = field(default_factory=list)
    parses: bool = True


def parses(source: str) -> bool:
    """Is this valid Python for the current interpreter?"""
    try:
        ast.parse(source)
    except (SyntaxError, ValueError):
        return False
    return True


def pip_packages(line: str) -> list[str]:
    """Requirement strings named by a ``pip install`` line (flags and paths skipped)."""
    m = _PIP.match(line)
    if not m:
        return []
    try:
        words = shlex.split(m.group(1), comments=True)
    except ValueError:
        words = m.group(1).split()
    out: list[str] = []
    skip = False
    for w in words:
        if skip:
            skip = False
            continue
        if w in _PIP_FLAGS_WITH_ARG:
            skip = True
            continue
        if w.startswith("-") or w.startswith(("$", "{")) or "/" in w or w in (".", ".."):
            continue
        out.append(w)
    return out


def comment(line: str) -> str:
    """``# line``, or ``## line`` where ``# line`` would read as a ``# %%`` cell marker."""
    if not line:
        return "#"
    text = f"# {line}"
    return f"#{text}" if is_marker(text) else text


def comment_block(text: str) -> str:
    """Every line of ``text`` as a comment (see ``comment``)."""
    return "\n".join(comment(ln) for ln in text.split("\n"))


def _comment_line(line: str, why: str) -> str:
    indent = line[: len(line) - len(line.lstrip())]
    return f"{indent}{comment(line.lstrip())}  # {NOTE} {why}"


def _why(stripped: str) -> tuple[str, str]:
    """(short kind, explanation) for a non-Python line."""
    if _PIP.match(stripped):
        return "pip", "package install; added to the notebook's dependencies"
    if stripped.startswith("!") or re.match(r"^[\w.,\s\[\]]*=\s*!", stripped):
        return "shell", "shell command, not Python; commented out"
    if stripped.startswith("%") or re.match(r"^[\w.,\s\[\]]*=\s*%", stripped):
        name = stripped.lstrip("%").split()[0] if stripped.lstrip("%") else ""
        if re.match(r"^[\w.,\s\[\]]*=", stripped):
            name = stripped.split("%", 1)[1].lstrip("%").split()[0]
        return "magic", f"IPython magic %{name}, not Python; commented out"
    return "help", "IPython help syntax (?), not Python; commented out"


def convert_code(source: str) -> Converted:
    """Turn one Jupyter code cell into valid Python, keeping the user's text."""
    if parses(source):
        return Converted(source)
    lines = source.split("\n")
    first = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    if first is not None and lines[first].lstrip().startswith("%%"):
        return _cell_magic(lines, first)
    result = Converted(source)
    new_lines = list(lines)
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if _LINE_MAGIC.match(line) or _HELP.match(line):
            kind, why = _why(stripped)
            new_lines[i] = _comment_line(line, why)
            if kind == "pip":
                result.packages.extend(pip_packages(stripped))
            result.notes.append((i + 1, f"`{stripped}`: {why}"))
    candidate = "\n".join(new_lines)
    if not parses(candidate):  # a magic inside a block may leave it empty: use `pass`
        candidate = "\n".join(_pass_if_needed(new_lines, lines))
    if parses(candidate):
        result.source = candidate
        return result
    return _comment_all(source, result.notes, result.packages)


def _pass_if_needed(new_lines: list[str], old: list[str]) -> list[str]:
    out = []
    for new, orig in zip(new_lines, old):
        if new != orig and orig[:1] in (" ", "\t"):
            indent = orig[: len(orig) - len(orig.lstrip())]
            new = f"{indent}pass  {new.lstrip()}"
        out.append(new)
    return out


def _comment_all(source: str, notes: list[tuple[int | None, str]], packages: list[str]) -> Converted:
    """Last resort: the whole cell as comments, so the notebook still runs."""
    try:
        ast.parse(source)
        detail = ""
    except SyntaxError as exc:
        detail = f" (line {exc.lineno}: {exc.msg})"
    body = comment_block(source)
    header = f"# {NOTE} this cell is not valid Python{detail}; kept as comments"
    notes = [(None, f"not valid Python{detail}: whole cell kept as comments")]
    return Converted(f"{header}\n{body}", notes=notes, packages=packages, parses=False)


def _cell_magic(lines: list[str], first: int) -> Converted:
    """``%%name`` cells: Python bodies keep running; other languages become comments."""
    magic_line = lines[first].strip()
    name = magic_line[2:].split()[0] if len(magic_line) > 2 else ""
    body_lines = lines[first + 1:]
    body = "\n".join(body_lines)
    if name in MARKDOWN_CELL_MAGICS:
        return Converted(body.strip("\n"), kind="markdown",
                         notes=[(first + 1, f"`%%{name}` cell: converted to a markdown cell")])
    if name in PYTHON_BODY_CELL_MAGICS:
        inner = convert_code(body)
        if inner.parses:
            head = lines[:first] + [f"{comment(magic_line)}  # {NOTE} cell magic %%{name}; the body runs as plain Python"]
            notes = [(first + 1, f"`{magic_line}`: cell magic %%{name} commented out; the body runs as plain Python")]
            notes += [(ln + first + 1 if ln else None, msg) for ln, msg in inner.notes]
            return Converted("\n".join(head + [inner.source]), notes=notes, packages=inner.packages)
    packages: list[str] = []
    if name in ("bash", "sh", "script", "system"):
        for ln in body_lines:
            packages.extend(pip_packages(ln))
    text = comment_block("\n".join(lines))
    why = f"cell magic %%{name} runs {name if name else 'non-Python'} code, not Python; cell kept as comments"
    note = f"# {NOTE} {why}"
    return Converted(f"{note}\n{text}", notes=[(first + 1, why)], packages=packages)
