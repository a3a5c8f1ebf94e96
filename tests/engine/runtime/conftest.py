"""The runtime's interrupt tests run cells in the test process itself, interrupted by a real SIGINT."""

from __future__ import annotations

import signal
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def python_sigint_handler() -> Iterator[None]:
    """Python's own SIGINT handler (KeyboardInterrupt), as in a kernel running a cell.

    Whatever this process had installed before (ipykernel ignores SIGINT outside cells, Qt and
    jupyter_client install theirs) is put back afterwards.
    """
    before = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)
