"""A package's lazily imported names: loaded from their module on first use, unknown names refused."""

from __future__ import annotations

import subprocess
import sys

import pytest

from reflow_desktop import exporting, sidecar
from reflow_desktop.lazy import lazy_names


def test_a_name_comes_from_its_module_and_an_unknown_one_is_an_attribute_error() -> None:
    assert sidecar.SidecarWriter.__module__ == "reflow_desktop.sidecar.writer"
    assert exporting.notebook_to_script.__module__ == "reflow_desktop.exporting.script"
    with pytest.raises(AttributeError, match="has no attribute 'nothing_here'"):
        lazy_names("reflow_desktop.exporting", {})("nothing_here")


def test_importing_the_package_loads_none_of_its_heavy_modules() -> None:
    code = (
        "import sys, reflow_desktop.sidecar, reflow_desktop.exporting;"
        "print([m for m in ('reflow_desktop.sidecar.writer', 'reflow_desktop.exporting.ipynb') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
