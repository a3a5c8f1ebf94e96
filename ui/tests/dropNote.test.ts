// @vitest-environment jsdom
// A file dropped on the page in a browser: a clear note, and neither the browser nor an editor
// inside the page acts on it; other drags (text) are left alone.
import { describe, expect, it } from "vitest";
import { DROP_NOTE, listenFileDrops } from "../src/dropNote";

function dragEvent(type: string, types: string[]): Event {
  const e = new Event(type, { bubbles: true, cancelable: true });
  Object.defineProperty(e, "dataTransfer", { value: { types, dropEffect: "none" } });
  return e;
}

describe("file drops in a browser", () => {
  it("takes a file drop before the editor under it and shows the note", () => {
    const notes: string[] = [];
    const stop = listenFileDrops(window, (t) => notes.push(t));
    const editor = document.createElement("div");
    document.body.append(editor);
    let editorSaw = 0;
    editor.addEventListener("drop", () => editorSaw++);
    const over = dragEvent("dragover", ["Files"]);
    editor.dispatchEvent(over);
    expect(over.defaultPrevented).toBe(true);
    const drop = dragEvent("drop", ["Files"]);
    editor.dispatchEvent(drop);
    expect(drop.defaultPrevented).toBe(true);
    expect(editorSaw).toBe(0);
    expect(notes).toEqual([DROP_NOTE]);
    expect(DROP_NOTE).toContain("desktop app");
    stop();
    editor.dispatchEvent(dragEvent("drop", ["Files"]));
    expect(editorSaw).toBe(1); // removed: the page is as before
    expect(notes.length).toBe(1);
  });

  it("leaves files dropped on a file element (reflow.ui.file) to it", () => {
    const notes: string[] = [];
    const stop = listenFileDrops(window, (t) => notes.push(t));
    const label = document.createElement("label");
    label.className = "rw-row rw-file";
    const input = document.createElement("input");
    input.type = "file";
    label.append(input);
    document.body.append(label);
    for (const target of [input, label]) {
      const drop = dragEvent("drop", ["Files"]);
      target.dispatchEvent(drop);
      expect(drop.defaultPrevented).toBe(false);
    }
    expect(notes).toEqual([]);
    stop();
  });

  it("leaves text drags to the page", () => {
    const notes: string[] = [];
    const stop = listenFileDrops(window, (t) => notes.push(t));
    const drop = dragEvent("drop", ["text/plain"]);
    document.body.dispatchEvent(drop);
    expect(drop.defaultPrevented).toBe(false);
    expect(notes).toEqual([]);
    stop();
  });
});
