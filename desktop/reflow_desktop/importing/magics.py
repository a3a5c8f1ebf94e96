"""IPython syntax in imported cells → what Reflow does instead, keeping the user's text.

IPython's own tokenizer (``IPython.core.inputtransformer2``) finds the special
lines, so ``%`` in an expression or ``!`` in a string is left alone and a line
magic continued with ``\\`` is one unit. Then:

* ``%time stmt`` / ``%timeit stmt`` → ``stmt`` (it keeps running; the magic is noted);
  ``%env A=1`` → ``os.environ``; ``%run helpers.py`` → ``from helpers import *``;
  ``%pylab inline`` → its imports;
* ``%matplotlib``, ``%config``, ``%load_ext autoreload``, ``%autoreload``, other
  magics, ``!cmd`` and ``obj?`` → commented out with a ``# reflow:`` note;
* ``!pip install`` / ``%pip`` / ``%conda install`` → commented out, their
  requirements collected for the notebook's PEP 723 block;
* cell magics: ``%%time``-like ones keep the body as Python; ``%%markdown`` →
  a markdown cell; ``%%html`` / ``%%javascript`` / ``%%latex`` / ``%%svg`` →
  ``IPython.display``; ``%%writefile`` → Python that writes the file;
  ``%%bash`` / ``%%sh`` → ``subprocess.run``; any other → comments.

Only the magic's own lines are ever commented out, never the cell's Python.
"""

from __future__ import annotations

import ast
import re
import shlex
import tokenize
from dataclasses import dataclass, field

from IPython.core.inputtransformer2 import (
    EscapedCommand,
    HelpEnd,
    MagicAssign,
    SystemAssign,
    TokenTransformBase,
    find_end_of_continued_line,
    make_tokens_by_line,
)

from reflow.notebook.markers import is_marker
from reflow.notebook.model import CellKind

from .requirements import Installs, install_requirements

NOTE = "reflow:"
# cell magics whose body is Python: keep the body, comment the magic line
PYTHON_BODY_CELL_MAGICS = {"time", "timeit", "capture", "prun", "debug", "python", "python3", "memit"}
MARKDOWN_CELL_MAGICS = {"markdown", "md"}
DISPLAY_CELL_MAGICS = {"html": "HTML", "javascript": "Javascript", "js": "Javascript", "latex": "Latex", "svg": "SVG"}
SHELL_CELL_MAGICS = {"bash": "bash", "sh": "sh"}
INSTALL_MAGICS = {"pip", "conda", "mamba", "micromamba", "uv"}
_FINDERS = (MagicAssign, SystemAssign, EscapedCommand, HelpEnd)
_TIMEIT_VALUE_OPTIONS = {"-n", "-r", "-p"}


@dataclass
class Converted:
    """A cell after conversion: new source, notes (line, message), found requirements and files."""

    source: str
    kind: CellKind = "code"
    notes: list[tuple[int | None, str]] = field(default_factory=list)
    packages: list[str] = field(default_factory=list)
    parses: bool = True
    written_files: list[str] = field(default_factory=list)
    local_modules: list[str] = field(default_factory=list)  # modules the cell runs from files beside it


def parses(source: str) -> bool:
    """Is this valid Python for the current interpreter (top-level ``await`` allowed)?"""
    try:
        ast.parse(source)
    except (SyntaxError, ValueError):
        return False
    return True


def comment(line: str) -> str:
    """``# line``, or ``## line`` where ``# line`` would read as a ``# %%`` cell marker."""
    if not line:
        return "#"
    text = f"# {line}"
    return f"#{text}" if is_marker(text) else text


def comment_block(text: str) -> str:
    """Every line of ``text`` as a comment (see ``comment``)."""
    return "\n".join(comment(ln) for ln in text.split("\n"))


# --- finding IPython syntax -------------------------------------------------------------------


@dataclass
class Special:
    """One piece of IPython syntax: lines ``start..end`` (0-based, inclusive) of the cell."""

    start: int
    end: int
    col: int  # where the escape starts on the first line (after ``x = `` for an assignment)
    escape: str  # "%", "!", "!!", "?", "%%", ",", ";", "/"
    command: str  # text after the escape, continuation lines joined as IPython does
    target: str = ""  # "x" in ``x = %time f()``


# blank lines, comments (allowed at column 0 inside a block) and the end of a cut window
_NOT_A_STATEMENT = frozenset({tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.ENDMARKER})


