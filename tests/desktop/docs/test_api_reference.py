"""The API reference is generated from the docstrings: every public name of ``reflow`` and
``reflow.ui`` is in it with a docstring, and the committed ``docs/api.md`` is what the
generator writes today (so it cannot drift from the code)."""

from __future__ import annotations

import inspect

import pytest

from reflow_desktop.docs import Entry, Section, reference, render_html, render_markdown
from reflow_desktop.docs.__main__ import API_MD, generated, main
from reflow_desktop.docs.gallery import examples
from reflow_desktop.docs.guide import GUIDE
from reflow_desktop.docs.model import entry, top_level_names


def _entries() -> dict[str, Entry]:
    return {e.name: e for s in reference() for e in s.entries}


def test_every_public_name_is_in_the_reference_with_a_docstring() -> None:
    entries = _entries()
    names = top_level_names()
    # the list, at least
    assert {"reflow.md", "reflow.state", "reflow.stop", "reflow.cache", "reflow.persistent_cache"} <= names
    assert {"reflow.hstack", "reflow.ui.slider", "reflow.ui.dropdown", "reflow.ui.table"} <= names
    missing = sorted(names - entries.keys())
    assert missing == [], f"public names missing from the reference: {missing}"
    undocumented = sorted(n for n in names if not entries[n].doc.strip())
    assert undocumented == [], f"public names without a docstring: {undocumented}"


def test_a_public_name_without_a_docstring_is_caught() -> None:
    def nothing_said(x: int) -> int:
        return x

    e = entry("reflow.nothing_said", nothing_said)
    assert e.signature == "(x: int)" and e.doc == ""
    assert "(no docstring)" in render_markdown([Section("S", "", (e,))], ())


def test_entries_carry_the_real_signature_and_docstring() -> None:
    import reflow.ui

    e = _entries()
    from reflow.stop import stop

    assert e["reflow.stop"].doc == inspect.cleandoc(stop.__doc__ or "")
    assert e["reflow.ui.slider"].signature.startswith("(start: float = 0, stop: float = 100")
    assert "self" not in e["reflow.ui.slider"].signature
    from reflow.md import md

    assert e["reflow.md"].doc == inspect.cleandoc(md.__doc__ or "")
    assert generated() == generated()  # the same page however often (reflow.md becomes a module once imported)
    assert reflow.ui.slider.__doc__ and e["reflow.ui.slider"].doc


def test_docs_api_md_is_up_to_date() -> None:
    assert API_MD.is_file(), "docs/api.md is missing: run python -m reflow_desktop.docs"
    assert API_MD.read_text(encoding="utf-8") == generated(), "docs/api.md is stale: run python -m reflow_desktop.docs"
    assert main(["--check"]) == 0


def test_the_check_fails_on_a_stale_page(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    stale = tmp_path / "api.md"
    stale.write_text(generated().replace("reflow.stop", "reflow.halt"), encoding="utf-8")
    monkeypatch.setattr("reflow_desktop.docs.__main__.API_MD", stale)
    assert main(["--check"]) == 1


def test_the_page_says_markdown_cells_do_not_interpolate() -> None:
    """Issue 16 item 16, decided: markdown cells stay static text; reflow.md(f"...") is the reactive way."""
    md = generated()
    assert "## Markdown cells are static text" in md
    assert "`{name}` in it stays `{name}`" in md and 'reflow.md(f"...")' in md
    titles = [t for t, _ in GUIDE]
    assert "Markdown cells are static text" in titles


def test_the_html_page_escapes_docstrings_and_has_no_script() -> None:
    hostile = Entry("reflow.x", "(a: str = '<b>')", "Says <script>alert(1)</script> and ``<i>``.")
    page = render_html([Section("Hostile", "intro", (hostile,))], ())
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<code>&lt;i&gt;</code>" in page and "&lt;b&gt;" in page
    real = render_html(reference(), examples())
    assert "<script" not in real
    for name in top_level_names():
        assert f"<code>{name}<span" in real, name
