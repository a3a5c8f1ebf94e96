"""Keep-awake: which inhibitor each platform gets, and the freedesktop ScreenSaver one on a real D-Bus service."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from os_bus import NOTIFICATIONS, SCREENSAVER, private_bus  # type: ignore[import-not-found]  # tests/ is on pytest's path

from reflow_desktop.desktop_os.keep_awake import (
    NoKeepAwake,
    ScreenSaverInhibit,
    SystemdInhibit,
    keep_awake_kind,
    make_keep_awake,
)

needs_bus = pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="the freedesktop services: Linux and BSDs")


@pytest.mark.parametrize(
    ("platform", "screensaver", "systemd", "kind"),
    [
        ("linux", True, True, "screensaver"),  # the desktop's own service first
        ("linux", False, True, "systemd-inhibit"),  # a bare window manager: logind
        ("linux", False, False, "none"),
        ("freebsd14", True, False, "screensaver"),
        ("win32", False, False, "windows"),  # SetThreadExecutionState
        ("win32", True, True, "windows"),
        ("darwin", False, False, "macos"),  # IOPMAssertionCreateWithName
        ("darwin", True, True, "macos"),
    ],
)
def test_keep_awake_kind_per_platform(platform: str, screensaver: bool, systemd: bool, kind: str) -> None:
    assert keep_awake_kind(platform, screensaver_service=screensaver, systemd_inhibit=systemd) == kind


@needs_bus
def test_screensaver_inhibit_is_held_once_and_handed_back(tmp_path: Path) -> None:
    from reflow_desktop.desktop_os.session_bus import SessionBus

    with private_bus(tmp_path / "bus") as listener:
        bus = SessionBus(listener.address)
        try:
            awake = make_keep_awake("linux", bus)
            assert isinstance(awake, ScreenSaverInhibit)
            awake.hold("Running notebook cells")
            awake.hold("Running notebook cells")  # held already: no second cookie
            assert awake.held
            (inhibit,) = listener.wait_calls("Inhibit")
            assert inhibit["args"] == ["Reflow", "Running notebook cells"]
            awake.release()
            assert not awake.held
            (uninhibit,) = listener.wait_calls("UnInhibit")
            assert uninhibit["args"] == [inhibit["cookie"]]  # the cookie Inhibit gave
            awake.release()  # released already: nothing more is sent
            awake.hold("again")
            listener.wait_calls("Inhibit", 2)
            awake.release()
            assert len(listener.wait_calls("UnInhibit", 2)) == 2
            assert len(listener.calls("Inhibit")) == 2
        finally:
            bus.close()


@needs_bus
def test_without_the_screensaver_service_linux_falls_back(tmp_path: Path) -> None:
    from reflow_desktop.desktop_os.session_bus import SessionBus

    with private_bus(tmp_path / "bus", owns=(NOTIFICATIONS,)) as listener:  # no org.freedesktop.ScreenSaver
        bus = SessionBus(listener.address)
        try:
            assert not bus.has_owner(SCREENSAVER)
            awake = make_keep_awake("linux", bus)
            expected = SystemdInhibit if shutil.which("systemd-inhibit") else NoKeepAwake
            assert isinstance(awake, expected)
        finally:
            bus.close()


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX shell script stands in for systemd-inhibit")
def test_systemd_inhibit_is_held_while_its_child_waits_on_our_pipe(tmp_path: Path) -> None:
    """The fallback's lifetime is a pipe: closing our end (release, or our death) ends the inhibitor.

    The inhibitor here is a stand-in executable with systemd-inhibit's command line that runs the command it
    is given (logind is not reachable in a test container); what is checked is Reflow's side: the command,
    that it is held while running, and that release ends it.
    """
    fake = tmp_path / "systemd-inhibit"
    fake.write_text('#!/bin/sh\nfor a; do case "$a" in --*) ;; *) exec "$a" ;; esac; done\n')
    fake.chmod(0o755)
    awake = SystemdInhibit(str(fake))
    assert awake.command("Running notebook cells") == [
        str(fake),
        "--what=idle:sleep",
        "--who=Reflow",
        "--why=Running notebook cells",
        "--mode=block",
        "cat",
    ]
    awake.hold("Running notebook cells")
    assert awake.held
    proc = awake._proc
    assert proc is not None
    awake.release()
    assert not awake.held and proc.returncode == 0  # cat saw end-of-file and ended
