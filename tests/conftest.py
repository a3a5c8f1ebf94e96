"""Helpers shared by every test folder.

``_tests_are_the_user``: tests write their notebooks themselves (``write_text``) and then open them,
as a user opens a notebook they just wrote. So every test runs with its own user data dir (trust
store, signing key, recent files: never the real user's) and with the temp dirs declared *trusted
folders* (``REFLOW_TRUSTED_DIRS``, the product's own setting for "notebooks here are mine").
Tests of trust itself take the ``untrusted_user`` fixture: no trusted folder, an empty store.

``unprivileged``: run a piece of code as a user that file permissions apply to. Root ignores
directory permissions, and CI runs as root, so a "read-only directory" test that only chmods
would prove nothing there (or skip). As root, the code runs in a forked child that has dropped
to ``nobody``; as anyone else, it simply runs.
"""

from __future__ import annotations

import os
import pickle
import shutil
import signal
import tempfile
import threading
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest


@dataclass
class Unprivileged:
    """``tmp``: a directory the unprivileged user owns; ``run(fn, ...)``: call ``fn`` as that user."""

    tmp: Path
    uid: int
    gid: int

    def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        """``fn(*args)``'s result, or its exception raised here; ``fn`` must need no new imports."""
        if os.geteuid() != 0:
            return fn(*args)
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # child: drop privileges for good, run, send back the outcome, leave at once
            try:
                os.close(read_end)
                os.setgroups([])
                os.setgid(self.gid)
                os.setuid(self.uid)
                try:
                    outcome: tuple[str, Any] = ("value", fn(*args))
                except BaseException as exc:
                    outcome = ("error", exc)
                try:
                    data = pickle.dumps(outcome)
                except Exception:
                    data = pickle.dumps(("error", RuntimeError(repr(outcome[1]))))
                with os.fdopen(write_end, "wb") as pipe:
                    pipe.write(data)
            finally:
                os._exit(0)
        os.close(write_end)
        with os.fdopen(read_end, "rb") as pipe:
            data = pipe.read()
        os.waitpid(pid, 0)
        kind, payload = pickle.loads(data)
        if kind == "error":
            raise payload
        return payload


@pytest.fixture
def unprivileged() -> Iterator[Unprivileged]:
    if os.name != "posix":
        pytest.skip("POSIX permissions only")
    tmp = Path(tempfile.mkdtemp(prefix="reflow-unpriv-"))
    uid, gid = os.geteuid(), os.getegid()
    if uid == 0:
        import pwd

        nobody = pwd.getpwnam("nobody")
        uid, gid = nobody.pw_uid, nobody.pw_gid
        tmp.chmod(0o755)  # mkdtemp makes it 0700: the user must be able to reach it
        os.chown(tmp, uid, gid)
    try:
        yield Unprivileged(tmp, uid, gid)
    finally:
        for root, dirs, _files in os.walk(tmp):
            for d in dirs:
                os.chmod(os.path.join(root, d), 0o755)
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def _tests_are_the_user(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    names = ("REFLOW_DATA_DIR", "REFLOW_TRUSTED_DIRS", "REFLOW_KERNEL_LINGER_S", "REFLOW_SPARE_LINGER_S")
    saved = {name: os.environ.get(name) for name in names}
    base = tmp_path_factory.getbasetemp()
    # A kernel whose app was killed mid-run lingers for a reattach (an hour for users); a test that
    # kills an app must not leave one behind for the rest of the suite.
    os.environ.setdefault("REFLOW_KERNEL_LINGER_S", "120")
    # `reflow edit` leaves a spare kernel for the next launch (session/spare_kernel.py), outliving it by
    # ten minutes for users; tests that launch it leave none (the spare tests ask for theirs).
    os.environ.setdefault("REFLOW_SPARE_LINGER_S", "0")
    os.environ["REFLOW_DATA_DIR"] = str(base / "reflow-user-data")
    os.environ["REFLOW_TRUSTED_DIRS"] = os.pathsep.join(str(Path(p).resolve()) for p in (base, tempfile.gettempdir()))
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture
def untrusted_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user who trusts no folder and has signed nothing yet; their data dir (returned) is fresh."""
    data = tmp_path / "user-data"
    monkeypatch.delenv("REFLOW_TRUSTED_DIRS", raising=False)
    monkeypatch.setenv("REFLOW_DATA_DIR", str(data))
    return data


@pytest.fixture(autouse=True)
def _sigint_handler_restored(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test leaves the process's SIGINT handler as it found it.

    The engine's interrupt tests run cells in this very process and need Python's own handler (a
    kernel, jupyter_client or Qt may install another). A test that changed it is named in a warning,
    and the handler is put back so the tests after it do not depend on what ran before.
    """
    before = signal.getsignal(signal.SIGINT)
    yield
    after = signal.getsignal(signal.SIGINT)
    if after is not before and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, before)
        warnings.warn(f"{request.node.nodeid} left the SIGINT handler changed ({after!r}); restored", stacklevel=1)
