"""Keep the machine awake while cells run: the OS's own inhibitor, held and released by the shell.

- Linux: ``org.freedesktop.ScreenSaver.Inhibit`` / ``UnInhibit`` on the session bus (GNOME, KDE,
  Xfce...: idle blanking and idle suspend wait); without that service, ``systemd-inhibit`` (logind)
  running ``cat`` on a pipe of ours.
- Windows: ``SetThreadExecutionState(ES_CONTINUOUS | ES_SYSTEM_REQUIRED)`` (the state belongs to the
  calling thread: hold and release on the same one, the GUI thread).
- macOS: an IOKit power assertion (``IOPMAssertionCreateWithName``, PreventUserIdleSystemSleep).

Crash paths: each of these ends with the process -- the bus drops a dead connection's inhibit
cookies, ``cat`` reads end-of-file when our end of its pipe closes (systemd-inhibit then exits),
Windows forgets a dead thread's execution state, and macOS releases a dead process's assertions.
``keep_awake_kind`` is the choice (pure); ``make_keep_awake`` builds it.
"""

from __future__ import annotations

import ctypes
import logging
import shutil
import subprocess
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    from reflow_desktop.desktop_os.session_bus import SessionBus

log = logging.getLogger(__name__)

KeepAwakeKind = Literal["screensaver", "systemd-inhibit", "windows", "macos", "none"]
SCREENSAVER = "org.freedesktop.ScreenSaver"
SCREENSAVER_PATH = "/org/freedesktop/ScreenSaver"
APP_NAME = "Reflow"


class KeepAwake(Protocol):
    """``hold`` keeps the machine awake until ``release`` (both idempotent; GUI thread)."""

    kind: KeepAwakeKind

    @property
    def held(self) -> bool: ...

    def hold(self, reason: str) -> None: ...

    def release(self) -> None: ...


def keep_awake_kind(platform: str, *, screensaver_service: bool, systemd_inhibit: bool) -> KeepAwakeKind:
    """Which inhibitor fits the platform and what it offers."""
    if platform == "win32":
        return "windows"
    if platform == "darwin":
        return "macos"
    if screensaver_service:
        return "screensaver"
    if systemd_inhibit:
        return "systemd-inhibit"
    return "none"


class ScreenSaverInhibit:
    """org.freedesktop.ScreenSaver: Inhibit gives a cookie, UnInhibit hands it back."""

    kind: KeepAwakeKind = "screensaver"

    def __init__(self, bus: SessionBus) -> None:
        from jeepney import DBusAddress

        self._bus = bus
        self._address = DBusAddress(SCREENSAVER_PATH, SCREENSAVER, SCREENSAVER)
        self._cookie: int | None = None

    @property
    def held(self) -> bool:
        return self._cookie is not None

    def hold(self, reason: str) -> None:
        if self._cookie is not None:
            return
        try:
            (cookie,) = self._bus.call(self._address, "Inhibit", "ss", (APP_NAME, reason))
        except Exception as exc:
            log.warning("keep-awake: Inhibit failed: %s", exc)
            return
        self._cookie = int(cookie)

    def release(self) -> None:
        cookie, self._cookie = self._cookie, None
        if cookie is None:
            return
        try:
            self._bus.call(self._address, "UnInhibit", "u", (cookie,))
        except Exception as exc:  # the service went away: its inhibit went with it
            log.warning("keep-awake: UnInhibit failed: %s", exc)


