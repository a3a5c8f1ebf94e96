"""Find, parse, validate and render the PEP 723 ``# /// script`` block.

Follows the PEP's reference regex line by line: the block opens with the exact
line ``# /// script``; its lines are ``#`` or ``# ...``; it closes with the last
``# ///`` line of that run of comment lines.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from typing import Any

from .errors import NotebookFormatError
from .limits import MAX_METADATA_DEPTH, too_deep
from .secret_names import secrets_problem

OPEN = "# /// script"
CLOSE = "# ///"
_CONTENT = re.compile(r"^#( .*)?$")
_ANY_OPEN = re.compile(r"^# /// [a-zA-Z0-9-]+$")
_TOML_POS = re.compile(r"\(at line (\d+), column \d+\)")
RUNTIME_MODES = ("auto", "lazy")
#: ``[tool.reflow] underscore_names``: "private" (each cell's own, the default) or "shared" (Jupyter)
UNDERSCORE_NAMES = ("private", "shared")
_TOO_DEEP = f"the '# /// script' block nests values more than {MAX_METADATA_DEPTH} levels deep"


@dataclass(frozen=True)
class BlockSpan:
    """Where the script block is: 0-based line indices of the open and close lines."""

    start: int
    end: int


def find_block(lines: list[str]) -> BlockSpan | None:
    """Locate the one script block in ``lines`` (line endings already removed).

    Raises NotebookFormatError for an unclosed block, a non-comment line inside
    it, or a second script block.
    """
    found: BlockSpan | None = None
    i = 0
    n = len(lines)
    while i < n:
        if lines[i] != OPEN:
            i += 1
            continue
        start = i
        j = i + 1
        close = None
        while j < n and _CONTENT.match(lines[j]):
            if lines[j] == CLOSE:
                close = j
            j += 1
        if close is None:
            if j < n:
                raise NotebookFormatError(
                    f"line {j + 1} in the '# /// script' block opened on line {start + 1} "
                    "does not start with '#' (or '# '); every line of the block must be a "
                    "comment, and the block must be closed with '# ///'",
                    j + 1,
                )
            raise NotebookFormatError(
                "the '# /// script' block is never closed: add a line '# ///' after its last line",
                start + 1,
            )
        if found is not None:
            raise NotebookFormatError(
                f"a second '# /// script' block (the first one starts on line {found.start + 1}); "
                "a notebook may have only one",
                start + 1,
            )
        found = BlockSpan(start, close)
        i = close + 1
    return found


def block_toml(lines: list[str], span: BlockSpan) -> str:
    """The TOML text inside the block (comment prefixes removed)."""
    return "\n".join(line[2:] for line in lines[span.start + 1 : span.end]) + "\n"


def parse_block(lines: list[str], span: BlockSpan) -> dict[str, Any]:
    """Parse and validate the block's TOML; errors carry the file's line number."""
    text = block_toml(lines, span)
    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise NotebookFormatError(_TOO_DEEP, span.start + 1) from None
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = _TOML_POS.search(msg)
        lineno = span.start + 1 + int(m.group(1)) if m else span.start + 1
        lineno = min(lineno, span.end)
        clean = _TOML_POS.sub("", msg).strip()
        raise NotebookFormatError(f"invalid TOML in the '# /// script' block: {clean}", lineno) from None
    if too_deep(data, MAX_METADATA_DEPTH):
        raise NotebookFormatError(_TOO_DEEP, span.start + 1)
    validate(data, span.start + 1)
    return data


def validate(data: dict[str, Any], lineno: int | None = None) -> None:
    """Check the fields Reflow and uv rely on, so a typo fails loudly at open time."""

    def bad(message: str) -> NotebookFormatError:
        return NotebookFormatError(f"in the '# /// script' block: {message}", lineno)

    deps = data.get("dependencies")
    if deps is not None and (not isinstance(deps, list) or not all(isinstance(d, str) for d in deps)):
        raise bad("'dependencies' must be a list of strings, e.g. dependencies = [\"pandas>=2\"]")
    rp = data.get("requires-python")
    if rp is not None and not isinstance(rp, str):
        raise bad("'requires-python' must be a string, e.g. requires-python = \">=3.11\"")
    tool = data.get("tool")
    if tool is not None and not isinstance(tool, dict):
        raise bad("'tool' must be a table")
    reflow = tool.get("reflow") if isinstance(tool, dict) else None
    if reflow is not None:
        if not isinstance(reflow, dict):
            raise bad("'tool.reflow' must be a table ([tool.reflow])")
        runtime = reflow.get("runtime")
        if runtime is not None and runtime not in RUNTIME_MODES:
            raise bad(f'[tool.reflow] runtime must be "auto" or "lazy", not {runtime!r}')
        underscore = reflow.get("underscore_names")
        if underscore is not None and underscore not in UNDERSCORE_NAMES:
            raise bad(f'[tool.reflow] underscore_names must be "private" or "shared", not {underscore!r}')
        if "secrets" in reflow and (problem := secrets_problem(reflow["secrets"])) is not None:
            raise bad(problem)  # names of keychain values for the kernel's environment (secret_names.py)


def parse_block_text(raw: str) -> dict[str, Any]:
    """Parse a standalone block text (as in ScriptMetadata.raw)."""
    lines = [line.rstrip("\r") for line in raw.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()
    span = find_block(lines)
    if span is None or span.start != 0 or span.end != len(lines) - 1:
        raise NotebookFormatError("not a '# /// script' block")
    return parse_block(lines, span)


# --- rendering ------------------------------------------------------------------------------

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(key: str) -> str:
    return key if _BARE_KEY.match(key) else json.dumps(key, ensure_ascii=False)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # JSON escapes are valid TOML basic-string escapes
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def dump_toml(data: dict[str, Any], prefix: tuple[str, ...] = ()) -> list[str]:
    """A small TOML writer for metadata (stdlib has none); lists of strings one per line, like uv."""
    out: list[str] = []
    tables = []
    for key, value in data.items():
        if isinstance(value, dict):
            tables.append((key, value))
        elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            out.append(f"{_key(key)} = [")
            out.extend(f"    {_value(v)}," for v in value)
            out.append("]")
        else:
            out.append(f"{_key(key)} = {_value(value)}")
    for key, value in tables:
        path = (*prefix, key)
        body = dump_toml(value, path)
        has_scalars = any(not isinstance(v, dict) for v in value.values())
        if has_scalars or not value:
            out.append(f"[{'.'.join(_key(p) for p in path)}]")
        out.extend(body)
    return out


def render_block(data: dict[str, Any], newline: str = "\n") -> str:
    """The full ``# /// script`` … ``# ///`` text for ``data``."""
    validate(data)
    lines = [OPEN] + [f"# {line}" if line else "#" for line in dump_toml(data)] + [CLOSE]
    return newline.join(lines) + newline
