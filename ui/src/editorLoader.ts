// The editor chunk (editorChunk.ts), loaded once, on first need: cells ask for it when their code
// comes near the screen, after the page has painted. Until it is here nothing needs CodeMirror:
// no editor exists, so there is nothing to find in or to switch the keymap of.

export type EditorChunk = typeof import("./editorChunk");

let chunk: EditorChunk | null = null;
let loading: Promise<EditorChunk> | null = null;
let keymap = "default";

/** The chunk, loading it if need be (one request however many cells ask). */
export function loadEditor(load: () => Promise<EditorChunk> = () => import("./editorChunk")): Promise<EditorChunk> {
  loading ??= load().then(
    (m) => {
      if (keymap !== "default") void m.setEditorKeymap(keymap); // vim: its editors switch when it has loaded, as before
      chunk = m;
      return m;
    },
    (err: unknown) => {
      loading = null; // a failed fetch (server restarting): the next cell that asks tries again
      throw err;
    },
  );
  return loading;
}

/** The chunk if it has loaded (editors can then be made at once), else null. */
export function loadedEditor(): EditorChunk | null {
  return chunk;
}

/** The user's editor keymap: applied now if the editors are loaded, else when they load. */
export function setKeymapChoice(choice: string): void {
  keymap = choice;
  if (chunk) void chunk.setEditorKeymap(choice);
}

/** Tests: forget the loaded chunk. */
export function resetEditorLoader(): void {
  chunk = null;
  loading = null;
  keymap = "default";
}
