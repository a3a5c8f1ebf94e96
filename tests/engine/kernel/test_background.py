"""The kernel's exit policy without its app, run in a child process (its exit is ``os._exit``)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

# A child that plays the kernel: its "app" is a sleeper it kills in the middle of a dispatch.
SCRIPT = textwrap.dedent(
    """
    import os, subprocess, sys, threading, time
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    app = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"], **quiet)
    os.environ["REFLOW_APP_PID"] = str(app.pid)
    os.environ["REFLOW_KERNEL_LINGER_S"] = "3600"
    from reflow.kernel.background import Background

    class Kernel:
        control_handlers = {}

    bg = Background(Kernel())
    with bg.busy_spell():
        if sys.argv[1] == "work_over":
            bg.work_over()  # the operation's last message is leaving: the rest is ipykernel's bookkeeping
        app.kill()
        app.wait()
        while not bg.app_gone:  # the watch saw the app die, with the dispatch still going
            time.sleep(0.01)
    with open(sys.argv[2], "w") as out:  # stdout went to the null device with the app
        out.write(f"busy {bg.busy} attached {bg.attached} linger {bg.linger_s}")
    sys.exit(3)
    """
)


def run(mode: str, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", SCRIPT, mode, str(out)], capture_output=True, text=True, timeout=60)


def test_an_app_killed_in_a_dispatchs_tail_takes_the_kernel_with_it(tmp_path: Path) -> None:
    done = run("work_over", tmp_path / "out")
    assert done.returncode == 0, done.stderr  # the watch ended it (os._exit(0)) while in the tail
    assert not (tmp_path / "out").exists()


def test_an_app_killed_while_an_operation_works_leaves_the_kernel_running(tmp_path: Path) -> None:
    done = run("working", tmp_path / "out")
    assert done.returncode == 3, done.stderr  # it outlived the app and its dispatch
    assert (tmp_path / "out").read_text() == "busy 0 attached False linger 3600.0"  # waiting for an app to reattach
