"""The GUI-thread guard: Qt-touching methods called from another thread are caught before Qt aborts."""

from __future__ import annotations

import concurrent.futures
import threading

import pytest

from reflow_desktop.shell import threads


@threads.gui_only
def _touch_qt(value: int) -> int:
    return value + 1


def _on_worker(fn: object) -> object:
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(fn).result(10)  # type: ignore[arg-type]


def test_gui_only_runs_on_the_main_thread_without_a_report() -> None:
    before = threads.thread_violations()
    assert threading.current_thread() is threading.main_thread()
    assert _touch_qt(1) == 2
    assert threads.thread_violations() == before


def test_gui_only_off_the_main_thread_raises_in_strict_mode_and_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(threads.STRICT_ENV, "1")
    before = len(threads.thread_violations())
    with pytest.raises(threads.WrongThreadError, match="_touch_qt called on thread"):
        _on_worker(lambda: _touch_qt(1))
    assert "_touch_qt" in threads.thread_violations()[before]


def test_gui_only_off_the_main_thread_still_runs_but_is_reported_outside_strict_mode(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(threads.STRICT_ENV, raising=False)
    before = len(threads.thread_violations())
    assert _on_worker(lambda: _touch_qt(1)) == 2
    assert len(threads.thread_violations()) == before + 1


def test_qt_cross_thread_warnings_are_recorded() -> None:
    pytest.importorskip("qtpy")
    from qtpy.QtCore import QObject, QThread, QTimer, qInstallMessageHandler

    previous = qInstallMessageHandler(None)  # (pytest-qt's, if any) put back afterwards
    qInstallMessageHandler(previous)
    threads.install_qt_thread_trap()
    try:
        before = len(threads.thread_violations())
        # A real misuse: a child made here for an object that belongs to another thread.
        worker = QThread()
        owner = QObject()
        owner.moveToThread(worker)
        QTimer(owner)  # Qt: "Cannot create children for a parent that is in a different thread"
        recorded = threads.thread_violations()[before:]
        assert any("different thread" in v for v in recorded), recorded
    finally:
        qInstallMessageHandler(previous)
