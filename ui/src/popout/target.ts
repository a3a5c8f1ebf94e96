// Which output a pop-out page shows, read from its address, and the address that asks for one:
//   /s/SESSION?view=cell&cell=ID             every output of cell ID
//   /s/SESSION?view=cell&cell=ID&output=N    only its N-th output (0-based): one element, one widget
// The page is the same UI (same session, same WebSocket, same token rules) in another window.

export interface PopoutTarget {
  cell: string;
  /** one output of the cell (0-based); null: all of them */
  output: number | null;
}

/** The pop-out target named by a page address; null for the ordinary notebook page. */
export function popoutTarget(href: string): PopoutTarget | null {
  const q = new URL(href).searchParams;
  if (q.get("view") !== "cell") return null;
  const cell = q.get("cell") ?? "";
  if (!cell) return null;
  const raw = q.get("output");
  const output = raw !== null && /^\d{1,6}$/.test(raw) ? Number(raw) : null;
  return { cell, output };
}

/** The address of a pop-out page on this session (token included: the new page moves it out of the address bar). */
export function popoutUrl(origin: string, session: string, target: PopoutTarget, token: string | null): string {
  const url = new URL(`/s/${encodeURIComponent(session)}`, origin);
  url.searchParams.set("view", "cell");
  url.searchParams.set("cell", target.cell);
  if (target.output !== null) url.searchParams.set("output", String(target.output));
  if (token) url.searchParams.set("token", token);
  return url.toString();
}

/** "nb.py — cell 3" (the display position, as the notebook window numbers cells). */
export function popoutTitle(notebook: string, position: number): string {
  return `${notebook || "Untitled"} — cell ${position}`;
}
