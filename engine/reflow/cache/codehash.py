"""Hashes of code: cells by their syntax tree, functions by their bytecode.

Why a syntax tree and not the text: a comment or blank line added to an upstream
cell should not throw away an hour of training. Why bytecode for functions: it is
what runs, it exists even without source (``exec``), and leaving out line numbers
and file names means moving a function (or re-running its cell under a new cell
id) keeps its cache.
"""

from __future__ import annotations

import ast
import dis
import hashlib
from functools import lru_cache
from types import CodeType

from reflow.runtime.privates import demangle

_NAME_OPS = frozenset({"LOAD_GLOBAL", "LOAD_NAME"})


@lru_cache(maxsize=4096)
def source_digest(source: str) -> bytes:
    """Digest of a cell's code, insensitive to comments and formatting."""
    try:
        text = ast.dump(ast.parse(source), annotate_fields=False, include_attributes=False)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        text = "raw:" + source
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


def code_digest(code: CodeType) -> bytes:
    """Digest of a code object and its nested code (no line numbers, no file name)."""
    h = hashlib.sha256()
    _feed_code(h, code)
    return h.digest()


def _feed_code(h: hashlib._Hash, code: CodeType) -> None:
    # Cell privates a function keeps are renamed per cell id (reflow.runtime.privates);
    # hash them as written so the digest does not depend on the session's cell ids.
    names = tuple(demangle(n) for n in code.co_names)
    for part in (
        code.co_code,
        repr(names).encode(),
        repr(code.co_varnames).encode(),
        repr(code.co_freevars).encode(),
        repr(code.co_cellvars).encode(),
        repr((code.co_argcount, code.co_posonlyargcount, code.co_kwonlyargcount, code.co_flags)).encode(),
        getattr(code, "co_qualname", code.co_name).encode(),
    ):
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    for const in code.co_consts:
        if isinstance(const, CodeType):
            h.update(b"<code>")
            _feed_code(h, const)
        else:
            text = repr((type(const).__name__, const)).encode("utf-8", "surrogatepass")
            h.update(len(text).to_bytes(8, "little"))
            h.update(text)


@lru_cache(maxsize=4096)
def global_names(code: CodeType) -> frozenset[str]:
    """Global names the code (and nested code) reads: the function's hidden inputs."""
    names: set[str] = set()
    stack = [code]
    while stack:
        current = stack.pop()
        for ins in dis.get_instructions(current):
            if ins.opname in _NAME_OPS and isinstance(ins.argval, str):
                names.add(ins.argval)
        stack.extend(c for c in current.co_consts if isinstance(c, CodeType))
    return frozenset(names)
