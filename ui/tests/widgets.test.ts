import { describe, expect, it } from "vitest";
import { WidgetChannel } from "../src/widgets/channel";
import { formatNumber, orderedPair, parseNumber, snap, toggle } from "../src/widgets/convert";
import { nextSort } from "../src/widgets/table";
import { applyServer, initialState } from "../src/store";
import { pickMime } from "../src/mime";

function fakeTransport() {
  const sent: any[] = [];
  return { sent, send: (m: any) => sent.push(m) };
}

function manualSchedule() {
  const queue: (() => void)[] = [];
  return { queue, schedule: (f: () => void) => queue.push(f), run: () => queue.splice(0).forEach((f) => f()) };
}

describe("value conversion", () => {
  it("snaps slider positions to the step grid without float noise", () => {
    expect(snap(0.30000000000000004, 0, 1, 0.1)).toBe(0.3);
    expect(snap(7.4, 0, 10, 1)).toBe(7);
    expect(snap(12, 0, 10, 1)).toBe(10);
    expect(snap(-3, 0, 10, 1)).toBe(0);
    expect(snap(0.123, 0, 1, 0.05)).toBe(0.1);
    expect(snap(NaN, 2, 10, 1)).toBe(2);
  });
  it("parses number boxes: empty is null, bounds clamp, junk is null", () => {
    expect(parseNumber("", 0, 10)).toBeNull();
    expect(parseNumber(" 42 ", 0, 10)).toBe(10);
    expect(parseNumber("-1", 0, null)).toBe(0);
    expect(parseNumber("abc", null, null)).toBeNull();
    expect(parseNumber("2.5", null, null)).toBe(2.5);
  });
  it("keeps range slider handles ordered", () => {
    expect(orderedPair(5, 2)).toEqual([2, 5]);
    expect(orderedPair(1, 3)).toEqual([1, 3]);
  });
  it("toggles selections (single, multi, max)", () => {
    expect(toggle([1, 2], 2, "multi")).toEqual([1]);
    expect(toggle([1], 3, "multi")).toEqual([1, 3]);
    expect(toggle([1], 3, "single")).toEqual([3]);
    expect(toggle([1, 2], 3, "multi", 2)).toEqual([1, 2]);
  });
  it("formats numbers without float noise", () => {
    expect(formatNumber(0.1 + 0.2)).toBe("0.3");
    expect(formatNumber(3)).toBe("3");
    expect(formatNumber(null)).toBe("");
  });
  it("cycles sorting: ascending, descending, none", () => {
    const a = nextSort(null, "x");
    expect(a).toEqual({ column: "x", descending: false });
    const d = nextSort(a, "x");
    expect(d).toEqual({ column: "x", descending: true });
    expect(nextSort(d, "x")).toBeNull();
    expect(nextSort(d, "y")).toEqual({ column: "y", descending: false });
  });
});

