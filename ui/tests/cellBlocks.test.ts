// The cell list's blocks (view/cellBlocks.ts): cells keep their block while the order changes,
// so a change elsewhere does not re-create a cell's DOM (its editor, its output frames).
import { describe, expect, it } from "vitest";
import { assignBlocks, type Blocks } from "../src/view/cellBlocks";

const ids = (n: number, p = "c") => Array.from({ length: n }, (_, i) => `${p}${i}`);
const flat = (b: Blocks) => b.blocks.flatMap((x) => x.ids);
const keys = (b: Blocks, order: string[]) => order.map((id) => b.of.get(id));

describe("assignBlocks", () => {
  it("cuts a fresh order in blocks of the size, in order", () => {
    const order = ids(120);
    const b = assignBlocks(order, undefined, null, 50);
    expect(b.blocks.map((x) => x.ids.length)).toEqual([50, 50, 20]);
    expect(flat(b)).toEqual(order);
  });

  it("keeps every other cell's block when a cell is added, deleted or the list unchanged", () => {
    const order = ids(120);
    const a = assignBlocks(order, undefined, null, 50);
    const same = assignBlocks([...order], a, null, 50);
    expect(same.blocks.map((x) => x.ids)).toEqual(a.blocks.map((x) => x.ids));
    expect(same.blocks[0].ids).toBe(a.blocks[0].ids); // unchanged blocks keep their arrays
    const added = [...order.slice(0, 50), "new", ...order.slice(50)]; // after the last cell of block 0
    const b = assignBlocks(added, a, "new", 50);
    expect(flat(b)).toEqual(added);
    for (const id of order) expect(b.of.get(id)).toBe(a.of.get(id));
    expect(b.of.get("new")).toBe(a.of.get("c49"));
    const top = assignBlocks(["first", ...order], a, "first", 50);
    expect(top.of.get("first")).toBe(a.of.get("c0")); // no block of one at the top
    const deleted = order.filter((id) => id !== "c50");
    const d = assignBlocks(deleted, a, null, 50);
    for (const id of deleted) expect(d.of.get(id)).toBe(a.of.get(id));
  });

  it("moves the neighbour, not the selected cell, when the selected cell crosses a block border", () => {
    const order = ids(100);
    const a = assignBlocks(order, undefined, null, 50);
    // c49 (last of block 0) moves down past c50 (first of block 1)
    const down = [...order.slice(0, 49), "c50", "c49", ...order.slice(51)];
    const b = assignBlocks(down, a, "c49", 50);
    expect(flat(b)).toEqual(down);
    expect(b.of.get("c49")).toBe(a.of.get("c49"));
    expect(b.of.get("c50")).toBe(a.of.get("c49"));
    // c50 (first of block 1) moves up past c49
    const c = assignBlocks(down, a, "c50", 50);
    expect(flat(c)).toEqual(down);
    expect(c.of.get("c50")).toBe(a.of.get("c50"));
    expect(c.of.get("c49")).toBe(a.of.get("c50"));
    expect(keys(c, order.slice(51))).toEqual(keys(a, order.slice(51)));
  });

  it("splits a block grown past twice the size; the selected cell keeps its block", () => {
    const order = ids(50);
    let b = assignBlocks(order, undefined, null, 50);
    const grown = [...order];
    for (let i = 0; i < 51; i++) grown.push(`n${i}`);
    b = assignBlocks(grown, b, "n50", 50);
    expect(flat(b)).toEqual(grown);
    expect(b.blocks.length).toBe(2);
    expect(b.blocks.every((x) => x.ids.length <= 100)).toBe(true);
    expect(b.of.get("n50")).toBe(0); // the selected cell's piece keeps the key
    expect(new Set(b.blocks.map((x) => x.key)).size).toBe(2);
  });
});
