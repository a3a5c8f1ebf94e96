"""IPython for headless runs: results printed as IPython prints them, and a working ``get_ipython()``.

Notebooks are written against IPython: its display formatter decides how a cell's
last value reads (pretty printers, ``_repr_pretty_``, sympy's ``init_printing``,
function signatures), and code calls ``get_ipython()`` (``run_line_magic``,
``@register_cell_magic``). When IPython is importable (every notebook environment
has it, through ipykernel) `reflow script` runs the notebook with an IPython shell
whose ``user_ns`` *is* the notebook's namespace, as the kernel does; otherwise
results fall back to ``repr`` and ``get_ipython`` is missing (the error says why).

Imports the standard library only at module level: it runs inside the notebook's
environment, where Reflow's own dependencies are absent.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol


class _Formatter(Protocol):
    def format(self, obj: object, include: set[str] | None = ...) -> tuple[dict[str, object], dict[str, object]]: ...


@dataclass
class HeadlessDisplay:
    """How a headless run shows values; ``shell`` is the IPython shell when there is one."""

    shell: object | None = None
    _formatter: _Formatter | None = field(default=None, repr=False)

    def text(self, value: object) -> str:
        """``text/plain`` as IPython's ``DisplayFormatter`` gives it, else ``repr``; never raises."""
        if self._formatter is not None:
            try:
                data, _metadata = self._formatter.format(value, include={"text/plain"})
            except Exception:  # a user's broken printer must not stop the run; repr below says what it is
                data = {}
            text = data.get("text/plain")
            if isinstance(text, str):
                return text
        try:
            return repr(value)
        except Exception as exc:
            return f"<unrepresentable {type(value).__name__}: {exc!r}>"

    @contextlib.contextmanager
    def active(self) -> Iterator[None]:
        """While running cells: ``get_ipython`` in builtins too (libraries such as sympy look there)."""
        trap = getattr(self.shell, "builtin_trap", None)
        if trap is None:
            yield
            return
        with trap:
            yield


def headless_display(namespace: dict[str, object], *, use_ipython: bool = True) -> HeadlessDisplay:
    """An IPython shell over ``namespace`` when IPython is importable (and wanted), else plain ``repr``."""
    if not use_ipython:
        return HeadlessDisplay()
    try:
        from IPython.core.interactiveshell import InteractiveShell
        from traitlets.config import Config
    except ImportError:
        return HeadlessDisplay()
    config = Config()
    config.HistoryManager.enabled = False  # a script run leaves no trace in the user's IPython history
    shell = InteractiveShell.instance(config=config, user_ns=namespace)
    return HeadlessDisplay(shell, shell.display_formatter)


GET_IPYTHON_HINT = "get_ipython() needs IPython, which is not installed in this environment"


def explain_missing_ipython(message: str, has_shell: bool) -> str:
    """The error message, with why when a cell called ``get_ipython`` and there is no IPython."""
    if not has_shell and "'get_ipython' is not defined" in message:
        return f"{message} ({GET_IPYTHON_HINT})"
    return message
