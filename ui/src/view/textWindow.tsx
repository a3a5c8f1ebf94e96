// A long text output, windowed: only the lines in view (and a few around them) are in the DOM,
// inside a spacer as tall as all lines, so 100,000 printed lines cost a screenful of layout.
// Console output sticks to its newest line while it grows, unless the reader scrolled up.
// Select-all and copy take the whole text (not only the lines in the DOM); colours (ANSI) are
// kept across the window's edge.

import { useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import { parseAnsi, stripAnsi, type Segment } from "../ansi";
import { indexLines, lineCount, lineStart, sliceLines, type LineIndex } from "./lineIndex";
import { AnsiSegments } from "./ansiSegments";

/** A text with more lines than this is windowed; shorter ones render whole. */
export const WINDOW_LINES = 400;
/** The pixel height of one line in a window (fixed: the window computes positions from it). */
const LINE_PX = 19;
const OVERSCAN = 40; // lines rendered above and below the visible ones
const VIEW_LINES = 36; // lines a window shows before it scrolls (about 60vh)

/** The index of a growing text, extended (not rebuilt) while the text only grows; `given` when the caller has it. */
export function useLineIndex(text: string, given?: LineIndex): LineIndex {
  const last = useRef<LineIndex | null>(null);
  const ix = useMemo(() => given ?? indexLines(text, last.current), [text, given]);
  last.current = ix;
  return ix;
}

/** The colour segments of lines [first, end): parsed from the last reset before them, so a colour set above the window still shows. */
export function windowSegments(ix: LineIndex, first: number, end: number): Segment[] {
  const from = lineStart(ix, first);
  const body = sliceLines(ix, first, end);
  const reset = Math.max(ix.text.lastIndexOf("\x1b[0m", from), ix.text.lastIndexOf("\x1b[m", from));
  const before = ix.text.slice(Math.max(reset, 0), from);
  if (!before.includes("\x1b")) return parseAnsi(body);
  const MARK = "\uE000"; // private-use: where the window starts, carried through the parse
  const segs = parseAnsi(before + MARK + body);
  const at = segs.findIndex((s) => s.text.includes(MARK));
  if (at < 0) return parseAnsi(body);
  const head = segs[at];
  const rest = head.text.slice(head.text.indexOf(MARK) + 1);
  return [...(rest ? [{ ...head, text: rest }] : []), ...segs.slice(at + 1)];
}

/** `ix` and `esc` (the text has escapes): given by a stream's view, which keeps them up to date cheaply. */
export function TextWindow(props: { text: string; ansi: boolean; tail: boolean; ix?: LineIndex; esc?: boolean }) {
  const { text, ansi, tail } = props;
  const ix = useLineIndex(text, props.ix);
  const total = lineCount(ix);
  const scroller = useRef<HTMLDivElement>(null);
  const stick = useRef(tail); // follow the newest line until the reader scrolls away from it
  const [top, setTop] = useState(() => (tail ? Math.max(0, total - VIEW_LINES) * LINE_PX : 0));
  const [allSelected, setAllSelected] = useState(false);

  // following the newest line: the window is the last lines now, not after a scroll event and a second render
  const shownTop = stick.current ? Math.max(0, total - VIEW_LINES) * LINE_PX : top;
  const first = Math.max(0, Math.floor(shownTop / LINE_PX) - OVERSCAN);
  const end = Math.min(total, Math.floor(shownTop / LINE_PX) + VIEW_LINES + OVERSCAN);
  const hasEsc = ansi && (props.esc ?? text.includes("\x1b"));
  const body = useMemo(() => (hasEsc ? null : sliceLines(ix, first, end)), [ix, first, end, hasEsc]);
  const segs = useMemo(() => (hasEsc ? windowSegments(ix, first, end) : null), [ix, first, end, hasEsc]);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && stick.current) el.scrollTop = total * LINE_PX; // the browser clamps it to the last screenful
  }, [total]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    stick.current = tail && el.scrollTop + el.clientHeight >= el.scrollHeight - LINE_PX;
    setTop(el.scrollTop);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === "a") {
      e.preventDefault();
      e.stopPropagation();
      setAllSelected(true);
      const pre = scroller.current?.querySelector("pre");
      const sel = window.getSelection();
      if (pre && sel) sel.selectAllChildren(pre);
    }
  };
  const onCopy = (e: ClipboardEvent) => {
    if (!allSelected || !e.clipboardData) return;
    e.preventDefault();
    e.clipboardData.setData("text/plain", stripAnsi(text));
  };
  const copyAll = () => void navigator.clipboard?.writeText(stripAnsi(text));

  return (
    <>
      <div class="text-window-bar">
        <span data-testid="output-line-count">{total.toLocaleString()} lines</span>
        <button class="link small" onClick={copyAll} data-testid="output-copy-all" title="Copy the whole output">
          Copy all
        </button>
      </div>
      <div
        ref={scroller}
        class={`text-window ${allSelected ? "all-selected" : ""}`}
        data-testid="output-window"
        data-lines={total}
        data-first-line={first}
        tabIndex={0}
        onScroll={onScroll}
        onKeyDown={onKeyDown}
        onCopy={onCopy}
        onMouseDown={() => allSelected && setAllSelected(false)}
        style={{ height: `${Math.min(total, VIEW_LINES) * LINE_PX + 16}px` }}
      >
        <div class="text-window-spacer" style={{ height: `${total * LINE_PX}px` }}>
          <pre style={{ transform: `translateY(${first * LINE_PX}px)`, lineHeight: `${LINE_PX}px` }}>
            {segs ? <AnsiSegments segs={segs} /> : body}
          </pre>
        </div>
      </div>
    </>
  );
}
