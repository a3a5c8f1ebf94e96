"""External changes: detection of the file changing on disk and the reload/conflict decision."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from reflow.notebook import read_notebook, render_notebook, write_notebook

from reflow_desktop.sidecar.watch import FileWatcher, plan_reload

NB = """\
# /// script
# requires-python = ">=3.11"
# ///

# %%
a = 1

# %%
b = a + 1

# %%    hide_code=true
c = b * 2
"""


@pytest.fixture
def nb(tmp_path: Path) -> Path:
    p = tmp_path / "nb.py"
    p.write_text(NB)
    return p


def test_own_saves_and_touches_are_not_reported(nb: Path) -> None:
    seen: list[bytes | None] = []
    w = FileWatcher(nb, seen.append)
    assert not w.check()
    notebook = read_notebook(nb)
    notebook.cells[0].source = "a = 10"
    write_notebook(nb, notebook)
    w.acknowledge()  # the session does this after each save
    assert not w.check()
    os.utime(nb, None)  # touched, same bytes
    assert not w.check() and seen == []


def test_external_change_is_reported_once(nb: Path) -> None:
    seen: list[bytes | None] = []
    w = FileWatcher(nb, seen.append)
    nb.write_text(NB.replace("b = a + 1", "b = a + 2"))
    assert w.check()
    assert not w.check()
    assert seen == [NB.replace("b = a + 1", "b = a + 2").encode()]


def test_a_held_watch_reads_nothing_and_takes_what_was_written_as_its_own(nb: Path) -> None:
    seen: list[bytes | None] = []
    w = FileWatcher(nb, seen.append)
    with w.held():  # uv edits the block: it truncates, then writes
        nb.write_text("")
        assert not w.check()
        nb.write_text(NB.replace(">=3.11", ">=3.10"))
        assert not w.check()
    assert not w.check() and seen == []  # its result is the app's own
    nb.write_text(NB.replace("b = a + 1", "b = a + 2"))  # a change after the hold is reported
    assert w.check() and seen == [NB.replace("b = a + 1", "b = a + 2").encode()]


def test_same_size_same_mtime_change_is_still_seen_by_hash(nb: Path) -> None:
    seen: list[bytes | None] = []
    w = FileWatcher(nb, seen.append)
    st = nb.stat()
    nb.write_text(NB.replace("a = 1", "a = 7"))
    os.utime(nb, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert w.check() and len(seen) == 1


def test_deletion_is_reported_once_and_recreation_too(nb: Path) -> None:
    seen: list[bytes | None] = []
    w = FileWatcher(nb, seen.append)
    nb.unlink()
    assert w.check() and not w.check()
    nb.write_text(NB)  # back with the content the session has: nothing to reload
    assert not w.check()
    nb.unlink()
    assert w.check()
    nb.write_text(NB + "# end\n")
    assert w.check()
    assert seen == [None, None, (NB + "# end\n").encode()]


async def test_watcher_task_polls_in_the_background(nb: Path) -> None:
    got = asyncio.Event()
    w = FileWatcher(nb, lambda _data: got.set(), interval=0.01)
    w.start()
    nb.write_text(NB + "\n# %%\nd = 4\n")
    await got.wait()  # no time limit of our own: pytest-timeout guards
    await w.stop()


def test_one_changed_cell_reload_keeps_the_others(nb: Path) -> None:
    current = read_notebook(nb)
    ids = [c.id for c in current.cells]
    new_text = NB.replace("b = a + 1", "b = a + 2")
    plan = plan_reload(current, False, new_text.encode(), "nb.py")
    assert plan.kind == "reload" and plan.notebook is not None
    assert plan.kept == [ids[0], ids[2]]
    assert len(plan.added) == 1 and plan.added[0] not in ids and plan.changed == 1
    assert plan.removed == [ids[1]]
    assert [c.id for c in plan.notebook.cells] == [ids[0], plan.added[0], ids[2]]
    assert "1 cell changed" in plan.message and "outputs of unchanged cells were kept" in plan.message
    assert render_notebook(plan.notebook) == new_text  # byte for byte what is on disk


def test_added_removed_and_options(nb: Path) -> None:
    current = read_notebook(nb)
    ids = [c.id for c in current.cells]
    text = NB.replace("# %%\na = 1\n\n", "").replace("hide_code=true", "") + "\n# %%\nd = 4\n"
    plan = plan_reload(current, False, text.encode(), "nb.py")
    assert plan.kind == "reload"
    assert plan.kept == [ids[1], ids[2]] and plan.options_changed == [ids[2]]
    assert plan.removed == [ids[0]] and len(plan.added) == 1 and plan.changed == 0
    assert "1 added" in plan.message and "1 removed" in plan.message


def test_unsaved_edits_make_a_conflict_and_nothing_is_taken(nb: Path) -> None:
    current = read_notebook(nb)
    current.cells[0].source = "a = 'my unsaved edit'"
    before = render_notebook(current)
    plan = plan_reload(current, True, NB.replace("b = a + 1", "b = 0").encode(), "nb.py")
    assert plan.kind == "conflict"
    assert "unsaved edits" in plan.message and "Nothing was overwritten" in plan.message
    assert render_notebook(current) == before  # the session's notebook untouched
    assert nb.read_text() == NB  # and the file untouched


def test_same_content_and_unreadable_content(nb: Path) -> None:
    current = read_notebook(nb)
    assert plan_reload(current, True, NB.encode(), "nb.py").kind == "unchanged"
    bad = plan_reload(current, False, b"\xff\xfe\x00junk", "nb.py")
    assert bad.kind == "invalid" and "cannot be read" in bad.message
    gone = plan_reload(current, False, None, "nb.py")
    assert gone.kind == "deleted" and "save to write it again" in gone.message
