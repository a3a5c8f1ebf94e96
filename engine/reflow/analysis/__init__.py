"""Static analysis of one notebook cell: what it defines and what it reads.

`analyze_cell(source) -> CellAnalysis` is the whole interface (see
docs/ARCHITECTURE.md). Python's scoping rules apply; choices where Python leaves
room, or where we differ from marimo on purpose:

* **Builtins** (`print`, `len`, `__file__`...) are never `refs`: no cell needs to
  run first for them to exist. They are reported in `builtin_refs` instead, so
  the graph can still link a reader to a cell that shadows a builtin
  (`filter = ...`). marimo keeps them in refs.
* **Private names**: `_x`, `_` and `__` (not dunders like `__all__`) belong to
  their cell. They are never defs or refs; the ones the cell binds at top level
  are listed in `privates` (the runtime deletes them after the run). No mangling.
* **Order at top level**: a read before the cell binds the name is a ref, so
  `print(x); x = 1` refs and defs `x`. Free names in function and lambda bodies
  are looked up at call time, so they are refs only if the cell binds them
  nowhere at top level.
* **Deferred reads**: `deferred_refs` lists the names read only in function and
  lambda bodies (not defaults, decorators or class bodies), including the cell's own
  names (a function may be called before the cell binds them). The graph binds them
  at the callers instead of the cell, so a function may read a global that only a
  later cell defines, as in Python.
* **`x += 1`** reads x, so x is a ref (unless bound earlier in the cell) *and* a
  def. Augmenting another cell's variable is thus reported (multiple definition),
  and a lone `x += 1` says where its input must come from. marimo: def only.
* **`x: int`** without a value binds nothing, so x is not a def (reading it
  still fails); the annotation is evaluated and its names are refs. marimo
  makes x a def. String annotations contain no names and add no refs.
  Annotations of function locals are counted as refs too (like marimo), even
  though Python does not evaluate them.
* **`del x`** at top level of a name the cell has not bound: x is a ref and is
  in `deleted` (`deleted` is always a subset of `refs`). Deleting a name the
  cell bound earlier is internal to the cell and leaves it a def.
* **`except E as e`** binds e only inside the handler: not a def.
* **`global g`** in a function: assigning g makes it a def, reading it a ref.
  `global` at top level is a no-op; `nonlocal` never reaches the cell.
* **`match`**: capture names at top level are defs (every case, whichever runs);
  class patterns and value patterns are refs.
* **Comprehensions** have their own scope (loop variables do not leak); a walrus
  inside one binds in the enclosing non-comprehension scope. Class bodies are not
  visible to their methods or to comprehensions in them (Python's rule; marimo
  lets methods see class attributes).
* **imports** lists the root of every absolute import anywhere in the cell
  (`import a.b` -> "a", `from x.y import z` -> "x"), for install hints;
  `import a.b` *defines* `a`.
* **`from m import *`** is listed in `star_imports`; the names it binds are
  unknown until the cell runs, when the runtime learns them (`m.__all__` or its
  public names) and re-analyses the cell with `analyze_cell(code, star_names=...)`.
* **Errors**: text that does not parse (also NUL bytes, absurd nesting) gives
  `error.kind == "syntax"`, and so do errors only the compiler finds (`return`
  outside a function, `break` outside a loop, a bad `nonlocal`...). Columns are
  0-based, lines 1-based. Then every name set is empty. Never raises.
"""

from .analyze import analyze_cell
from .names import BUILTINS, is_private
from .result import AnalysisError, CellAnalysis

__all__ = ["BUILTINS", "AnalysisError", "CellAnalysis", "analyze_cell", "is_private"]
