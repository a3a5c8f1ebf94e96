// A cell's static errors (syntax, cycles, …) wait for a pause in typing: a half-typed
// line is not an error yet. Runs are not delayed: this only decides what is shown.
import { useEffect, useState } from "preact/hooks";

/** How long the code must rest before its static errors show. */
const TYPING_PAUSE_MS = 800;

/**
 * Whether the user is still typing: the code differs from the last code that rested for a
 * pause (`settled`) and from the code last run (a run shows its errors at once).
 */
export function isTyping(code: string, settled: string, ranCode: string): boolean {
  return code !== settled && code !== ranCode;
}

/** `isTyping` for a cell's live code: `settled` follows `code` once it rests `pauseMs`. */
export function useTyping(code: string, ranCode: string, pauseMs = TYPING_PAUSE_MS): boolean {
  const [settled, setSettled] = useState(code);
  useEffect(() => {
    if (code === settled) return;
    const timer = setTimeout(() => setSettled(code), pauseMs);
    return () => clearTimeout(timer);
  }, [code, settled, pauseMs]);
  return isTyping(code, settled, ranCode);
}
