"""The recent-notebooks list: order, dedup, cap, missing files, corrupt files."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from reflow_desktop.recent import RecentList, data_dir


@pytest.fixture
def recent(tmp_path: Path) -> RecentList:
    return RecentList(tmp_path / "data" / "recent.json", limit=5)


def _nb(tmp_path: Path, name: str) -> Path:
    p = tmp_path / name
    p.write_text("# %%\nx = 1\n")
    return p


def test_empty_when_no_file(recent: RecentList) -> None:
    assert recent.entries() == []


def test_most_recent_first_and_dedup(recent: RecentList, tmp_path: Path) -> None:
    a, b = _nb(tmp_path, "a.py"), _nb(tmp_path, "b.py")
    recent.add(a, when=1)
    recent.add(b, when=2)
    recent.add(a, when=3)
    assert recent.paths() == [str(a.resolve()), str(b.resolve())]


def test_relative_and_absolute_are_one_entry(
    recent: RecentList, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = _nb(tmp_path, "a.py")
    monkeypatch.chdir(tmp_path)
    recent.add("a.py")
    recent.add(a)
    assert recent.paths() == [str(a.resolve())]


def test_cap(recent: RecentList, tmp_path: Path) -> None:
    for i in range(8):
        recent.add(_nb(tmp_path, f"n{i}.py"), when=i)
    assert [Path(p).name for p in recent.paths()] == ["n7.py", "n6.py", "n5.py", "n4.py", "n3.py"]


def test_clock_going_backwards_still_puts_latest_first(recent: RecentList, tmp_path: Path) -> None:
    a, b = _nb(tmp_path, "a.py"), _nb(tmp_path, "b.py")
    recent.add(a, when=100)
    recent.add(b, when=50)
    assert recent.paths()[0] == str(b.resolve())


def test_missing_files_kept_and_marked_then_removable(recent: RecentList, tmp_path: Path) -> None:
    a, b = _nb(tmp_path, "a.py"), _nb(tmp_path, "b.py")
    recent.add(a, when=1)
    recent.add(b, when=2)
    b.unlink()
    entries = recent.entries()
    assert [(e.name, e.exists) for e in entries] == [("b.py", False), ("a.py", True)]
    recent.remove(b)
    assert recent.paths() == [str(a.resolve())]
    recent.add(b, when=3)
    recent.remove_missing()
    assert recent.paths() == [str(a.resolve())]


def test_persisted_as_json_atomically(recent: RecentList, tmp_path: Path) -> None:
    recent.add(_nb(tmp_path, "a.py"))
    data = json.loads(recent.path.read_text())
    assert data["version"] == 1 and len(data["recent"]) == 1
    leftovers = [p for p in recent.path.parent.iterdir() if p.name != "recent.json"]
    assert leftovers == []


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"recent": 3}', "\x00\xff"])
def test_corrupt_file_is_empty_with_warning(
    recent: RecentList, content: str, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    recent.path.parent.mkdir(parents=True)
    recent.path.write_text(content, encoding="latin-1")
    with caplog.at_level(logging.WARNING):
        assert recent.entries() == []
    assert caplog.records
    recent.add(_nb(tmp_path, "a.py"))  # and the next write repairs it
    assert len(recent.entries()) == 1


def test_bad_items_skipped(recent: RecentList) -> None:
    recent.path.parent.mkdir(parents=True)
    recent.path.write_text(
        json.dumps({"recent": [{"path": "/x/a.py", "opened": 2}, {"nope": 1}, "junk", {"path": "/x/b.py"}]})
    )
    assert recent.paths() == ["/x/a.py", "/x/b.py"]


def test_unwritable_dir_does_not_raise(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    r = RecentList(blocker / "recent.json")
    with caplog.at_level(logging.WARNING):
        r.add(tmp_path / "a.py")
    assert "could not save" in caplog.text


def test_env_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("REFLOW_DATA_DIR", str(tmp_path))
    assert data_dir() == tmp_path
    assert RecentList().path == tmp_path / "recent.json"


def test_distinct_labels_add_the_shortest_parent_suffix_that_tells_files_apart() -> None:
    from reflow_desktop.recent import distinct_labels

    paths = ["/h/work/demo/intro.py", "/h/play/demo/intro.py", "/h/x/a.py", "/a/x.py", "/b/a/x.py"]
    assert distinct_labels(paths) == [
        "intro.py — work/demo",
        "intro.py — play/demo",
        "a.py",  # unique name: no path
        "x.py — /a",  # its whole parent is a suffix of the other's: the root tells them apart
        "x.py — b/a",
    ]
    assert distinct_labels(["/n/intro.py", "/m/intro.py"]) == ["intro.py — n", "intro.py — m"]
    assert distinct_labels([]) == []
