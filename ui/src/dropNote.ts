// A data file dropped on the page in a browser (`reflow edit --browser`). A page is never told
// where a dropped file is (the web's rule), and a loader cell must name the file it reads (it can
// be gigabytes, and it is read again when it changes), so the page cannot make one. The desktop
// app takes such drops before its page sees them (desktop/reflow_desktop/shell/drop_data.py);
// here the page says what to do instead, and the browser neither navigates away to the file nor
// lets an editor paste the file's text into a cell. docs/drop-data.md.

export const DROP_NOTE =
  "Dropping a data file makes a loader cell in the Reflow desktop app only: a browser never tells the page " +
  "where the file is. Open the notebook with `reflow nb.py`, or read the file in a cell, e.g. pd.read_csv(\"path\").";

interface Dropish {
  dataTransfer?: { types?: ArrayLike<string> | null; dropEffect?: string } | null;
}

/** Whether a drag carries files from the computer (not text or a link from another page). */
function carriesFiles(e: Event): boolean {
  const types = (e as Dropish).dataTransfer?.types;
  return !!types && Array.from(types).includes("Files") && !onFileInput(e.target);
}

/** A file element's input (reflow.ui.file) takes dropped files itself, as browsers let it. */
function onFileInput(target: EventTarget | null): boolean {
  const el = target as { closest?: (selector: string) => unknown } | null;
  return !!el?.closest?.(FILE_INPUTS);
}

/** Where dropped files belong to the page itself (also asked by the desktop shell: shell/drop_data.py). */
const FILE_INPUTS = 'input[type="file"], label.rw-file';

/** Take file drags on ``target`` (capture phase, before any editor) and call ``note`` on a drop. */
export function listenFileDrops(target: EventTarget, note: (text: string) => void): () => void {
  const over = (e: Event) => {
    if (!carriesFiles(e)) return;
    e.preventDefault(); // else the browser opens the file in place of the notebook
    const dt = (e as Dropish).dataTransfer;
    if (dt) dt.dropEffect = "copy";
  };
  const drop = (e: Event) => {
    if (!carriesFiles(e)) return;
    e.preventDefault();
    e.stopPropagation(); // CodeMirror would paste the file's text into the cell under the pointer
    note(DROP_NOTE);
  };
  target.addEventListener("dragover", over, true);
  target.addEventListener("drop", drop, true);
  return () => {
    target.removeEventListener("dragover", over, true);
    target.removeEventListener("drop", drop, true);
  };
}
