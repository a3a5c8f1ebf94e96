"""Clearing caches: per notebook, or per cell (the caches its code names).

A cell's persistent caches are the names in its top-level
``with persistent_cache("name")`` blocks and its ``@persistent_cache`` functions
(the given name, else the function's name); its in-memory caches are its
``@cache`` functions. Names that are not literals cannot be known statically and
are left alone.
"""

from __future__ import annotations

import ast
from pathlib import Path

from .memory import clear_memory
from .store import CacheStore


def _callee(node: ast.expr) -> tuple[str | None, ast.Call | None]:
    call = node if isinstance(node, ast.Call) else None
    func = call.func if call is not None else node
    if isinstance(func, ast.Name):
        return func.id, call
    if isinstance(func, ast.Attribute):
        return func.attr, call
    return None, call


def _literal_name(call: ast.Call | None) -> str | None:
    if call is None:
        return None
    for arg in call.args[:1]:
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            return arg.value
    for kw in call.keywords:
        if kw.arg == "name" and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
            return kw.value.value
    return None


def cache_names(code: str) -> tuple[set[str], set[str]]:
    """(persistent cache names, in-memory cached function qualnames) a cell's code creates."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return set(), set()
    persistent: set[str] = set()
    memory: set[str] = set()
    for stmt in tree.body:
        if isinstance(stmt, ast.With):
            for item in stmt.items:
                callee, call = _callee(item.context_expr)
                name = _literal_name(call)
                if callee == "persistent_cache":
                    persistent.add(name or "block")
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for deco in stmt.decorator_list:
                callee, call = _callee(deco)
                if callee == "persistent_cache":
                    persistent.add(_literal_name(call) or stmt.name)
                elif callee == "cache":
                    memory.add(stmt.name)
    return persistent, memory


def clear_for_code(code: str, root: Path, module: str = "__main__") -> int:
    """Clear the caches a cell's code creates; returns disk entries deleted."""
    persistent, memory = cache_names(code)
    if memory:
        clear_memory(module, memory)
    store = CacheStore(root)
    return sum(store.clear(name) for name in sorted(persistent))


def clear_all(root: Path, module: str | None = None) -> int:
    """Clear every cache of a notebook; returns disk entries deleted."""
    clear_memory(module)
    return CacheStore(root).clear()
