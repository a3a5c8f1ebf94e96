"""One session's secrets: read from the keychain before each kernel start, asked for once when missing.

The session calls ``kernel_env`` before it starts or restarts its kernel and passes the result as
the kernel's extra environment: the values, plus ``REFLOW_SECRETS`` naming them so the kernel masks
them (``reflow.secret_mask``). A kernel with secrets is never a pre-started pooled one (the pool
serves only kernels without extra variables), and a restart is launched with the environment read
again. A name the keychain lacks is asked for on the pages (``secret_request``); the start waits for
the answer (``secret_answer``): given values go to the keychain, skipped names are not asked again in
this session. Nothing here writes a value to a file or a log. Untrusted notebooks get nothing, and
remote kernels neither (their provisioners do not pass the environment on).
"""

from __future__ import annotations

import asyncio
from typing import Any, Protocol

from reflow.notebook import Notebook
from reflow.notebook.metadata import reflow_config
from reflow.notebook.secret_names import declared_secrets
from reflow.secret_mask import NAMES_VARIABLE, SecretMask
from reflow_desktop.protocol.build import kernel_msg, notice_msg, secret_request_msg
from reflow_desktop.remote.place import Local, Place
from reflow_desktop.secrets.keychain import KeychainError, keychain_name, read_secrets, store_secret

Message = dict[str, Any]


class TrustView(Protocol):
    @property
    def may_start(self) -> bool: ...


class SecretsDoor(Protocol):
    """What the secrets of a session need of it."""

    @property
    def notebook(self) -> Notebook: ...

    @property
    def trust(self) -> TrustView: ...

    @property
    def place(self) -> Place: ...

    def broadcast(self, msg: Message) -> None: ...


def untrusted_text(names: list[str]) -> str:
    return (
        f"This notebook asks for the secrets {', '.join(names)} from your keychain. Untrusted notebooks never "
        "get them: choose “Trust and run” if you trust it."
    )


class SessionSecrets:
    """Reads, asks for and remembers (in memory) the secrets of one session's kernel."""

    def __init__(self, door: SecretsDoor) -> None:
        self._door = door
        self.mask = SecretMask()  # the values the running kernel has (what it masks itself)
        self._asking: list[str] = []
        self._answer: asyncio.Future[dict[str, str]] | None = None
        self._keychain = ""
        self._skipped: set[str] = set()  # left out of an answer: not asked again in this session
        self._memory: dict[str, str] = {}  # given while the keychain could not store them: this session only
        self.ask_missing = True  # False where no page can answer (``reflow export --run``): missing ones are left out

    def declared(self) -> list[str]:
        return declared_secrets(reflow_config(self._door.notebook))

    async def kernel_env(self) -> dict[str, str]:
        """The variables for the next kernel start: the secrets' values and ``REFLOW_SECRETS`` (may be empty)."""
        self.mask = SecretMask()
        names = self.declared()
        if not names or not self._door.trust.may_start:
            return {}
        if not isinstance(self._door.place, Local):
            self._door.broadcast(
                notice_msg(
                    "warning",
                    f"The secrets {', '.join(names)} are given only to kernels on this computer; "
                    f"the kernel {self._door.place.label()} starts without them.",
                )
            )
            return {}
        values = {n: self._memory[n] for n in names if n in self._memory}
        try:
            values.update(await asyncio.to_thread(read_secrets, [n for n in names if n not in values]))
        except KeychainError as exc:
            self._door.broadcast(notice_msg("warning", f"{exc}. The kernel starts without the secrets it lacks."))
        missing = [n for n in names if n not in values and n not in self._skipped]
        if missing and self.ask_missing:
            values.update(await self._ask(missing))
        self.mask = SecretMask(values.values())
        return {**values, NAMES_VARIABLE: ",".join(values)} if values else {}

    async def _ask(self, names: list[str]) -> dict[str, str]:
        if self._answer is not None:  # a restart clicked while a start waits: one question at a time
            raise ValueError("the kernel's start waits for secrets: answer the dialog first")
        self._keychain = await asyncio.to_thread(keychain_name)
        self._asking = names
        self._answer = asyncio.get_running_loop().create_future()
        self._door.broadcast(kernel_msg("starting", f"waiting for the secrets {', '.join(names)}"))  # the status line
        self._door.broadcast(secret_request_msg(names, self._keychain))
        try:
            return await self._answer
        finally:
            self._asking, self._answer = [], None
            self._door.broadcast(secret_request_msg([], self._keychain))

    def pending(self) -> list[Message]:
        """For a page that connects: the open request, or why an untrusted notebook gets no secrets."""
        if self._asking:
            return [secret_request_msg(list(self._asking), self._keychain)]
        names = self.declared()
        if names and not self._door.trust.may_start:
            return [notice_msg("info", untrusted_text(names))]
        return []

    async def answer(self, values: dict[str, str]) -> None:
        """A page's ``secret_answer``: store the given values, let the waiting start go on."""
        answer = self._answer
        if answer is None or answer.done():
            raise ValueError("no secret is being asked for")
        unknown = sorted(set(values) - set(self._asking))
        if unknown:
            raise ValueError(f"not asked for: {', '.join(unknown)}")
        if any("\0" in v for v in values.values()):
            raise ValueError("a secret cannot contain a NUL character (an environment variable cannot hold one)")
        for name, value in values.items():
            try:
                await asyncio.to_thread(store_secret, name, value)
            except KeychainError as exc:
                self._memory[name] = value
                self._door.broadcast(notice_msg("warning", f"{exc}. {name} is kept in memory for this session only."))
        self._skipped.update(n for n in self._asking if n not in values)
        if not answer.done():  # another page may have answered while the keychain was written
            answer.set_result(dict(values))

    def close(self) -> None:
        """The session closes: a start still waiting for an answer is cancelled."""
        if self._answer is not None and not self._answer.done():
            self._answer.cancel()
