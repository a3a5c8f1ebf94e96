"""The Windows and macOS keep-awake on their own systems (the installers' CI matrix runs this file there).

Windows: what the thread's execution state is, read back through the API itself (SetThreadExecutionState
returns the state it replaces). macOS: the assertion as ``pmset -g assertions`` lists it.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from reflow_desktop.desktop_os.keep_awake import make_keep_awake


@pytest.mark.skipif(sys.platform != "win32", reason="SetThreadExecutionState is Windows'")
def test_windows_execution_state_is_set_and_cleared() -> None:
    import ctypes

    from reflow_desktop.desktop_os.keep_awake import ES_CONTINUOUS, ES_SYSTEM_REQUIRED, WindowsExecutionState

    set_state = getattr(ctypes, "windll").kernel32.SetThreadExecutionState  # noqa: B009
    set_state.restype = ctypes.c_uint32
    set_state.argtypes = [ctypes.c_uint32]
    awake = make_keep_awake("win32", None)
    assert isinstance(awake, WindowsExecutionState)
    awake.hold("Running notebook cells")
    assert awake.held
    assert set_state(ES_CONTINUOUS | ES_SYSTEM_REQUIRED) == ES_CONTINUOUS | ES_SYSTEM_REQUIRED  # what hold set
    awake.release()
    assert not awake.held
    assert set_state(ES_CONTINUOUS) == ES_CONTINUOUS  # what release left


@pytest.mark.skipif(sys.platform != "darwin", reason="IOKit power assertions are macOS'")
def test_macos_power_assertion_is_listed_while_held() -> None:
    from reflow_desktop.desktop_os.keep_awake import MacPowerAssertion

    def listed() -> bool:
        out = subprocess.run(["pmset", "-g", "assertions"], capture_output=True, text=True, check=True).stdout
        return "Reflow: Running notebook cells" in out

    awake = make_keep_awake("darwin", None)
    assert isinstance(awake, MacPowerAssertion)
    awake.hold("Running notebook cells")
    try:
        assert awake.held and listed()
    finally:
        awake.release()
    assert not awake.held and not listed()