def _top_level_start(tokens_by_line: list[list[tokenize.TokenInfo]], row: int) -> int:
    """0-based first line of the top-level statement holding line ``row`` (both relative to the chunk).

    Tokenizing can restart there: no bracket, string or indentation is open at that point.
    """
    best = 0
    for line in tokens_by_line:
        first = next((t for t in line if t.type not in (tokenize.INDENT, tokenize.DEDENT)), None)
        if first is None or first.start[0] - 1 > row:
            break
        if first.start[1] == 0 and first.type not in _NOT_A_STATEMENT:  # a statement at column 0
            best = first.start[0] - 1
    return best


_WINDOW = 16  # lines tokenized at a time (doubled for a longer statement)


_Tokens = list[list[tokenize.TokenInfo]]


def _next_special(work: list[str], offset: int) -> tuple[TokenTransformBase, int, _Tokens] | None:
    """The first special syntax at or after line ``offset`` (a top-level statement start).

    Tokenizes a window of lines at a time, so a long cell costs about one pass: a match
    counts only before the window's last logical line (which the window may cut short).
    """
    window = _WINDOW
    while True:
        stop = min(len(work), offset + window)
        tokens = make_tokens_by_line(work[offset:stop])
        complete = stop == len(work)
        limit = len(work) if complete else _last_logical_start(tokens)
        candidates = [c for c in (finder.find(tokens) for finder in _FINDERS) if c]  # type: ignore[no-untyped-call]  # IPython's find() is unannotated
        if candidates:
            item: TokenTransformBase = min(candidates, key=TokenTransformBase.sortby)
            if complete or item.start_line < limit:
                return item, offset, tokens
        if complete:
            return None
        restart = _top_level_start(tokens, limit)
        if restart > 0:
            offset, window = offset + restart, _WINDOW
        else:  # one statement longer than the window
            window *= 2


def _last_logical_start(tokens_by_line: list[list[tokenize.TokenInfo]]) -> int:
    rows = [line[0].start[0] - 1 for line in tokens_by_line if line]
    return rows[-1] if rows else 0


def find_specials(source: str) -> list[Special]:
    """IPython special syntax in a cell, found with IPython's tokenizer (no cell magics).

    Like IPython, it finds one piece, replaces it with plain Python and looks again
    from the top-level statement that held it.
    """
    work = [ln + "\n" for ln in source.split("\n")]
    found: list[Special] = []
    offset = 0
    for _ in range(len(work) + 1):
        hit = _next_special(work, offset)
        if hit is None:
            break
        item, chunk, tokens = hit
        start, col = item.start_line + chunk, item.start_col
        if isinstance(item, HelpEnd):
            end = item.q_line + chunk
            text = "".join(work[start : end + 1])[col:].strip()
            special = Special(start, end, col, "?", text.rstrip("?"))
        else:
            end = min(find_end_of_continued_line(work, start), len(work) - 1)
            parts = [work[start][col:], *work[start + 1 : end + 1]]
            text = " ".join([p.rstrip()[:-1] for p in parts[:-1]] + [parts[-1].rstrip()])
            escape = text[:2] if text[:2] in ("!!", "??", "%%") else text[:1]
            target = ""
            if isinstance(item, (MagicAssign, SystemAssign)):
                target = work[start][:col].strip().rstrip("=").strip()
            special = Special(start, end, col, escape, text[len(escape) :], target)
        found.append(special)
        keep = work[start][:col] if special.target else work[start][: len(work[start]) - len(work[start].lstrip())]
        work[start] = keep + ("None" if special.target else "pass") + "\n"
        for i in range(start + 1, end + 1):
            work[i] = "\n"
        offset = chunk + _top_level_start(tokens, start - chunk)
    return found


# --- line magics ------------------------------------------------------------------------------


def _split_timeit_options(args: str) -> str:
    """The statement of ``%timeit -n 10 -r 3 stmt`` (options removed)."""
    rest = args.lstrip()
    while rest.startswith("-"):
        word, _, after = rest.partition(" ")
        rest = after.lstrip()
        if word in _TIMEIT_VALUE_OPTIONS:
            _, _, rest = rest.partition(" ")
            rest = rest.lstrip()
    return rest


