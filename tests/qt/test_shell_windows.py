"""The notebook window's Qt-free parts: which export formats File ▸ Export and the page may ask for."""

from __future__ import annotations

import pytest

from reflow_desktop.exporting.live import FORMATS
from reflow_desktop.shell.windows import export_format


def test_every_export_format_the_app_writes_is_accepted() -> None:
    assert [export_format(name) for name in FORMATS] == list(FORMATS)


@pytest.mark.parametrize("bad", ["pdf", "", "HTML", "html "])
def test_an_unknown_export_format_is_refused_with_the_known_ones_named(bad: str) -> None:
    with pytest.raises(ValueError, match="html, ipynb, script"):
        export_format(bad)