describe("widget channel coalescing", () => {
  it("sends at once when idle, keeps only the latest value while in flight", () => {
    const s = manualSchedule();
    const ch = new WidgetChannel(s.schedule);
    const t = fakeTransport();
    ch.transport = t;
    ch.set("a-0", 1);
    expect(t.sent).toHaveLength(1);
    expect(t.sent[0]).toMatchObject({ type: "set_ui_value", element_id: "a-0", value: 1 });
    ch.set("a-0", 2);
    ch.set("a-0", 3);
    ch.set("a-0", 4);
    expect(t.sent).toHaveLength(1); // in flight: nothing more yet
    ch.handle({ type: "ui_values", values: { "a-0": 1 }, request_id: t.sent[0].request_id } as any);
    expect(t.sent).toHaveLength(1); // waits for the next frame
    s.run();
    expect(t.sent).toHaveLength(2);
    expect(t.sent[1]).toMatchObject({ element_id: "a-0", value: 4 });
  });

  it("merges pending updates of several elements into one message", () => {
    const s = manualSchedule();
    const ch = new WidgetChannel(s.schedule);
    const t = fakeTransport();
    ch.transport = t;
    ch.set("a-0", 1);
    ch.set("a-1", "x");
    ch.set("a-0", 2);
    ch.handle({ type: "ui_values", values: { "a-0": 1 }, request_id: t.sent[0].request_id } as any);
    s.run();
    expect(t.sent).toHaveLength(2);
    const m = t.sent[1];
    const all = [{ element_id: m.element_id, value: m.value }, ...(m.updates ?? [])];
    expect(all).toEqual([
      { element_id: "a-1", value: "x" },
      { element_id: "a-0", value: 2 },
    ]);
  });

  it("an answer without request_id still ends the flight when it names the element", () => {
    const s = manualSchedule();
    const ch = new WidgetChannel(s.schedule);
    const t = fakeTransport();
    ch.transport = t;
    ch.set("b-0", true);
    ch.set("b-0", false);
    ch.handle({ type: "ui_values", values: { "b-0": true } } as any);
    s.run();
    expect(t.sent.map((m) => m.value)).toEqual([true, false]);
  });

  it("server values reach subscribers, but never overwrite a newer pending user value", () => {
    const s = manualSchedule();
    const ch = new WidgetChannel(s.schedule);
    const t = fakeTransport();
    ch.transport = t;
    const seen: unknown[] = [];
    ch.subscribe("c-0", (v) => seen.push(v));
    ch.handle({ type: "ui_values", values: { "c-0": 5 } } as any);
    expect(seen).toEqual([5]);
    ch.set("c-0", 6); // in flight
    ch.set("c-0", 7); // pending
    ch.handle({ type: "ui_values", values: { "c-0": 6 }, request_id: t.sent[0].request_id } as any);
    expect(ch.values.get("c-0")).toBe(7);
  });

  it("without a transport (exported page) values stay local", () => {
    const ch = new WidgetChannel();
    ch.set("d-0", 1);
    expect(ch.values.get("d-0")).toBe(1);
  });

  it("pairs table pages with their requests", async () => {
    const ch = new WidgetChannel();
    const t = fakeTransport();
    ch.transport = t;
    const p = ch.requestPage("t-0", 3, { column: "x", descending: true }, 10);
    expect(t.sent[0]).toMatchObject({ type: "table_page", element_id: "t-0", page: 3, page_size: 10 });
    ch.handle({ type: "table_page_reply", request_id: t.sent[0].request_id, element_id: "t-0", rows: [[1]], indices: [7], total: 100 } as any);
    const r = await p;
    expect(r?.indices).toEqual([7]);
  });
});

describe("protocol additions", () => {
  it("applies a batch of events in one store update", () => {
    let s = applyServer(initialState(), {
      type: "session", version: 1, session: "s", path: null, name: "nb", mode: "auto", read_only: false,
      cells: [{ id: "a", kind: "code", code: "", options: {}, status: "idle", outputs: [], defs: [], refs: [], parents: [], children: [], errors: [] }],
      kernel: "idle", config: {},
    } as any);
    s = applyServer(s, {
      type: "batch",
      events: [
        { type: "cell_status", id: "a", status: "running" },
        { type: "cell_clear", id: "a" },
        { type: "cell_output", id: "a", output: { kind: "stream", name: "stdout", text: "hi" } },
        { type: "cell_status", id: "a", status: "idle" },
      ],
    } as any);
    expect(s.cells.a.status).toBe("idle");
    expect(s.cells.a.outputs).toHaveLength(1);
  });
  it("picks the widget MIME types before the html fallback", () => {
    expect(pickMime({ "application/vnd.reflow.ui+json": {}, "text/html": "<b>", "text/plain": "x" })).toBe("application/vnd.reflow.ui+json");
    expect(pickMime({ "application/vnd.reflow.layout+json": {}, "text/html": "<b>" })).toBe("application/vnd.reflow.layout+json");
    expect(pickMime({ "application/vnd.reflow.md+json": {}, "text/markdown": "x" })).toBe("application/vnd.reflow.md+json");
  });
});
