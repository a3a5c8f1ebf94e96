// Everything the cells' editors need (CodeMirror, its languages, completion, the language server's
// extension), as one chunk loaded on demand through editorLoader.ts: a page paints its cells and
// outputs without it (code shows as text until its editor mounts).
export { createEditor, setEditorKeymap } from "./editor";
export { lspEditorHooks } from "./lsp/cellHooks";
export { EditorView } from "@codemirror/view";