def _why(special: Special) -> tuple[str, list[str]]:
    """(note for a commented-out special, requirements it installs)."""
    if special.escape in ("!", "!!"):
        installs = install_requirements(special.command)
        if installs is not None:
            return _install_note(installs), installs.requirements
        return "shell command, not run by Reflow; commented out", []
    if special.escape == "?":
        return "IPython help syntax; commented out", []
    if special.escape != "%":
        return f"IPython syntax {special.escape!r}; commented out", []
    name, _, args = special.command.partition(" ")
    args = args.strip()
    if name in INSTALL_MAGICS:
        installs = install_requirements(special.command)
        if installs is not None:
            return _install_note(installs), installs.requirements
    if name == "matplotlib":
        if args in ("", "inline"):
            return "Reflow shows plots inline; not needed", []
        return f"the {args!r} matplotlib backend is not used in Reflow; plots are shown inline", []
    if name == "config":
        if args.startswith("InlineBackend"):
            return "Reflow draws the plots itself; not needed", []
        return "IPython configuration, not used by Reflow; commented out", []
    if name in ("autoreload", "aimport") or (name == "load_ext" and args == "autoreload"):
        return "autoreload dropped: Reflow does not reload modules (restart the kernel after editing one)", []
    if name == "load_ext":
        return f"IPython extension {args!r} is not loaded by Reflow; commented out", []
    return f"IPython magic %{name}, not run by Reflow; commented out", []


def _install_note(installs: Installs) -> str:
    if installs.requirements:
        note = "package install; " + ", ".join(installs.requirements) + " added to the notebook's dependencies"
    else:
        note = "package install; nothing added to the notebook's dependencies"
    return note + ("; " + "; ".join(installs.notes) if installs.notes else "")


def _commented(lines: list[str], special: Special, why: str) -> list[str]:
    out = []
    for i in range(special.start, special.end + 1):
        line = lines[i]
        indent = line[: len(line) - len(line.lstrip())]
        text = indent + comment(line.lstrip())
        out.append(f"{text}  # {NOTE} {why}" if i == special.start else text)
    return out


def _timed(lines: list[str], special: Special) -> list[str] | None:
    """``%time stmt`` → ``stmt`` (same lines, magic removed), or None if it cannot run as is."""
    name, _, _ = special.command.partition(" ")
    if name not in ("time", "timeit") or (special.target and name == "timeit"):
        return None
    first = lines[special.start]
    head, after = first[: special.col], first[special.col + 1 :]  # after the "%"
    after = after[len(name) :]
    stmt = _split_timeit_options(after) if name == "timeit" else after.lstrip()
    if not stmt.strip() or stmt.strip() == "\\":
        return None
    out = [head + stmt, *lines[special.start + 1 : special.end + 1]]
    magic = f"%{name}"
    out[-1] += f"  # {NOTE} was {magic}; runs as plain Python"
    return out


_ENV = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(?:\s*=\s*|\s+)(.*)$")


def _env(lines: list[str], special: Special) -> list[str] | None:
    """``%env NAME=value`` → ``os.environ["NAME"] = "value"`` (one line, like the magic)."""
    name, _, args = special.command.partition(" ")
    m = _ENV.match(args.strip())
    if name != "env" or special.target or special.start != special.end or not m:
        return None
    indent = lines[special.start][: special.col]
    value = m.group(2).strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]  # %env strips one level of quotes
    return [f"{indent}import os as _os; _os.environ[{m.group(1)!r}] = {value!r}  # {NOTE} was %env"]


_RUN_TARGET = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\.py$")


def _run_script(lines: list[str], special: Special) -> tuple[list[str], str] | None:
    """``%run helpers.py`` → ``from helpers import *`` (the names it defines, as the runtime resolves them)."""
    name, _, args = special.command.partition(" ")
    m = _RUN_TARGET.match(args.strip().strip("'\""))
    if name != "run" or special.target or special.start != special.end or not m:
        return None
    indent = lines[special.start][: special.col]
    return [f"{indent}from {m.group(1)} import *  # {NOTE} was %run {args.strip()}"], m.group(1)


def _pylab(lines: list[str], special: Special) -> list[str] | None:
    """``%pylab inline`` → the imports it does (numpy and pyplot as np/plt, and pylab's names)."""
    name, _, args = special.command.partition(" ")
    if name != "pylab" or special.target or special.start != special.end or args.strip() not in ("", "inline"):
        return None
    indent = lines[special.start][: special.col]
    return [
        f"{indent}import numpy as np; import matplotlib.pyplot as plt; from pylab import *"
        f"  # {NOTE} was %pylab; plots are shown inline"
    ]


