"""``maybe_defs``: top-level names a cell binds on some paths only (reflow.analysis.conditional)."""

from __future__ import annotations

import pytest

from reflow.analysis import analyze_cell


@pytest.mark.parametrize(
    ("source", "maybe"),
    [
        ("x = 1", set()),
        ("if c:\n    x = 1", {"x"}),
        ("if c:\n    x = 1\nelse:\n    x = 2", set()),
        ("if c:\n    x = 1\nelif d:\n    x = 2", {"x"}),
        ("while n < 3:\n    n = n + 1\n    y = n", {"n", "y"}),
        ("for i in range(3):\n    total = i", {"total"}),  # the loop target counts as bound
        ("try:\n    import numpy as np\nexcept ImportError:\n    np = None", set()),
        ("try:\n    v = int(s)\nexcept ValueError:\n    pass", {"v"}),
        ("try:\n    pass\nfinally:\n    w = 1", set()),
        ("with open(p) as fh:\n    text = fh.read()", set()),
        ("match p:\n    case [a]:\n        k = a\n    case _:\n        k = 0", {"a"}),
        ("match p:\n    case [a]:\n        k = a", {"a", "k"}),
        ("def setup():\n    global cfg\n    cfg = 1\nsetup()", {"cfg"}),
        ("if (n := 10) > 5:\n    pass", set()),
    ],
)
def test_maybe_defs(source, maybe):
    analysis = analyze_cell(source)
    assert analysis.error is None
    assert analysis.maybe_defs == maybe
    assert analysis.maybe_defs <= analysis.defs
