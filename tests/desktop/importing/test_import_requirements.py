"""Install commands in notebook cells → PEP 508 requirements (packaging), flags and files left out."""

from __future__ import annotations

import pytest
from packaging.requirements import Requirement

from reflow_desktop.importing.requirements import install_requirements


@pytest.mark.parametrize("command, expected", [
    ("pip install -q pandas==2.2.2 'matplotlib>=3.8' --upgrade", ["pandas==2.2.2", "matplotlib>=3.8"]),
    ("pip install --quiet -U seaborn", ["seaborn"]),
    ("{sys.executable} -m pip install numpy scipy", ["numpy", "scipy"]),
    ("python3 -m pip install --user 'polars[all]>=1'", ["polars[all]>=1"]),
    ("pip3 install --index-url https://example.org/simple torch", ["torch"]),
    ("pip install --index-url=https://example.org/simple torch", ["torch"]),
    ("uv pip install rich", ["rich"]),
    ("pip install --upgrade pip && pip install transformers[torch] datasets", ["transformers[torch]", "datasets"]),
    ("pip install tensorflow==2.* # pinned", ["tensorflow==2.*"]),
    ("pip install \"mypkg @ git+https://github.com/x/y.git\"", ["mypkg@ git+https://github.com/x/y.git"]),
    ("pip install mypkg @ https://example.org/mypkg-1.0-py3-none-any.whl",
     ["mypkg@ https://example.org/mypkg-1.0-py3-none-any.whl"]),
    ("conda install -c conda-forge -y numpy=1.21 pytorch", ["numpy==1.21.*", "torch"]),
    ("mamba install scikit-learn>=1.3", ["scikit-learn>=1.3"]),
])
def test_requirements(command: str, expected: list[str]):
    found = install_requirements(command)
    assert found is not None
    assert [str(Requirement(r)) for r in found.requirements] == [str(Requirement(e)) for e in expected]


@pytest.mark.parametrize("command, note", [
    ("pip install -r requirements.txt", "requirements file 'requirements.txt' not read"),
    ("pip install git+https://github.com/x/y.git", "without a package name"),
    ("pip install -e .", "editable install '.'"),
    ("pip install $PACKAGES", "not a package name"),
    ("conda install cudatoolkit=11.3", "no PyPI equivalent"),
    ("pip install 'pandas>>2'", "not a valid requirement"),
])
def test_left_out_with_a_note(command: str, note: str):
    found = install_requirements(command)
    assert found is not None and found.requirements == []
    assert any(note in n for n in found.notes), found.notes


@pytest.mark.parametrize("command", ["ls -la", "echo pip install x", "pip list", "pip show pandas", ""])
def test_not_an_install(command: str):
    found = install_requirements(command)
    assert found is None or found.requirements == []
