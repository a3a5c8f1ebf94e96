// Styled text from ANSI colour segments (ui/src/ansi.ts): plain runs stay text nodes.

import type { Segment } from "../ansi";

export function AnsiSegments({ segs }: { segs: Segment[] }) {
  return <>{segs.map((s, i) => (isPlain(s) ? s.text : <span key={i} class={segClass(s)} style={segStyle(s)}>{s.text}</span>))}</>;
}

const isPlain = (s: Segment) => !s.fg && !s.bg && !s.bold && !s.italic && !s.underline;

function segClass(s: Segment): string {
  const c: string[] = [];
  if (s.fg && !s.fg.startsWith("#")) c.push("ansi-fg-" + s.fg);
  if (s.bg && !s.bg.startsWith("#")) c.push("ansi-bg-" + s.bg);
  if (s.bold) c.push("ansi-bold");
  if (s.italic) c.push("ansi-italic");
  if (s.underline) c.push("ansi-underline");
  return c.join(" ");
}

function segStyle(s: Segment): string | undefined {
  const st: string[] = [];
  if (s.fg?.startsWith("#")) st.push(`color:${s.fg}`);
  if (s.bg?.startsWith("#")) st.push(`background:${s.bg}`);
  return st.length ? st.join(";") : undefined;
}
