import { afterEach, describe, expect, it } from "vitest";
import { loadedEditor, loadEditor, resetEditorLoader, setKeymapChoice, type EditorChunk } from "../src/editorLoader";

function fakeChunk(keymaps: string[]): EditorChunk {
  return { setEditorKeymap: async (k: string) => void keymaps.push(k) } as unknown as EditorChunk;
}

afterEach(() => resetEditorLoader());

describe("the editor chunk loads once, on first need", () => {
  it("one request however many cells ask; loadedEditor() is null until it is here", async () => {
    let requests = 0;
    const chunk = fakeChunk([]);
    const load = async () => {
      requests += 1;
      return chunk;
    };
    expect(loadedEditor()).toBeNull();
    const [a, b] = await Promise.all([loadEditor(load), loadEditor(load)]);
    expect(a).toBe(chunk);
    expect(b).toBe(chunk);
    expect(requests).toBe(1);
    expect(loadedEditor()).toBe(chunk);
  });

  it("a keymap chosen before the editors load is applied when they do; later ones at once", async () => {
    const keymaps: string[] = [];
    setKeymapChoice("vim");
    expect(keymaps).toEqual([]);
    await loadEditor(async () => fakeChunk(keymaps));
    expect(keymaps).toEqual(["vim"]);
    setKeymapChoice("default");
    expect(keymaps).toEqual(["vim", "default"]);
  });

  it("a failed load is tried again by the next cell that asks", async () => {
    await expect(loadEditor(async () => Promise.reject(new Error("offline")))).rejects.toThrow("offline");
    expect(loadedEditor()).toBeNull();
    const chunk = fakeChunk([]);
    await expect(loadEditor(async () => chunk)).resolves.toBe(chunk);
  });

  it("the real chunk has what cells, the find bar and settings use", async () => {
    const m = await loadEditor();
    expect(typeof m.createEditor).toBe("function");
    expect(typeof m.lspEditorHooks).toBe("function");
    expect(typeof m.setEditorKeymap).toBe("function");
    expect(typeof m.EditorView.findFromDOM).toBe("function");
  });
});
