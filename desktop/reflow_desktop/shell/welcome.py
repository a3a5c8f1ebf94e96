"""The welcome window's page (recent notebooks, New, Open…, examples), without Qt.

It is a self-contained HTML page rendered from data; its buttons call the shell
through pywebview's ``window.pywebview.api`` (see :class:`WelcomeApi` in app.py).
Missing recent files stay listed, greyed out with "missing" and a remove button,
so a notebook on an unplugged drive is not silently forgotten.
"""

from __future__ import annotations

import html
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from reflow_desktop import resources
from reflow_desktop.recent import RecentEntry


def examples_dir() -> Path | None:
    """Repo ``examples/`` in a checkout, else the copy packaged in reflow_desktop/examples."""
    return resources.examples_dir()


@dataclass(frozen=True)
class Example:
    name: str
    title: str
    path: Path


def list_examples() -> list[Example]:
    d = examples_dir()
    if d is None:
        return []
    out = []
    for p in sorted(d.glob("*.py")):
        title = p.stem.replace("_", " ").capitalize()
        for line in p.read_text(encoding="utf-8", errors="replace").splitlines()[:40]:
            if line.startswith("# # "):  # first markdown heading
                title = line[4:].strip()
                break
        out.append(Example(p.stem, title, p))
    return out


def copy_example(example: Path, dest_dir: Path) -> Path:
    """Examples open as the user's own copy: autosave must never write into the install."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    dest = dest_dir / example.name
    if not dest.exists():
        shutil.copyfile(example, dest)
    return dest


def untitled_path(directory: Path) -> Path:
    """The first free ``Untitled.py``, ``Untitled-2.py``, … in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    n = 1
    while True:
        p = directory / ("Untitled.py" if n == 1 else f"Untitled-{n}.py")
        if not p.exists():
            return p
        n += 1


def recent_data(entries: list[RecentEntry]) -> list[dict[str, object]]:
    return [{"path": e.path, "name": e.name, "dir": str(Path(e.path).parent), "exists": e.exists} for e in entries]


def render_welcome(entries: list[RecentEntry], examples: list[Example], theme: str = "system") -> str:
    data = {"recent": recent_data(entries), "examples": [{"name": e.name, "title": e.title} for e in examples]}
    # </script> can't appear inside JSON we embed: escape "<".
    blob = json.dumps(data).replace("<", "\\u003c")
    return _TEMPLATE.replace("__DATA__", blob).replace("__THEME__", html.escape(theme))


_TEMPLATE = r"""<!doctype html>
<html lang="en" data-theme="__THEME__"><head><meta charset="utf-8"><title>Welcome to Reflow</title>
<style>
:root{color-scheme:light dark;--bg:#fafafa;--fg:#1d1d1f;--muted:#6e6e73;--card:#fff;--line:#e3e3e6;--accent:#2f6fed}
@media (prefers-color-scheme:dark){:root:not([data-theme=light]){--bg:#1c1c1e;--fg:#f2f2f7;--muted:#98989d;--card:#2c2c2e;--line:#3a3a3c;--accent:#5b8dff}}
:root[data-theme=dark]{--bg:#1c1c1e;--fg:#f2f2f7;--muted:#98989d;--card:#2c2c2e;--line:#3a3a3c;--accent:#5b8dff}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;background:var(--bg);color:var(--fg)}
main{max-width:760px;margin:0 auto;padding:32px 28px;display:grid;grid-template-columns:1fr 220px;gap:28px}
h1{grid-column:1/-1;margin:0;font-size:26px;font-weight:600} h1 small{display:block;font-size:14px;color:var(--muted);font-weight:400}
h2{font-size:13px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);margin:0 0 8px}
ul{list-style:none;margin:0;padding:0} li{display:flex;align-items:center;gap:8px;padding:7px 10px;border-radius:8px}
li:hover{background:var(--card)} .recent a{flex:1;min-width:0;color:inherit;text-decoration:none;cursor:pointer}
.name{font-weight:500} .dir{display:block;color:var(--muted);font-size:12px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
li.missing .name{text-decoration:line-through;color:var(--muted)} li.missing a{cursor:default}
.tag{font-size:11px;color:#c0392b;border:1px solid currentColor;border-radius:4px;padding:0 4px}
button{font:inherit;border:1px solid var(--line);background:var(--card);color:var(--fg);border-radius:8px;padding:8px 12px;cursor:pointer;width:100%;text-align:left;margin-bottom:8px}
button.primary{background:var(--accent);border-color:var(--accent);color:#fff}
button.remove{width:auto;margin:0;padding:2px 8px;font-size:12px}
.empty{color:var(--muted);padding:7px 10px} #examples a{color:var(--accent);text-decoration:none} #examples a:hover{text-decoration:underline}
</style></head>
<body><main>
<h1>Reflow<small>Reactive Python notebooks</small></h1>
<section><h2>Recent notebooks</h2><ul id="recent" class="recent"></ul></section>
<aside><h2>Start</h2>
<button class="primary" id="new" onclick="call('new_notebook')">New notebook</button>
<button id="open" onclick="call('open_dialog')">Open…</button>
<h2 style="margin-top:20px">Examples</h2><ul id="examples"></ul></aside>
</main>
<script>
const DATA = __DATA__;
function call(name, ...args){
  const api = window.pywebview && window.pywebview.api;
  if (!api || !api[name]) { console.warn('shell api not ready:', name); return Promise.resolve(null); }
  return api[name](...args);
}
function el(tag, props, ...kids){ const e=document.createElement(tag); Object.assign(e, props||{}); kids.forEach(k=>e.append(k)); return e; }
function renderRecent(items){
  const ul=document.getElementById('recent'); ul.replaceChildren();
  if(!items.length){ ul.append(el('li',{className:'empty',textContent:'No recent notebooks yet.'})); return; }
  for(const r of items){
    const a=el('a',{title:r.path}, el('span',{className:'name',textContent:r.name}), el('span',{className:'dir',textContent:r.dir}));
    const li=el('li',{className:r.exists?'entry':'entry missing'}, a);
    li.dataset.path=r.path;
    if(r.exists){ a.onclick=()=>call('open_path', r.path); }
    else { li.append(el('span',{className:'tag',textContent:'missing'})); }
    const rm=el('button',{className:'remove',textContent:'Remove',title:'Remove from this list'});
    rm.onclick=async()=>{ const items2=await call('remove_recent', r.path); if(items2) renderRecent(items2); };
    li.append(rm); ul.append(li);
  }
}
function renderExamples(items){
  const ul=document.getElementById('examples');
  for(const x of items){ const a=el('a',{textContent:x.title,href:'#'}); a.onclick=(e)=>{e.preventDefault(); call('open_example', x.name);}; ul.append(el('li',{className:'example'},a)); }
  if(!items.length) ul.append(el('li',{className:'empty',textContent:'None installed.'}));
}
window.reflowWelcome = { renderRecent };
renderRecent(DATA.recent); renderExamples(DATA.examples);
</script></body></html>
"""
