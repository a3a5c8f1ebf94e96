"""The reference as Markdown (``docs/api.md``) and as the HTML page the app serves.

Docstrings are written in a small dialect: paragraphs, ````code````, ``* `` lists and
indented examples; both renderers read just that, so neither needs a markdown library.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from reflow_desktop.docs.gallery import Example
from reflow_desktop.docs.guide import GUIDE
from reflow_desktop.docs.model import Entry, Section

TITLE = "Reflow API reference"
GENERATED = "Generated from the docstrings by `python -m reflow_desktop.docs`; do not edit by hand."
_RST_CODE = re.compile(r"``(.+?)``")


def _blocks(doc: str) -> list[tuple[str, list[str]]]:
    """("p" | "ul" | "pre", lines) blocks of a docstring."""
    out: list[tuple[str, list[str]]] = []
    for para in re.split(r"\n\s*\n", doc.strip()):
        lines = para.splitlines()
        if not lines:
            continue
        if all(line.startswith("    ") for line in lines):
            out.append(("pre", [line[4:] for line in lines]))
        elif lines[0].lstrip().startswith(("* ", "- ")):
            items: list[str] = []
            for line in lines:
                s = line.strip()
                if s.startswith(("* ", "- ")):
                    items.append(s[2:])
                elif items:
                    items[-1] += " " + s
            out.append(("ul", items))
        else:
            out.append(("p", [" ".join(line.strip() for line in lines)]))
    return out


def _md_text(text: str) -> str:
    return _RST_CODE.sub(lambda m: f"`{m.group(1)}`", text)


def _md_doc(doc: str) -> str:
    parts = []
    for kind, lines in _blocks(doc):
        if kind == "pre":
            parts.append("```python\n" + "\n".join(lines) + "\n```")
        elif kind == "ul":
            parts.append("\n".join(f"- {_md_text(item)}" for item in lines))
        else:
            parts.append(_md_text(lines[0]))
    return "\n\n".join(parts) if parts else "*(no docstring)*"


def _md_entry(e: Entry, level: int) -> str:
    head = f"{'#' * level} `{e.name}{e.signature}`"
    body = [head, _md_doc(e.doc)]
    for m in e.members:
        body.append(_md_entry(m, level + 1))
    return "\n\n".join(body)


def render_markdown(sections: Sequence[Section], gallery: Sequence[Example]) -> str:
    out = [f"# {TITLE}", f"<!-- {GENERATED} -->"]
    for title, text in GUIDE:
        out += [f"## {title}", _md_doc(text)]
    if gallery:
        out.append("## Example gallery")
        out.append("Open one with `reflow edit examples/gallery/FILE` (or File > Open): each runs on its own.")
        out.append("\n".join(f"- **{ex.title}** (`{ex.file}`): {_md_text(ex.summary)}" for ex in gallery))
    for s in sections:
        out += [f"## {s.title}", s.intro]
        out += [_md_entry(e, 3) for e in s.entries]
    return "\n\n".join(out).rstrip() + "\n"


def _html_text(text: str) -> str:
    escaped = html.escape(text, quote=False)
    return re.sub(r"``(.+?)``|`([^`]+)`", lambda m: f"<code>{m.group(1) or m.group(2)}</code>", escaped)


def _html_doc(doc: str) -> str:
    parts = []
    for kind, lines in _blocks(doc):
        if kind == "pre":
            parts.append("<pre>" + html.escape("\n".join(lines), quote=False) + "</pre>")
        elif kind == "ul":
            parts.append("<ul>" + "".join(f"<li>{_html_text(i)}</li>" for i in lines) + "</ul>")
        else:
            parts.append(f"<p>{_html_text(lines[0])}</p>")
    return "".join(parts) or '<p class="none">(no docstring)</p>'


def _anchor(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _html_entry(e: Entry, level: int) -> str:
    sig = html.escape(e.signature, quote=False)
    name = f'<code>{html.escape(e.name)}<span class="sig">{sig}</span></code>'
    head = f'<h{level} id="{_anchor(e.name)}">{name}</h{level}>'
    members = "".join(_html_entry(m, level + 1) for m in e.members)
    return f'<section class="entry">{head}{_html_doc(e.doc)}{members}</section>'


CSS = """
:root { color-scheme: light dark; --fg: #1b1f27; --muted: #5b6270; --line: #d9dce3; --code: #f2f3f6;
  --accent: #3b5bdb; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e4e6eb; --muted: #a0a6b2; --line: #343a46; --code: #23272f; --accent: #8ea4ff; }
}
body { margin: 0; font: 15px/1.6 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); }
main { max-width: 860px; margin: 0 auto; padding: 24px 28px 80px; }
nav { font-size: 13.5px; border-bottom: 1px solid var(--line); padding-bottom: 12px; margin-bottom: 8px; }
nav a { margin-right: 14px; color: var(--accent); text-decoration: none; }
h1 { font-size: 26px; margin: 8px 0 4px; } h2 { margin-top: 40px; border-bottom: 1px solid var(--line); }
h3, h4 { margin: 24px 0 4px; font-size: 15px; } h4 { font-size: 14px; margin-left: 18px; }
section.entry section.entry { margin-left: 18px; }
code, pre { font: 13px/1.5 ui-monospace, "SF Mono", Menlo, Consolas, monospace; background: var(--code); }
code, pre { border-radius: 4px; }
code { padding: 1px 4px; } pre { padding: 10px 12px; overflow-x: auto; }
h3 code, h4 code { background: none; padding: 0; font-weight: 600; }
.sig { font-weight: 400; color: var(--muted); }
.generated, .none { color: var(--muted); font-size: 13px; }
"""


def render_html(sections: Sequence[Section], gallery: Sequence[Example]) -> str:
    """A whole page, no script (the app's CSP would refuse one anyway), styles inline."""
    nav = "".join(f'<a href="#{_anchor(s.title)}">{html.escape(s.title.split(":")[0])}</a>' for s in sections)
    body = [f"<h1>{TITLE}</h1>", f'<p class="generated">{_html_text(GENERATED)}</p>']
    for title, text in GUIDE:
        body.append(f'<h2 id="{_anchor(title)}">{html.escape(title)}</h2>{_html_doc(text)}')
    if gallery:
        items = "".join(
            f"<li><strong>{html.escape(ex.title)}</strong> (<code>{html.escape(ex.file)}</code>): "
            f"{_html_text(ex.summary)}</li>"
            for ex in gallery
        )
        body.append(
            '<h2 id="gallery">Example gallery</h2><p>Open one with <code>reflow edit examples/gallery/FILE</code> '
            f'(or File &gt; Open): each runs on its own.</p><ul class="gallery">{items}</ul>'
        )
    for s in sections:
        entries = "".join(_html_entry(e, 3) for e in s.entries)
        body.append(f'<h2 id="{_anchor(s.title)}">{html.escape(s.title)}</h2><p>{_html_text(s.intro)}</p>{entries}')
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{TITLE}</title><style>{CSS}</style></head><body><main>"
        f'<nav><a href="#gallery">Gallery</a>{nav}</nav>{"".join(body)}</main></body></html>\n'
    )
