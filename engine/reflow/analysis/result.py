"""Result types of the analysis (the `reflow.analysis` contract in ARCHITECTURE.md).

Kept in their own module so the graph and runtime can import the types without
pulling in the visitor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ErrorKind = Literal["syntax", "star-import"]

_EMPTY: frozenset[str] = frozenset()


@dataclass(frozen=True)
class AnalysisError:
    """Why a cell could not be analysed; the runtime shows it instead of running the cell."""

    kind: ErrorKind
    message: str
    lineno: int | None
    col: int | None


@dataclass(frozen=True)
class CellAnalysis:
    """What one cell defines and reads, as seen by the dataflow graph.

    When `error` is set every name set is empty: a cell that cannot be analysed
    takes no part in the graph.
    """

    defs: frozenset[str] = _EMPTY
    refs: frozenset[str] = _EMPTY
    privates: frozenset[str] = _EMPTY
    deleted: frozenset[str] = _EMPTY
    imports: frozenset[str] = _EMPTY
    error: AnalysisError | None = None
    # Extension to the contract: builtin names (print, len, input, filter...) the
    # cell reads without binding them first. Not refs, so a builtin never forms an
    # edge by itself, but the graph may connect them to a cell that *shadows* the
    # builtin (`filter = ui.dropdown(...)` in another cell).
    builtin_refs: frozenset[str] = field(default=_EMPTY)
    # Redefinition semantics (see reflow.analysis.mutations): global names the cell
    # mutates in place (`x[k] = v`, `x.a = v`, `del x[k]`, `x.a += v`) without having
    # bound them earlier in the cell -- always a subset of `refs`. Such a cell joins
    # the name's chain like a definer.
    mutations: frozenset[str] = field(default=_EMPTY)
    # Names the cell calls a possibly mutating method on (`lst.append`, `inplace=True`):
    # a hint for the UI, never a graph edge. Subset of `refs`, disjoint from `mutations`.
    method_mutation_hints: frozenset[str] = field(default=_EMPTY)
    # Modules the cell imports with `from m import *` (relative dots kept). Their
    # names are unknown until the cell runs; the runtime then re-analyses the cell
    # with the names it learned (`analyze_cell(source, star_names=...)`) and puts
    # that analysis in the graph.
    star_imports: frozenset[str] = field(default=_EMPTY)
    # Refs read only inside function and lambda bodies (never at top level, in a default,
    # a decorator or a class body): Python looks them up when the function is called, so
    # the graph binds them at the callers (see reflow.graph.graph, "Deferred reads").
    # The refs among them, plus names the cell binds itself (a function of the cell may
    # be called before the cell's own binding: `def f(): return a` then `a = f()`).
    deferred_refs: frozenset[str] = field(default=_EMPTY)
    # Every name read inside function and lambda bodies, also those the cell reads at top
    # level too: a caller of the function reads them at its own position when it calls it
    # (`def f(): return a` and `print(a)` in one cell, `a = f()` below a newer `a`).
    body_refs: frozenset[str] = field(default=_EMPTY)
    # Defs the cell binds only on some paths (`if c: x = 1`, a loop body, `global x` in a
    # function): where it does not, the previous binding stays, so the graph makes the
    # cell read the previous version of a redefined name (reflow.analysis.conditional).
    # Subset of `defs`.
    maybe_defs: frozenset[str] = field(default=_EMPTY)
