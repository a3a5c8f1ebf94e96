"""SQL cells: ``# %% [sql] name="df_out"`` holds a DuckDB query whose result is bound to ``df_out``.

An SQL cell is a code cell with the option ``language = "sql"`` (the ``[sql]`` tag on the marker
line); its lines are commented out in the file (``# SELECT ...``), so the notebook stays a valid
Python script and Jupytext reads it as a cell. Options: ``name`` (the global the result is bound
to; without it the result is only shown) and ``output`` (``"pandas"``, the default, or ``"polars"``).

Everything that runs or analyses code sees an SQL cell through its Python equivalent:
``kernel_source`` (run by the kernel: the tables the query reads are named as Python reads, so the
static analysis and the dataflow graph treat the cell like any other) and ``script_source``
(what ``reflow script`` and exports write: plain Python calling duckdb).
"""

from __future__ import annotations

import keyword
from collections.abc import Mapping

from reflow.analysis.sql import sql_references

SQL = "sql"
OUTPUTS = ("pandas", "polars")


class SqlCellError(ValueError):
    """The cell's options cannot make a valid SQL cell (a bad result name or output kind)."""


def is_sql(options: Mapping[str, object]) -> bool:
    """Is a code cell with these options an SQL cell?"""
    return options.get("language") == SQL


def result_name(options: Mapping[str, object]) -> str | None:
    """The global the result is bound to (None: shown only); SqlCellError when it is not a name."""
    name = options.get("name")
    if name is None:
        return None
    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
        raise SqlCellError(f'the SQL cell\'s name={name!r} is not a Python name; write name="df"')
    return name


def output_kind(options: Mapping[str, object]) -> str:
    """``pandas`` (default) or ``polars``; SqlCellError for anything else."""
    output = options.get("output", "pandas")
    if output not in OUTPUTS:
        raise SqlCellError(f"the SQL cell's output={output!r} is not one of {', '.join(OUTPUTS)}")
    return str(output)


def _query_parts(sql: str) -> tuple[str, list[str]]:
    """The query with ``{expr}`` replaced by ``$reflow_N`` parameters, and the expressions in order."""
    refs = sql_references(sql)
    out: list[str] = []
    exprs: list[str] = []
    pos = 0
    for k, interp in enumerate(refs.interpolations):
        out.append(sql[pos : interp.start])
        out.append(f"$reflow_{k}")
        exprs.append(interp.expr)
        pos = interp.end
    out.append(sql[pos:])
    return "".join(out), exprs


def _params(exprs: list[str]) -> str:
    return "{" + ", ".join(f'"reflow_{k}": ({expr})' for k, expr in enumerate(exprs)) + "}"


def kernel_source(sql: str, options: Mapping[str, object]) -> str:
    """Python the kernel runs for an SQL cell (its reads and its def are what the analysis sees)."""
    try:
        name = result_name(options)
        output = output_kind(options)
    except SqlCellError as exc:
        return f"raise ValueError({str(exc)!r})\n"
    query, exprs = _query_parts(sql)
    tables = ", ".join(
        f'"{t}": {t} if "{t}" in globals() else None'  # not a Python global: DuckDB's own table or a file
        for t in sql_references(sql).tables
    )
    call = (
        '__import__("reflow.kernel.sql", fromlist=["run_sql"]).run_sql('
        f"{query!r}, {{{tables}}}, {_params(exprs)}, {output!r})"
    )
    if name is None:
        return call + "\n"
    return f"{name} = {call}\n{name}\n"


def script_source(sql: str, options: Mapping[str, object]) -> str:
    """Plain Python for ``reflow script`` and exports: DuckDB finds the frames by their names."""
    try:
        name = result_name(options)
        output = output_kind(options)
    except SqlCellError as exc:
        return f"raise ValueError({str(exc)!r})\n"
    query, exprs = _query_parts(sql)
    params = f", params={_params(exprs)}" if exprs else ""
    convert = ".pl()" if output == "polars" else ".df()"
    target = f"{name} = " if name else ""
    call = f"duckdb.sql({_py_string(query)}{params}){convert}"
    return f"import duckdb\n\n{target}{call}\n" + (f"{name}\n" if name else "")


def _py_string(text: str) -> str:
    """A readable literal: triple-quoted when that needs no escaping, else repr()."""
    body = text.strip("\n")
    if "'''" in body or "\\" in body or body.endswith("'") or "\r" in body:
        return repr(text)
    return "'''\n" + body + "\n'''"


def runnable_source(source: str, options: Mapping[str, object]) -> str:
    """The Python the runtime and the analysis see for a code cell: SQL cells become their call."""
    return kernel_source(source, options) if is_sql(options) else source


def export_source(source: str, options: Mapping[str, object]) -> str:
    """What exports write for a code cell: SQL cells as Python calling duckdb, other code as it is."""
    return script_source(source, options) if is_sql(options) else source
