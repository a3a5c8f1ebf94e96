"""The kernel's output journal: written off the output path, read back as hostile input."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from reflow.kernel import journal as J
from reflow.kernel.journal import Journal, JournalError, parse_journal, read_journal


def event(i: int) -> dict[str, object]:
    return {"type": "cell_output", "id": "c1", "output": {"kind": "stream", "name": "stdout", "text": f"{i}\n"}}


def written(nb: Path) -> Path:
    files = list((nb.parent / "__reflow__" / "journal").glob("*.jsonl"))
    assert len(files) == 1
    return files[0]


def test_records_before_and_after_open_are_all_written_in_order(tmp_path: Path) -> None:
    nb = tmp_path / "nb.py"
    j = Journal()
    metas = [j.record(event(i)) for i in range(3)]  # before the app said where: kept
    assert [m[J.SEQ_KEY] for m in metas] == [1, 2, 3]
    path = j.open(nb, "k1.jsonl")
    assert path == nb.parent / "__reflow__" / "journal" / "k1.jsonl"
    for i in range(3, 10):
        j.record(event(i))
    assert j.flush() == 10
    read = read_journal(path)
    assert read.problems == []
    assert [n for n, _ in read.records] == list(range(1, 11))
    assert [m["output"]["text"] for m in read.through(5)] == [f"{i}\n" for i in range(5)]
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    j.close()


def test_the_flusher_writes_without_being_asked(tmp_path: Path) -> None:
    nb = tmp_path / "nb.py"
    j = Journal()
    path = j.open(nb, "k.jsonl")
    assert path is not None
    j.record(event(0))
    done = __import__("threading").Event()
    for _ in range(400):  # the flusher thread writes within FLUSH_S; wait on the file, bounded
        if j.written_seq == 1:
            done.set()
            break
        done.wait(0.025)
    assert done.is_set()
    assert read_journal(path).last_seq == 1
    j.close()


def test_a_linked_journal_folder_is_refused_and_nothing_is_written_there(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    folder = tmp_path / "nb"
    (folder / "__reflow__").mkdir(parents=True)
    os.symlink(elsewhere, folder / "__reflow__" / "journal")
    j = Journal()
    assert j.open(folder / "nb.py", "k.jsonl") is None
    assert j.error and "journal" in j.error
    j.record(event(0))
    j.flush()
    assert list(elsewhere.iterdir()) == []


def test_a_name_that_leaves_the_folder_is_refused(tmp_path: Path) -> None:
    j = Journal()
    assert j.open(tmp_path / "nb.py", "../escape.jsonl") is None
    assert not (tmp_path / "__reflow__" / "escape.jsonl").exists()


def test_writer_stops_at_its_size_cap_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(J, "MAX_JOURNAL_BYTES", 2000)
    j = Journal()
    path = j.open(tmp_path / "nb.py", "k.jsonl")
    assert path is not None
    for i in range(200):
        j.record(event(i))
        j.flush()
    assert j.error is not None and "2000 bytes" in j.error
    assert path.stat().st_size <= 2000
    read = read_journal(path)
    assert read.records and read.problems == []


def test_move_after_save_as_carries_every_record_and_leaves_nothing_behind(tmp_path: Path) -> None:
    old_nb, new_nb = tmp_path / "old" / "nb.py", tmp_path / "new" / "moved.py"
    old_nb.parent.mkdir()
    new_nb.parent.mkdir()
    j = Journal()
    assert j.open(old_nb, "k1.jsonl") is not None
    for i in range(3):
        j.record(event(i))  # some still pending when the move comes: written to the new file
    moved = j.move(new_nb, "k2.jsonl")
    assert moved == new_nb.parent / "__reflow__" / "journal" / "k2.jsonl"
    j.record(event(3))
    j.flush()
    assert list((old_nb.parent / "__reflow__" / "journal").iterdir()) == []
    read = read_journal(moved)
    assert read.problems == [] and [n for n, _ in read.records] == [1, 2, 3, 4]
    assert j.move(new_nb.parent / "other.py", "k3.jsonl") == moved  # same folder: kept as it is
    j.close()


def test_move_into_a_folder_that_cannot_take_it_keeps_the_old_journal(tmp_path: Path) -> None:
    old_nb, new_folder, elsewhere = tmp_path / "nb.py", tmp_path / "new", tmp_path / "elsewhere"
    (new_folder / "__reflow__").mkdir(parents=True)
    elsewhere.mkdir()
    os.symlink(elsewhere, new_folder / "__reflow__" / "journal")
    j = Journal()
    path = j.open(old_nb, "k.jsonl")
    j.record(event(0))
    assert j.move(new_folder / "nb.py", "k2.jsonl") == path  # refused: the old file keeps everything
    j.record(event(1))
    j.flush()
    assert path is not None and read_journal(path).last_seq == 2
    assert list(elsewhere.iterdir()) == []
    j.close()


# --- reading hostile files ----------------------------------------------------------------------
def journal_file(tmp_path: Path, body: bytes) -> Path:
    folder = tmp_path / "__reflow__" / "journal"
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / "k.jsonl"
    p.write_bytes(body)
    return p


def lines(*items: object) -> bytes:
    return b"".join(json.dumps(x).encode() + b"\n" for x in items)


HEADER = {"journal": 1, "pid": 1}


def test_corrupt_lines_are_skipped_and_named_the_rest_kept(tmp_path: Path) -> None:
    body = (
        lines(HEADER, {"seq": 1, "msg": event(1)})
        + b"{not json\n"
        + lines(
            {"seq": 2, "msg": "a string"},  # wrong shape
            {"seq": 3, "msg": {"no": "type"}},
            {"seq": 4, "msg": event(4), "extra": 1},
            {"seq": "5", "msg": event(5)},
            {"seq": 6, "msg": event(6)},
            {"seq": 6, "msg": event(7)},  # a number again: out of order
            [1, 2],
        )
        + b'{"seq": 8, "msg": {"type": "cell_out'  # torn: the writer was killed mid-line
    )
    read = read_journal(journal_file(tmp_path, body))
    assert [n for n, _ in read.records] == [1, 6]
    assert len(read.problems) == 7
    assert "line 3: not JSON" in read.problems[0]
    assert any("out of order" in p for p in read.problems)


def test_not_a_journal_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(JournalError, match="no journal header"):
        read_journal(journal_file(tmp_path, lines({"seq": 1, "msg": event(1)})))
    with pytest.raises(JournalError, match="no journal header"):
        read_journal(journal_file(tmp_path, lines({"journal": 99}, {"seq": 1, "msg": event(1)})))
    with pytest.raises(JournalError, match="empty"):
        read_journal(journal_file(tmp_path, b""))
    with pytest.raises(JournalError):
        read_journal(journal_file(tmp_path, b"\x00\xff" * 100))


def test_a_huge_journal_is_refused_without_being_read(tmp_path: Path) -> None:
    p = journal_file(tmp_path, lines(HEADER) + b" " * 5000)
    with pytest.raises(JournalError, match="too large"):
        read_journal(p, limit=1000)


def test_a_huge_line_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(J, "MAX_LINE_BYTES", 300)
    big = {"seq": 1, "msg": {"type": "cell_output", "text": "x" * 500}}
    read = parse_journal(lines(HEADER, big, {"seq": 2, "msg": event(2)}))
    assert [n for n, _ in read.records] == [2]
    assert "larger than 300 bytes" in read.problems[0]


def test_deep_nesting_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    read = parse_journal(lines(HEADER) + b"[" * 100_000 + b"\n" + lines({"seq": 1, "msg": event(1)}))
    assert [n for n, _ in read.records] == [1]
    assert read.problems


def test_links_and_foreign_places_are_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.jsonl"
    secret.write_bytes(lines(HEADER, {"seq": 1, "msg": event(1)}))
    folder = tmp_path / "nb" / "__reflow__" / "journal"
    folder.mkdir(parents=True)
    os.symlink(secret, folder / "k.jsonl")
    with pytest.raises(JournalError, match="link"):
        read_journal(folder / "k.jsonl")
    with pytest.raises(JournalError, match="not in a notebook's __reflow__/journal"):
        read_journal(secret)
    linked = tmp_path / "nb2" / "__reflow__"
    linked.mkdir(parents=True)
    os.symlink(folder, linked / "journal")  # the folder itself a link
    with pytest.raises(JournalError, match="link"):
        read_journal(linked / "journal" / "k.jsonl")
