"""Single-instance protocol (no Qt) and the QLocalServer side (pytest-qt)."""

from __future__ import annotations

import os
import socket
import sys
import threading
from pathlib import Path

import pytest

from reflow_desktop.shell import ipc
from reflow_desktop.shell.commands import PAGE_COMMANDS, command_js


def test_server_name_per_data_dir_and_short(tmp_path: Path) -> None:
    a, b = ipc.server_name(tmp_path / "a"), ipc.server_name(tmp_path / "b")
    assert a != b and a == ipc.server_name(tmp_path / "a")
    if sys.platform != "win32":
        assert os.path.isabs(a) and len(a) < 104


def test_encode_makes_paths_absolute_and_decode_checks(tmp_path: Path) -> None:
    data = ipc.encode_open(["nb.py", "sub/x.py"], cwd=str(tmp_path))
    assert data.endswith(b"\n")
    assert ipc.decode_request(data.strip()) == [str(tmp_path / "nb.py"), str(tmp_path / "sub" / "x.py")]
    assert ipc.decode_request(ipc.encode_open([]).strip()) == []
    for bad in (
        b"{}",
        b"[]",
        b'{"cmd":"open","paths":["relative.py"]}',
        b'{"cmd":"rm","paths":[]}',
        b"\xff",
        b"x" * (ipc.MAX_MESSAGE + 1),
    ):
        with pytest.raises(ValueError):
            ipc.decode_request(bad)


@pytest.mark.skipif(sys.platform == "win32", reason="AF_UNIX client")
def test_forward_without_listener_is_false(tmp_path: Path) -> None:
    assert ipc.forward_to_running(str(tmp_path / "none.sock"), ["a.py"], timeout=0.5) is False


@pytest.mark.skipif(sys.platform == "win32", reason="AF_UNIX client")
def test_forward_to_plain_socket_server(tmp_path: Path) -> None:
    name = str(tmp_path / "s.sock")
    srv = socket.socket(socket.AF_UNIX)
    srv.bind(name)
    srv.listen(1)
    got: list[list[str]] = []

    def serve() -> None:
        conn, _ = srv.accept()
        with conn:
            got.append(ipc.decode_request(conn.recv(65536).strip()))
            conn.sendall(ipc.REPLY_OK)

    t = threading.Thread(target=serve)
    t.start()
    assert ipc.forward_to_running(name, ["nb.py"]) is True
    t.join(5)
    srv.close()
    assert got == [[str(Path.cwd() / "nb.py")]]


def test_instance_server_receives_paths(qtbot, tmp_path: Path) -> None:
    from reflow_desktop.shell.instance import InstanceServer, forward_with_qt

    name = ipc.server_name(tmp_path)
    received: list[list[str]] = []
    server = InstanceServer(name, received.append)
    assert server.listen()
    try:
        if sys.platform == "win32":
            assert forward_with_qt(name, [str(tmp_path / "x.py")])
        else:
            box: list[bool] = []
            t = threading.Thread(target=lambda: box.append(ipc.forward_to_running(name, ["x.py"])))
            t.start()
            qtbot.waitUntil(lambda: bool(received), timeout=5000)
            t.join(5)
            assert box == [True]
        assert received[0][0].endswith("x.py")
        # A second server on the same name does not steal it while the first is alive.
        other = InstanceServer(name, received.append)
        assert other.listen() is False
        other.close()
    finally:
        server.close()


def test_instance_server_replaces_stale_socket(qtbot, tmp_path: Path) -> None:
    if sys.platform == "win32":
        pytest.skip("no socket files on Windows")
    from reflow_desktop.shell.instance import InstanceServer

    name = ipc.server_name(tmp_path / "stale")
    s = socket.socket(socket.AF_UNIX)
    s.bind(name)  # bound, never listening: what a crashed app leaves behind
    s.close()
    server = InstanceServer(name, lambda _p: None)
    try:
        assert server.listen()
    finally:
        server.close()


def test_page_commands_js() -> None:
    js = command_js("set_view", view="app")
    assert "reflow:command" in js and '"view": "app"' in js and "cancelable:true" in js
    assert {"save", "set_view", "set_theme", "run_all", "interrupt", "restart"} <= set(PAGE_COMMANDS)
    with pytest.raises(ValueError):
        command_js("rm -rf")
