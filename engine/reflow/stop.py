"""``reflow.stop(condition, output=None)``: end the running cell quietly.

The runtime treats ``StopCell`` as a stop, not an error: the cell shows ``output``
(if any), its descendants do not run and say an ancestor was stopped.
"""

from __future__ import annotations


class StopCell(Exception):
    """Raised by ``reflow.stop``; the runtime recognises it by ``reflow_stop``."""

    reflow_stop = True

    def __init__(self, output: object = None) -> None:
        super().__init__("stopped with reflow.stop")
        self.output = output


def stop(condition: object, output: object = None) -> None:
    """Stop the cell when ``condition`` is true, showing ``output`` instead of its value."""
    if condition:
        raise StopCell(output)


from reflow._callable import make_module_callable as _make_callable  # noqa: E402

_make_callable(__name__, stop)
