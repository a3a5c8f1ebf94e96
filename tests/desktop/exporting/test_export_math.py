"""HTML export of math: KaTeX (``reflow-export-math.js``, fonts inlined) goes only into pages
whose markdown -- cells or markdown outputs -- has math, allowed by its CSP hash."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

from reflow.notebook import parse_notebook
from reflow_desktop.exporting.html import MATH_BUNDLE, BundleMissingError, bundle_dir, math_in, page_state, render_html
from reflow_desktop.exporting.outputs import data


def _math_js() -> str:
    try:
        f = bundle_dir() / MATH_BUNDLE
    except BundleMissingError:
        pytest.skip("ui/build/export is not built (npm run build in ui/)")
    if not f.is_file():
        pytest.skip(f"{f.name} is not built (npm run build in ui/)")
    return f.read_text(encoding="utf-8")


def _state(text: str, outputs: dict[int, dict[str, object]] | None = None) -> dict[str, object]:
    nb = parse_notebook(text)
    outs = {nb.cells[i].id: [data(b)] for i, b in (outputs or {}).items()}
    return page_state(nb, outs, name="nb", hide_code=False)


@pytest.mark.parametrize(
    "text",
    [
        "# %% [markdown]\n# Euler $e^{i\\pi}+1=0$\n",
        "# %% [markdown]\n# $$\n# \\int_0^1 x\\,dx\n# $$\n",
        "# %% [markdown]\n# inline display $$x^2$$ here\n",
    ],
)
def test_markdown_cells_with_math_need_katex(text: str) -> None:
    assert math_in(_state(text))


@pytest.mark.parametrize(
    "text",
    [
        "# %% [markdown]\n# It costs $5 and $10.\n",
        "# %% [markdown]\n# Escaped \\$x\\$ dollars\n",
        "# %% [markdown]\n# a $ b $ c\n",
        "# %% [markdown]\n# Prices: $5 and $10, `$x$` in code.\n",
        "# %%\nprint('$x$ in code is not markdown')\n",
    ],
)
def test_prose_dollars_and_code_need_no_katex(text: str) -> None:
    assert not math_in(_state(text))


def test_a_markdown_output_with_math_needs_katex() -> None:
    text = "# %%\nx = 1\n\n# %%\ny = 2\n"
    assert math_in(_state(text, {0: {"text/markdown": "area $\\pi r^2$", "text/plain": "area"}}))
    assert not math_in(_state(text, {0: {"text/plain": "$a$ as plain text"}}))


def test_the_page_inlines_katex_only_when_it_has_math() -> None:
    js = _math_js()
    with_math = render_html(parse_notebook("# %% [markdown]\n# Euler $e^{i\\pi}+1=0$\n"))
    without = render_html(parse_notebook("# %% [markdown]\n# It costs $5 and $10.\n"))
    assert "var ReflowMath=" in with_math and "var ReflowMath=" not in without
    assert js.count("data:font/woff2;base64,") >= 19  # every KaTeX font, inlined (the CSS points at them at run time)
    digest = base64.b64encode(hashlib.sha256(js.replace("</script", "<\\/script").encode()).digest()).decode()
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', with_math)
    assert csp and f"'sha256-{digest}'" in csp.group(1)
    assert len(with_math) - len(without) > len(js) * 0.9
