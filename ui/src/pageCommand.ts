// One desktop-shell command (a cancelable `reflow:command` event, docs/protocol.md "Shell
// commands") mapped to a page action, for commands that are simply "do what the palette does".
// The action's result decides whether the page claims the command (preventDefault), so an
// unclaimed one falls back to the shell.

export function listenPageCommand(target: EventTarget, command: string, run: () => boolean): () => void {
  const on = (e: Event) => {
    const d: unknown = (e as CustomEvent).detail;
    if (typeof d !== "object" || d === null || (d as { command?: unknown }).command !== command) return;
    if (run()) e.preventDefault();
  };
  target.addEventListener("reflow:command", on);
  return () => target.removeEventListener("reflow:command", on);
}