def _convert_lines(source: str) -> Converted:
    lines = source.split("\n")
    new_lines = list(lines)
    result = Converted(source)
    commented: list[Special] = []
    for special in find_specials(source):
        original = " ".join(ln.strip() for ln in lines[special.start : special.end + 1])
        ran = _run_script(lines, special)
        if ran is not None:
            new_lines[special.start : special.end + 1] = ran[0]
            result.local_modules.append(ran[1])
            result.notes.append(
                (
                    special.start + 1,
                    f"`{original}`: became `from {ran[1]} import *`: the script runs once per kernel, not as __main__",
                )
            )
            continue
        env = _env(lines, special)
        if env is not None:
            new_lines[special.start : special.end + 1] = env
            result.notes.append((special.start + 1, f"`{original}`: %env converted to os.environ"))
            continue
        pylab = _pylab(lines, special)
        if pylab is not None:
            new_lines[special.start : special.end + 1] = pylab
            result.notes.append((special.start + 1, f"`{original}`: became the imports %pylab does"))
            continue
        timed = _timed(lines, special)
        if timed is not None:
            new_lines[special.start : special.end + 1] = timed
            result.notes.append(
                (
                    special.start + 1,
                    f"`{original}`: %{special.command.split()[0]} removed; the statement runs as plain Python",
                )
            )
            continue
        why, requirements = _why(special)
        if special.target:
            why += f"; `{special.target}` is not assigned"
        new_lines[special.start : special.end + 1] = _commented(lines, special, why)
        result.packages.extend(requirements)
        result.notes.append((special.start + 1, f"`{original}`: {why}"))
        commented.append(special)
    candidate = "\n".join(new_lines)
    if not parses(candidate):  # a magic alone in a block leaves it empty: `pass` keeps it valid
        for special in commented:
            line = new_lines[special.start]
            stripped = line.lstrip()
            if line != stripped:
                new_lines[special.start] = f"{line[: len(line) - len(stripped)]}pass  {stripped}"
        candidate = "\n".join(new_lines)
    result.source = candidate
    result.parses = parses(candidate)
    return result


def convert_code(source: str) -> Converted:
    """Turn one Jupyter code cell into valid Python, keeping the user's text."""
    if parses(source):
        return Converted(source)
    lines = source.split("\n")
    first = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    if first is not None and lines[first].lstrip().startswith("%%"):
        return _cell_magic(lines, first)
    try:
        result = _convert_lines(source)
    except (SyntaxError, ValueError, IndexError):  # the tokenizer gave up: keep the text as comments
        result = Converted(source, parses=False)
    if result.parses:
        return result
    return _comment_all(source, result.packages)


def _comment_all(source: str, packages: list[str]) -> Converted:
    """Last resort: the whole cell as comments, so the notebook still runs."""
    try:
        ast.parse(source)
        detail = ""
    except SyntaxError as exc:
        detail = f" (line {exc.lineno}: {exc.msg})"
    body = comment_block(source)
    header = f"# {NOTE} this cell is not valid Python{detail}; kept as comments"
    notes: list[tuple[int | None, str]] = [(None, f"not valid Python{detail}: whole cell kept as comments")]
    return Converted(f"{header}\n{body}", notes=notes, packages=packages, parses=False)


# --- cell magics ------------------------------------------------------------------------------


def _literal(text: str) -> str:
    """A Python string literal for ``text``: a raw triple-quoted one where that is exact and safe."""
    lines = text.split("\n")
    safe = (
        '"""' not in text
        and not text.endswith(('"', "\\"))
        and "\r" not in text
        and not any(is_marker(ln) or ln.startswith("# ///") for ln in lines)
    )
    return f'r"""{text}"""' if safe else repr(text)


def _magic_head(magic_line: str, how: str) -> str:
    return f"{comment(magic_line)}  # {NOTE} {how}"


