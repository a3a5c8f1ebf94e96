"""The trust store and the trust of a notebook file: signed, changed outside Reflow, from elsewhere."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from helpers import trust

from reflow.notebook import read_notebook
from reflow_desktop.resources import examples_dir
from reflow_desktop.trust import TrustStore, assess, sign_notebook
from reflow_desktop.trust.store import FILE_NAME

NB = '# /// script\n# dependencies = ["six"]\n# ///\n\n# %%\nx = 1\n\n# %%\ny = x + 1\n\n# %% [markdown]\n# text\n'


def _write(path: Path, text: str = NB) -> Path:
    path.write_text(text)
    return path


def _state(path: Path):
    return assess(path, read_notebook(path))


def test_a_notebook_from_elsewhere_is_untrusted_until_signed(tmp_path: Path, untrusted_user: Path) -> None:
    path = _write(tmp_path / "nb.py")
    before = _state(path)
    assert before.status == "untrusted" and not before.runs
    assert before.packages == ("six",)
    trust(path)
    assert _state(path).status == "trusted"
    assert (untrusted_user / FILE_NAME).is_file()  # in this user's data dir


def test_the_examples_shipped_with_the_app_run_without_asking(untrusted_user: Path) -> None:
    shipped = examples_dir()
    assert shipped is not None
    intro = shipped / "intro.py"
    assert _state(intro).status == "trusted"  # ./dev open's notebook is not a safe preview


def test_a_cell_changed_outside_reflow_is_held_the_others_stay_trusted(tmp_path: Path, untrusted_user: Path) -> None:
    path = _write(tmp_path / "nb.py")
    trust(path)
    path.write_text(NB.replace("y = x + 1", "y = x + 2"))  # git pull, another editor
    nb = read_notebook(path)
    state = assess(path, nb)
    assert state.status == "changed" and state.runs
    assert state.held == {nb.cells[1].id}  # the first cell's code was trusted here


def test_a_changed_package_list_makes_the_whole_notebook_untrusted(tmp_path: Path, untrusted_user: Path) -> None:
    path = _write(tmp_path / "nb.py")
    trust(path)
    path.write_text(NB.replace('"six"', '"six", "evil @ file:///tmp/evil"'))
    assert _state(path).status == "untrusted"  # building the environment would run the new package's build


def test_a_changed_lock_file_makes_the_whole_notebook_untrusted(tmp_path: Path, untrusted_user: Path) -> None:
    path = _write(tmp_path / "nb.py")
    trust(path)
    (tmp_path / "nb.py.lock").write_text("version = 1\n")
    assert _state(path).status == "untrusted"


def test_whitespace_and_markdown_edits_elsewhere_keep_the_code_trusted(tmp_path: Path, untrusted_user: Path) -> None:
    path = _write(tmp_path / "nb.py")
    trust(path)
    path.write_text(NB.replace("# text", "# other text"))
    assert _state(path).status == "trusted"


def test_cell_trust_is_bound_to_the_notebooks_path(tmp_path: Path, untrusted_user: Path) -> None:
    mine = _write(tmp_path / "mine.py")
    trust(mine)
    assert _state(_write(tmp_path / "copy.py")).status == "trusted"  # same bytes: like Jupyter, a copy is trusted
    other = _write(tmp_path / "other.py", NB.replace("y = x + 1", "y = x + 3"))
    assert _state(other).status == "untrusted"  # the same first cell does not make another notebook run


def test_another_users_key_signs_nothing_for_this_user(tmp_path: Path, untrusted_user: Path) -> None:
    path = _write(tmp_path / "nb.py")
    store = untrusted_user / FILE_NAME
    sign_notebook(path, read_notebook(path), store=TrustStore(store, key=b"k" * 32))  # a planted store
    assert _state(path).status == "untrusted"


def test_held_cells_are_not_vouched_for_by_a_save(tmp_path: Path, untrusted_user: Path) -> None:
    path = _write(tmp_path / "nb.py")
    trust(path)
    path.write_text(NB.replace("y = x + 1", "y = x + 2"))
    nb = read_notebook(path)
    assert assess(path, nb).held == {nb.cells[1].id}
    sign_notebook(path, nb, hold=frozenset({nb.cells[1].id}))  # what a save does while the cell waits
    again = read_notebook(path)
    assert assess(path, again).held == {again.cells[1].id}


def test_the_store_is_bounded_and_drops_the_oldest(tmp_path: Path) -> None:
    store = TrustStore(tmp_path / FILE_NAME, key=b"k" * 32, limit=5)
    for i in range(12):
        store.add("cells", [f"sig{i}"])
    with sqlite3.connect(tmp_path / FILE_NAME) as con:
        assert con.execute("SELECT COUNT(*) FROM cells").fetchone()[0] == 5
    assert store.known("cells", ["sig11", "sig0"]) == {"sig11"}


def test_an_unreadable_store_trusts_nothing(tmp_path: Path, untrusted_user: Path) -> None:
    path = _write(tmp_path / "nb.py")
    untrusted_user.mkdir(parents=True, exist_ok=True)
    (untrusted_user / FILE_NAME).write_bytes(b"not a database" * 100)
    assert _state(path).status == "untrusted"
