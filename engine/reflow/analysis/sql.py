"""What an SQL cell reads: table names after FROM / JOIN and ``{python}`` interpolations.

The analysis runs in the engine (standard library only), so it cannot ask DuckDB's parser.
It uses a small, conservative tokenizer instead:

* ``'...'`` strings, ``--`` and ``/* */`` comments are skipped (``FROM 'data.parquet'`` reads a
  file, not a Python name);
* after ``FROM`` / ``JOIN`` (and after each ``,`` of a ``FROM`` list) a plain identifier, or a
  double-quoted one that is a Python identifier, is a table reference -- unless it is followed
  by ``(`` (a table function such as ``read_csv(...)``) or ``.`` (a qualified catalog name);
* names the query defines itself with ``WITH name AS (...)`` are not references;
* ``{expr}`` where ``expr`` starts like a Python name and parses as a Python expression is an
  interpolation, bound as a query parameter when the cell runs (``{{`` is a literal brace, and
  DuckDB's struct literals ``{'a': 1}`` stay SQL).

Missing a reference only loses a graph edge (the query still runs against the namespace);
a wrong one could make a false edge, which is why unclear cases are left out.
"""

from __future__ import annotations

import ast
import keyword
import re
from dataclasses import dataclass

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")
_CLAUSE_END = frozenset(
    {
        "where", "group", "order", "limit", "having", "qualify", "window", "union", "except", "intersect",
        "on", "using", "select", "offset", "fetch", "returning", "values", "natural", "left", "right", "inner",
        "outer", "full", "cross", "positional", "asof", "anti", "semi", "lateral", "join", "pivot", "unpivot",
        "sample", "tablesample",
    }
)  # fmt: skip
_NOT_ALIAS = _CLAUSE_END | {"as", "from", "with"}


@dataclass(frozen=True)
class Interpolation:
    """A ``{expr}`` in the query: where it is (``start``/``end`` into the text) and its Python source."""

    start: int
    end: int
    expr: str


@dataclass(frozen=True)
class SqlReferences:
    """Tables the query reads by a Python-valid name (in order, no repeats) and its interpolations."""

    tables: tuple[str, ...]
    interpolations: tuple[Interpolation, ...]


@dataclass(frozen=True)
class _Token:
    kind: str  # "word", "qident" (double-quoted identifier), "punct", "interp"
    text: str
    start: int
    end: int


def sql_references(sql: str) -> SqlReferences:
    """Table names and interpolations of one SQL cell (see the module doc for the rules)."""
    tokens = _tokenize(sql)
    ctes = _cte_names(tokens)
    tables: list[str] = []
    depth = 0
    from_list: list[bool] = [False]  # per parenthesis depth: inside a FROM list?
    expect = False
    for i, tok in enumerate(tokens):
        low = tok.text.lower() if tok.kind == "word" else ""
        if tok.kind == "punct" and tok.text == "(":
            depth += 1
            from_list.append(False)
            expect = False
            continue
        if tok.kind == "punct" and tok.text == ")":
            depth = max(depth - 1, 0)
            if len(from_list) > 1:
                from_list.pop()
            expect = False
            continue
        if low in ("from", "join"):
            from_list[-1] = low == "from" or from_list[-1]
            expect = True
            continue
        if low in _CLAUSE_END:
            from_list[-1] = False
            expect = False
            continue
        if tok.kind == "punct" and tok.text == "," and from_list[-1]:
            expect = True
            continue
        if tok.kind == "punct" and tok.text == ";":
            from_list[-1] = False
            expect = False
            continue
        if expect and tok.kind in ("word", "qident"):
            expect = False
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            if nxt is not None and nxt.kind == "punct" and nxt.text in ("(", "."):
                continue  # table function or qualified name
            name = tok.text
            if _python_name(name) and name.lower() not in ctes and name not in tables:
                tables.append(name)
            continue
        expect = False
    interps = tuple(Interpolation(t.start, t.end, t.text) for t in tokens if t.kind == "interp")
    return SqlReferences(tuple(tables), interps)


def _python_name(name: str) -> bool:
    return name.isidentifier() and not keyword.iskeyword(name) and not name.startswith("_")


def _cte_names(tokens: list[_Token]) -> set[str]:
    """Lower-cased names bound by ``name [(cols)] AS [NOT] [MATERIALIZED] (``."""
    names: set[str] = set()
    for i, tok in enumerate(tokens):
        if tok.kind not in ("word", "qident"):
            continue
        j = i + 1
        if j < len(tokens) and tokens[j].text == "(":  # a column list
            depth = 0
            while j < len(tokens):
                depth += {"(": 1, ")": -1}.get(tokens[j].text, 0) if tokens[j].kind == "punct" else 0
                j += 1
                if depth == 0:
                    break
        if j < len(tokens) and tokens[j].text.lower() == "as":
            k = j + 1
            while k < len(tokens) and tokens[k].text.lower() in ("not", "materialized"):
                k += 1
            if k < len(tokens) and tokens[k].kind == "punct" and tokens[k].text == "(":
                names.add(tok.text.lower())
    return names


def _tokenize(sql: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(sql)
    while i < n:
        c = sql[i]
        if c.isspace():
            i += 1
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            i = n if end < 0 else end + 1
        elif sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            i = n if end < 0 else end + 2
        elif c == "'":
            i = _string_end(sql, i, "'")
        elif c == '"':
            end = _string_end(sql, i, '"')
            tokens.append(_Token("qident", sql[i + 1 : end - 1].replace('""', '"'), i, end))
            i = end
        elif c == "{":
            if sql.startswith("{{", i):
                i += 2
                continue
            closing = _interpolation_end(sql, i)
            if closing is None:
                tokens.append(_Token("punct", c, i, i + 1))
                i += 1
            else:
                tokens.append(_Token("interp", sql[i + 1 : closing - 1].strip(), i, closing))
                i = closing
        elif c == "}" and sql.startswith("}}", i):
            i += 2
        else:
            m = _WORD.match(sql, i)
            if m:
                tokens.append(_Token("word", m.group(), i, m.end()))
                i = m.end()
            else:
                tokens.append(_Token("punct", c, i, i + 1))
                i += 1
    return tokens


def _string_end(sql: str, start: int, quote: str) -> int:
    """Index after the closing quote (a doubled quote is an escaped one); the end of text if unclosed."""
    i = start + 1
    while i < len(sql):
        if sql[i] == quote:
            if sql.startswith(quote * 2, i):
                i += 2
                continue
            return i + 1
        i += 1
    return len(sql)


def _interpolation_end(sql: str, start: int) -> int | None:
    """End of ``{expr}`` at ``start`` if it is a Python interpolation, else None (an SQL brace)."""
    if not _WORD.match(sql, start + 1) and not re.match(r"\s+[A-Za-z_]", sql[start + 1 :]):
        return None
    depth = 0
    for i in range(start, len(sql)):
        if sql[i] == "{":
            depth += 1
        elif sql[i] == "}":
            depth -= 1
            if depth == 0:
                expr = sql[start + 1 : i].strip()
                if not expr:
                    return None
                try:
                    ast.parse(expr, mode="eval")
                except (SyntaxError, ValueError, RecursionError, MemoryError):
                    return None
                return i + 1
    return None
