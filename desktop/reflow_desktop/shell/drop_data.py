"""Data files dropped on a notebook window become loader cells (issue 20 item 5): the Qt side.

Why here and not in the page: a page is told a dropped file's name and bytes, never its path (the
web's rule, which QtWebEngine keeps), and a loader must name the file it reads -- the data may be
gigabytes and must be read again when it changes. Qt's own drag and drop events carry the real
paths (``QMimeData.urls()``, local files), so the window takes every drop of local files *before*
the page sees it: an event filter on the web view and on the widgets inside it (Chromium's render
widget is a child that Qt may deliver the drag to, and it can be replaced), installed when the
window is shown. Other drops (text, links) go on to the page as before. The page is asked only
what is under the drop point and which cell has the focus (``runJavaScript``); the session
inserts the cell after it (``reflow_desktop.dropdata.insert``). A file element (``reflow.ui.file``)
under the point gets the files instead, as in a browser. In a browser (no paths) the page shows a
note instead (ui/src/dropNote.ts).
"""

from __future__ import annotations

import concurrent.futures
import json
import logging
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast

from qtpy.QtCore import QEvent, QMimeData, QObject, QPointF
from qtpy.QtGui import QDropEvent
from qtpy.QtWidgets import QWidget

from reflow_desktop.dropdata.insert import DropDoor, Dropped, drop_files
from reflow_desktop.settings import load_settings
from reflow_desktop.shell.threads import ServerThread, gui_only

if TYPE_CHECKING:
    from qtpy.QtWidgets import QMainWindow

    from reflow_desktop.session.doors import WindowDoor

log = logging.getLogger(__name__)

# the cell whose editor or body has the keyboard focus (edit or command mode), else null
FOCUSED_CELL_JS = (
    "(function(){var e=document.activeElement;"
    "var c=e&&e.closest?e.closest('[data-cell-id]'):null;"
    "return c?c.getAttribute('data-cell-id'):null;})()"
)
# a file element (reflow.ui.file) under the drop point takes the files itself, as it does in a browser;
# the same selector as the page's own drop note (ui/src/dropNote.ts)
FILE_INPUT_AT_JS = (
    "(function(x,y){{var e=document.elementFromPoint(x,y);"
    "var l=e&&e.closest?e.closest('input[type=\"file\"], label.rw-file'):null;if(!l)return null;"
    "var i=l.tagName==='INPUT'?l:l.querySelector('input[type=\"file\"]');if(!i)return null;"
    "document.querySelectorAll('input[data-reflow-drop]').forEach(function(o){{o.removeAttribute('data-reflow-drop');}});"
    "i.setAttribute('data-reflow-drop','1');return i.multiple?'multiple':'single';}})({x},{y})"
)
FILL_FILE_INPUT_JS = (
    "(function(files){{var i=document.querySelector('input[data-reflow-drop]');if(!i)return false;"
    "i.removeAttribute('data-reflow-drop');var dt=new DataTransfer();files.forEach(function(f){{"
    "var b=atob(f.data),a=new Uint8Array(b.length);for(var k=0;k<b.length;k++)a[k]=b.charCodeAt(k);"
    "dt.items.add(new File([a],f.name));}});i.files=dt.files;"
    "i.dispatchEvent(new Event('change',{{bubbles:true}}));return true;}})({files})"
)
FILE_INPUT_MAX_BYTES = 64 * 1024 * 1024  # what a drop hands a page's file element (it holds it all in memory)


class DropHost(Protocol):
    @property
    def server_thread(self) -> ServerThread: ...

    def invoke(self, fn: Callable[[], object]) -> None: ...


class DropWindow(Protocol):
    """What a notebook window lends the drop handler (``NotebookWindow`` satisfies it)."""

    @property
    def app(self) -> DropHost: ...

    @property
    def session(self) -> WindowDoor: ...

    @property
    def native(self) -> QMainWindow | None: ...

    def run_js(self, script: str, callback: Callable[[object], None] | None = None) -> None: ...


def local_paths(mime: QMimeData | None) -> list[str]:
    """The local file paths a drag carries; [] when it carries anything else (a link, text): the page's."""
    if mime is None or not mime.hasUrls():
        return []
    urls = mime.urls()
    if not urls or not all(u.isLocalFile() for u in urls):
        return []
    return [u.toLocalFile() for u in urls]


def scroll_to_cell_js(cell_id: str) -> str:
    """Bring the new cell into view once the page has it (a few frames at most)."""
    selector = f"[data-cell-id={_js_string(cell_id)}]"
    return (
        "(function(){var n=0;function go(){var c=document.querySelector("
        + _js_string(selector)
        + ");if(c){c.scrollIntoView({block:'nearest'});}else if(n++<120){requestAnimationFrame(go);}}go();})()"
    )


def _js_string(text: str) -> str:
    return json.dumps(text)