class SystemdInhibit:
    """``systemd-inhibit --what=idle:sleep ... cat``: held while ``cat`` waits on our pipe."""

    kind: KeepAwakeKind = "systemd-inhibit"

    def __init__(self, executable: str = "systemd-inhibit") -> None:
        self._executable = executable
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def held(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def command(self, reason: str) -> list[str]:
        return [
            self._executable,
            "--what=idle:sleep",
            f"--who={APP_NAME}",
            f"--why={reason}",
            "--mode=block",
            "cat",
        ]

    def hold(self, reason: str) -> None:
        if self.held:
            return
        try:
            self._proc = subprocess.Popen(
                self.command(reason), stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
        except OSError as exc:
            log.warning("keep-awake: systemd-inhibit failed: %s", exc)

    def release(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.stdin is not None:
            proc.stdin.close()  # cat ends, systemd-inhibit drops the lock
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


ES_CONTINUOUS = 0x80000000
ES_SYSTEM_REQUIRED = 0x00000001


class WindowsExecutionState:
    """SetThreadExecutionState: the system stays on while this thread says so."""

    kind: KeepAwakeKind = "windows"

    def __init__(self) -> None:
        windll: Any = getattr(ctypes, "windll")  # noqa: B009  # Windows only; absent elsewhere
        self._set = windll.kernel32.SetThreadExecutionState
        self._set.restype = ctypes.c_uint32
        self._set.argtypes = [ctypes.c_uint32]
        self._held = False

    @property
    def held(self) -> bool:
        return self._held

    def hold(self, reason: str) -> None:
        if not self._held and self._set(ES_CONTINUOUS | ES_SYSTEM_REQUIRED) != 0:
            self._held = True

    def release(self) -> None:
        if self._held:
            self._set(ES_CONTINUOUS)
            self._held = False


class MacPowerAssertion:
    """IOPMAssertionCreateWithName(PreventUserIdleSystemSleep); IOPMAssertionRelease ends it."""

    kind: KeepAwakeKind = "macos"
    LEVEL_ON = 255  # kIOPMAssertionLevelOn
    UTF8 = 0x08000100  # kCFStringEncodingUTF8

    def __init__(self) -> None:
        from ctypes import util

        iokit = ctypes.cdll.LoadLibrary(util.find_library("IOKit") or "IOKit")
        self._cf = ctypes.cdll.LoadLibrary(util.find_library("CoreFoundation") or "CoreFoundation")
        self._cf.CFStringCreateWithCString.restype = ctypes.c_void_p
        self._cf.CFStringCreateWithCString.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_uint32]
        self._cf.CFRelease.argtypes = [ctypes.c_void_p]
        self._create = iokit.IOPMAssertionCreateWithName
        self._create.restype = ctypes.c_int32
        self._create.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_void_p, ctypes.POINTER(ctypes.c_uint32)]
        self._release = iokit.IOPMAssertionRelease
        self._release.restype = ctypes.c_int32
        self._release.argtypes = [ctypes.c_uint32]
        self._id: int | None = None

    @property
    def held(self) -> bool:
        return self._id is not None

    def _cfstr(self, text: str) -> int:
        return int(self._cf.CFStringCreateWithCString(None, text.encode(), self.UTF8))

    def hold(self, reason: str) -> None:
        if self._id is not None:
            return
        kind, name = self._cfstr("PreventUserIdleSystemSleep"), self._cfstr(f"{APP_NAME}: {reason}")
        assertion = ctypes.c_uint32(0)
        try:
            if self._create(kind, self.LEVEL_ON, name, ctypes.byref(assertion)) == 0:  # kIOReturnSuccess
                self._id = assertion.value
        finally:
            self._cf.CFRelease(kind)
            self._cf.CFRelease(name)

    def release(self) -> None:
        assertion, self._id = self._id, None
        if assertion is not None:
            self._release(assertion)


class NoKeepAwake:
    """Nothing to ask (no service, no logind): runs go on, the machine may sleep."""

    kind: KeepAwakeKind = "none"
    held = False

    def hold(self, reason: str) -> None:
        log.info("keep-awake: no inhibitor on this system")

    def release(self) -> None:
        pass


def make_keep_awake(platform: str, bus: SessionBus | None) -> KeepAwake:
    """The platform's keep-awake (a failure to set one up gives none, logged)."""
    kind = keep_awake_kind(
        platform,
        screensaver_service=bus is not None and bus.has_owner(SCREENSAVER),
        systemd_inhibit=shutil.which("systemd-inhibit") is not None,
    )
    try:
        if kind == "screensaver" and bus is not None:
            return ScreenSaverInhibit(bus)
        if kind == "systemd-inhibit":
            return SystemdInhibit()
        if kind == "windows":
            return WindowsExecutionState()
        if kind == "macos":
            return MacPowerAssertion()
    except (OSError, AttributeError) as exc:
        log.warning("keep-awake unavailable (%s): %s", kind, exc)
    return NoKeepAwake()
