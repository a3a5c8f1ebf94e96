"""The real language server (python-lsp-server + ruff) over a notebook's cells: diagnostics land in
the right cell, definitions and references cross cells, a rename gives every cell's new code, an
edit is one incremental change, and a server that writes garbage is dropped without harm."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from reflow.notebook import Cell
from reflow_desktop.lsp.notebook_server import DiagnosticsByCell, LspUnavailable, NotebookLanguageServer

WAIT_S = 120  # readiness wait on a loaded machine, never a performance limit

CELLS = [
    Cell("code", "total = base * 2\nprint(missing_name)", {}, "use"),
    Cell("markdown", "# Notes\nbase is defined below", {}, "md"),
    Cell("code", "SELECT * FROM nowhere_table", {"language": "sql", "name": "q"}, "sql"),
    Cell(
        "code",
        "import os\n\n\ndef scale(value: int, factor: int = 2) -> int:\n    return value * factor\n\n\nbase = scale(3)",
        {},
        "define",
    ),
]


class Diagnostics:
    """Collects every published set; ``next_where`` waits for one that satisfies a condition."""

    def __init__(self) -> None:
        self.latest: DiagnosticsByCell = {}
        self._changed = asyncio.Condition()

    def __call__(self, by_cell: DiagnosticsByCell) -> None:
        self.latest = by_cell
        asyncio.get_running_loop().create_task(self._notify())

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def next_where(self, check: object) -> DiagnosticsByCell:
        async def wait() -> DiagnosticsByCell:
            async with self._changed:
                await self._changed.wait_for(lambda: bool(check(self.latest)))  # type: ignore[operator]
                return self.latest

        return await asyncio.wait_for(wait(), WAIT_S)


def messages(by_cell: DiagnosticsByCell, cell: str) -> list[str]:
    return [d["message"] for d in by_cell.get(cell, [])]


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[tuple[NotebookLanguageServer, Diagnostics]]:
    diags = Diagnostics()
    srv = NotebookLanguageServer(tmp_path / "nb.py", python=lambda: sys.executable, on_diagnostics=diags)
    srv.update(list(CELLS))
    await asyncio.wait_for(srv.start(), WAIT_S)
    yield srv, diags
    await srv.stop()
    assert srv.pid is None


async def test_diagnostics_are_mapped_to_their_cell(server: tuple[NotebookLanguageServer, Diagnostics]) -> None:
    srv, diags = server
    got = await diags.next_where(lambda d: messages(d, "use"))
    # base is defined in a later cell, but the reader comes after it in execution order: no error for it
    assert any("missing_name" in m for m in messages(got, "use"))
    assert not any("base" in m for m in messages(got, "use"))
    problem = next(d for d in got["use"] if "missing_name" in d["message"])
    assert (problem["line"], problem["character"], problem["severity"]) == (1, 6, "error")
    assert "sql" not in got and "md" not in got  # not Python: never sent to the server
    assert srv.doc.index_of("sql") is None and srv.doc.index_of("md") is None


async def test_an_edit_is_checked_again(server: tuple[NotebookLanguageServer, Diagnostics]) -> None:
    srv, diags = server
    await diags.next_where(lambda d: messages(d, "use"))
    edited = [Cell("code", "total = base * 2\nprint(total)\nother = undefined_later", {}, "use"), *CELLS[1:]]
    srv.update(edited)
    got = await diags.next_where(lambda d: any("undefined_later" in m for m in messages(d, "use")))
    assert not any("missing_name" in m for m in messages(got, "use"))
    assert next(d for d in got["use"] if "undefined_later" in d["message"])["line"] == 2


async def test_an_edit_past_a_completion_overlay_replaces_it(
    server: tuple[NotebookLanguageServer, Diagnostics],
) -> None:
    """Typing "radius = 5.0": a completion asked at "radiu" overlays that text; the edit that follows
    (the page's whole new code) must replace it, or the cell keeps an undefined name for good."""
    srv, diags = server
    await diags.next_where(lambda d: messages(d, "use"))
    srv.overlay("use", "total = base * 2\nprint(missing_name)\nhalf_typed_nam")
    await diags.next_where(lambda d: any("half_typed_nam" in m for m in messages(d, "use")))
    final = [Cell("code", "total = base * 2\nprint(total)\nhalf_typed_name = 1", {}, "use"), *CELLS[1:]]
    srv.update(final)
    assert "half_typed_name = 1" in srv.doc.text and "half_typed_nam\n" not in srv.doc.text
    got = await diags.next_where(lambda d: not any("missing_name" in m for m in messages(d, "use")))
    assert not any("half_typed_nam" in m for m in messages(got, "use"))


async def test_an_editor_back_at_the_documents_code_drops_its_overlay(
    server: tuple[NotebookLanguageServer, Diagnostics],
) -> None:
    srv, _ = server
    srv.overlay("use", "total = base * 2\nprint(missing_name)\nsca")
    assert "\nsca\n" in srv.doc.text + "\n"
    srv.overlay("use", CELLS[0].source)  # typed back to what the session has: nothing of "sca" is left
    assert "sca\n" not in srv.doc.text + "\n" and CELLS[0].source in srv.doc.text


async def test_definition_and_references_cross_cells(server: tuple[NotebookLanguageServer, Diagnostics]) -> None:
    srv, _ = server
    found = await srv.definition("use", 0, 9)  # `base` in "total = base * 2"
    assert [(x["id"], x["line"], x["character"]) for x in found] == [("define", 7, 0)]
    refs = await srv.references("define", 7, 0)
    assert {(x["id"], x["line"], x["character"]) for x in refs} == {("define", 7, 0), ("use", 0, 8)}


async def test_hover_signature_and_completion(server: tuple[NotebookLanguageServer, Diagnostics]) -> None:
    srv, _ = server
    assert "scale" in await srv.hover("define", 7, 8)
    srv.overlay("use", "total = base * 2\nprint(missing_name)\nscale(")
    sig = await srv.signature("use", 2, 6)
    assert sig is not None and sig["label"].startswith("scale(") and "factor" in sig["label"]
    srv.overlay("use", "total = base * 2\nprint(missing_name)\nsca")
    items = await srv.completion("use", 2, 3)
    assert "scale" in [i["label"] for i in items]


async def test_rename_gives_every_cells_new_code(server: tuple[NotebookLanguageServer, Diagnostics]) -> None:
    srv, _ = server
    changed = await srv.rename("use", 0, 8, "start")
    assert changed == {
        "use": "total = start * 2\nprint(missing_name)",
        "define": CELLS[3].source.replace("base = ", "start = "),
    }
    with pytest.raises(ValueError, match="not a Python name"):
        await srv.rename("use", 0, 8, "class")


async def test_a_position_outside_python_cells_is_refused(server: tuple[NotebookLanguageServer, Diagnostics]) -> None:
    srv, _ = server
    with pytest.raises(LookupError):
        await srv.hover("sql", 0, 0)
    with pytest.raises(LookupError):
        await srv.definition("use", 40, 0)


GARBAGE_SERVER = """
import sys
sys.stdin.buffer.readline()
sys.stdout.buffer.write(b"Content-Length: 99999999999\\r\\n\\r\\n{}")
sys.stdout.buffer.flush()
sys.stdin.buffer.read()
"""


async def test_a_server_writing_garbage_is_dropped(tmp_path: Path) -> None:
    script = tmp_path / "garbage_server.py"
    script.write_text(GARBAGE_SERVER)
    srv = NotebookLanguageServer(
        tmp_path / "nb.py", python=lambda: None, on_diagnostics=lambda _d: None, command=[sys.executable, str(script)]
    )
    srv.update(list(CELLS))
    with pytest.raises(LspUnavailable, match="Content-Length"):
        await asyncio.wait_for(srv.start(), WAIT_S)
    assert srv.state == "failed" and srv.pid is None
    with pytest.raises(LspUnavailable):  # and it stays failed: no restart loop
        await srv.hover("use", 0, 0)