def _cell_magic(lines: list[str], first: int) -> Converted:
    """``%%name`` cells: Python bodies keep running; others get a working equivalent or become comments."""
    magic_line = lines[first].strip()
    name, _, args = magic_line[2:].partition(" ")
    args = args.strip()
    body_lines = lines[first + 1 :]
    body = "\n".join(body_lines)
    at = first + 1
    if name in MARKDOWN_CELL_MAGICS:
        return Converted(
            body.strip("\n"), kind="markdown", notes=[(at, f"`%%{name}` cell: converted to a markdown cell")]
        )
    if name in PYTHON_BODY_CELL_MAGICS:
        inner = convert_code(body)
        setup = _split_timeit_options(args) if name == "timeit" else ""
        if inner.parses and parses(setup):
            how = f"cell magic %%{name} removed; the body runs as plain Python"
            if name == "capture" and args and not args.startswith("-"):
                how += f" (`{args.split()[0]}` is not assigned)"
            head = [_magic_head(magic_line, how)]
            if setup:  # %%timeit's line is setup code that runs before the body
                head.append(f"{setup}  # {NOTE} setup line of %%timeit")
            notes: list[tuple[int | None, str]] = [(at, f"`{magic_line}`: {how}")]
            notes += [(ln + at if ln else None, msg) for ln, msg in inner.notes]
            return Converted(
                "\n".join(lines[:first] + head + [inner.source]),
                notes=notes,
                packages=inner.packages,
                written_files=inner.written_files,
                local_modules=inner.local_modules,
            )
    converted = _working_cell_magic(name, args, magic_line, body)
    if converted is not None:
        converted.notes.insert(
            0,
            (at, f"`{magic_line}`: {converted.notes.pop(0)[1]}")
            if converted.notes
            else (at, f"`{magic_line}` converted"),
        )
        return converted
    packages: list[str] = []
    if name in ("bash", "sh", "script", "system"):
        for ln in body_lines:
            installs = install_requirements(ln)
            if installs is not None:
                packages.extend(installs.requirements)
    why = f"cell magic %%{name} runs {name if name else 'non-Python'} code, not Python; cell kept as comments"
    return Converted(f"# {NOTE} {why}\n{comment_block(chr(10).join(lines))}", notes=[(at, why)], packages=packages)


def _working_cell_magic(name: str, args: str, magic_line: str, body: str) -> Converted | None:
    """Python that does what the cell magic did, where that is simple and safe; else None."""
    if name in DISPLAY_CELL_MAGICS:
        cls = DISPLAY_CELL_MAGICS[name]
        how = f"cell magic %%{name}; shown with IPython.display.{cls} instead"
        code = f"import IPython.display as _display\n_display.{cls}({_literal(body)})"
        return Converted(f"{_magic_head(magic_line, how)}\n{code}", notes=[(None, how)])
    if name == "writefile":
        return _writefile(args, magic_line, body)
    shell = SHELL_CELL_MAGICS.get(name)
    if name == "script" and args in SHELL_CELL_MAGICS:
        shell, args = args, ""
    if shell is not None and not args:
        return _shell(shell, name, magic_line, body)
    return None


def _writefile(args: str, magic_line: str, body: str) -> Converted | None:
    try:
        words = shlex.split(args)
    except ValueError:
        return None
    append = any(w in ("-a", "--append") for w in words)
    names = [w for w in words if not w.startswith("-")]
    if len(names) != 1 or names[0].startswith("~") or len(words) != len(names) + append:
        return None
    target = names[0]
    mode = "a" if append else "w"
    how = f"cell magic %%writefile; the cell {'appends to' if append else 'writes'} {target} with Python instead"
    code = f'with open({target!r}, {mode!r}, encoding="utf-8") as _file:\n    _file.write({_literal(body + chr(10))})'
    return Converted(f"{_magic_head(magic_line, how)}\n{code}", notes=[(None, how)], written_files=[target])


def _shell(shell: str, name: str, magic_line: str, body: str) -> Converted | None:
    """``%%bash`` → ``subprocess.run``; install lines are commented out (they became dependencies)."""
    packages: list[str] = []
    script: list[str] = []
    notes: list[tuple[int | None, str]] = []
    for i, line in enumerate(body.split("\n"), start=2):
        installs = install_requirements(line.strip())
        if installs is not None:
            packages.extend(installs.requirements)
            script.append(f"# {line}  # {NOTE} package install: in the notebook's dependencies")
            notes.append((i, f"`{line.strip()}`: {_install_note(installs)}"))
        else:
            script.append(line)
    if not any(ln.strip() and not ln.lstrip().startswith("#") for ln in script):
        return None
    how = f"cell magic %%{name}; the script runs with subprocess.run({shell!r}) instead"
    code = (
        f"import subprocess as _subprocess\nimport sys as _sys\n\n"
        f'_run = _subprocess.run([{shell!r}, "-c", {_literal(chr(10).join(script))}], capture_output=True, '
        f'text=True)\nprint(_run.stdout, end="")\nprint(_run.stderr, end="", file=_sys.stderr)\n'
        f"_run.check_returncode()"
    )
    return Converted(f"{_magic_head(magic_line, how)}\n{code}", notes=[(None, how), *notes], packages=packages)