class DataDropFilter(QObject):
    """Takes drags and drops of local files away from the web view and hands the paths on."""

    def __init__(
        self,
        parent: QObject,
        on_drop: Callable[[list[str], QPointF], None],
        on_hover: Callable[[list[str] | None], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.view = parent
        self.on_drop = on_drop  # paths, and where they fell in the view's coordinates
        self.on_hover = on_hover  # files over the window (a hint), None when they left or dropped

    def watch(self, widget: QWidget) -> None:
        """Filter ``widget`` and every widget inside it, now and as they are added (installing twice is once)."""
        for w in [widget, *widget.findChildren(QWidget)]:
            w.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.ChildAdded, QEvent.Type.ChildPolished):  # Chromium's render widget, when it comes
            child = cast(Any, event).child()
            if isinstance(child, QWidget):
                self.watch(child)
            return False
        if kind == QEvent.Type.DragLeave and self.on_hover is not None:
            self.on_hover(None)
        if kind not in (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop):
            return False
        drop = cast(QDropEvent, event)  # QDragEnterEvent and QDragMoveEvent are QDropEvents
        paths = local_paths(drop.mimeData())
        if not paths:
            return False  # not files: the page's, as before
        drop.acceptProposedAction()
        if kind == QEvent.Type.DragEnter and self.on_hover is not None:
            self.on_hover(paths)
        if kind == QEvent.Type.Drop:
            if self.on_hover is not None:
                self.on_hover(None)
            where = drop.position()
            if isinstance(obj, QWidget) and isinstance(self.view, QWidget) and obj is not self.view:
                where = QPointF(obj.mapTo(self.view, where.toPoint()))
            self.on_drop(paths, where)
        return True  # the page never sees it (Chromium would open the file or paste its text)


@gui_only
def accept_data_drops(win: DropWindow) -> DataDropFilter | None:
    """Install the drop filter on the window's web view (GUI thread, the native window exists)."""
    if win.native is None:
        return None
    view = cast(QWidget, win.native.centralWidget())
    view.setAcceptDrops(True)
    native = win.native

    def hint(paths: list[str] | None) -> None:
        if paths is None:
            native.statusBar().clearMessage()
        else:
            names = ", ".join(Path(p).name for p in paths[:3]) + (" …" if len(paths) > 3 else "")
            native.statusBar().showMessage(f"Drop to load {names} into a new cell")

    def dropped(paths: list[str], where: QPointF) -> None:
        zoom = cast(Any, view).zoomFactor() or 1.0  # the page's CSS pixels
        drop_paths(win, paths, (where.x() / zoom, where.y() / zoom))

    filt = DataDropFilter(view, dropped, hint)
    filt.watch(view)
    return filt


@gui_only
def drop_paths(win: DropWindow, paths: list[str], point: tuple[float, float] = (-1.0, -1.0)) -> None:
    """Onto a file element: its files; anywhere else: loader cells after the focused cell."""

    def with_target(target: object) -> None:
        if target in ("single", "multiple"):
            fill_file_input(win, paths if target == "multiple" else paths[:1])
        else:
            insert_loaders(win, paths)

    win.run_js(FILE_INPUT_AT_JS.format(x=float(point[0]), y=float(point[1])), with_target)


@gui_only
def fill_file_input(win: DropWindow, paths: list[str]) -> None:
    """Give the marked file input the dropped files' bytes (regular files, bounded), as a browser would."""
    import base64

    files, total = [], 0
    for raw in paths:
        path = Path(raw)
        try:
            st = path.lstat()
        except OSError:
            continue
        total += st.st_size
        if not stat.S_ISREG(st.st_mode) or total > FILE_INPUT_MAX_BYTES:
            if win.native is not None:
                why = "is not a regular file" if not stat.S_ISREG(st.st_mode) else "is too large to drop here"
                win.native.statusBar().showMessage(f"{path.name} {why}", 15_000)
            return
        files.append({"name": path.name, "data": base64.b64encode(path.read_bytes()).decode("ascii")})
    win.run_js(FILL_FILE_INPUT_JS.format(files=json.dumps(files)))


@gui_only
def insert_loaders(win: DropWindow, paths: list[str]) -> None:
    """Ask the page which cell has the focus, then let the session insert the loaders after it."""

    def with_focus(focused: object) -> None:
        after = focused if isinstance(focused, str) and focused else None
        library = load_settings().data_library
        door = cast(DropDoor, win.session)  # the window's session is a Session: it has the packages flow too
        future = win.app.server_thread.submit(drop_files(door, paths, after, library))

        def done(f: concurrent.futures.Future[list[Dropped]]) -> None:  # the server thread
            if (exc := f.exception()) is not None:
                log.error("dropping %s failed", paths, exc_info=exc)
                return
            results = f.result()
            win.app.invoke(lambda: _dropped(win, results))

        future.add_done_callback(done)

    win.run_js(FOCUSED_CELL_JS, with_focus)


@gui_only
def _dropped(win: DropWindow, results: list[Dropped]) -> None:
    inserted = [r.cell_id for r in results if r.cell_id]
    if inserted:
        win.run_js(scroll_to_cell_js(inserted[-1]))
